/* Closer's service worker: read and search offline what you have read before.
 *
 * The build serves this file at /sw.js with BUILD_HASH (it changes whenever
 * any file of the site changes), PRECACHE_URLS (the CSS and JavaScript, the
 * home page, /faq/, /search/ and the offline page) and SEARCH_URLS (the
 * search index and lunr.js) filled in. Pages: network first, so readers see
 * the latest version, with the saved copy when the network fails. Everything
 * else: from the cache of this build first (fingerprinted names never change
 * content). The search files are not fetched until the reader first searches
 * (pages load them lazily; the worker keeps what they load); once a reader
 * has searched, a new build's worker fetches its own copies at once.
 */
"use strict";

const BUILD_HASH = "BUILD_HASH";
const PRECACHE_URLS = [/* PRECACHE_URLS */];
const SEARCH_URLS = [/* SEARCH_URLS */];
/* Pages that carry the quick exit (the build lists them): never kept on the
 * device, so no one who checks it offline can tell they were read. */
const SENSITIVE_URLS = [/* SENSITIVE_URLS */];
const PREFIX = "closer-";
const CACHE = PREFIX + BUILD_HASH;
const OFFLINE_URL = new URL("offline/", self.registration.scope).href;
const SEARCH_PAGE_PATHS = [new URL("search/", self.registration.scope).pathname];

/* The saved copy of a page is keyed without its query and fragment:
 * /search/?q=trust and /search/ are the same page. */
function pageKey(url) {
  const key = new URL(url);
  key.search = "";
  key.hash = "";
  return key.href;
}

/* Whether a response may be kept: never a sensitive page, never an address
 * with a query (a search: the saved copy would remember its words). */
function mayKeep(url) {
  const parsed = new URL(url);
  if (parsed.search) return false;
  const path = parsed.pathname.replace(/index\.html$/, "");
  return !SENSITIVE_URLS.some((sensitive) => new URL(sensitive, self.location.origin).pathname === path);
}

/* Saves a fresh copy of a page; true when it could. */
async function savePage(cache, url) {
  if (!mayKeep(url)) return false;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return false;
    await cache.put(pageKey(url), response);
    return true;
  } catch (error) {
    return false;
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE_URLS))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    /* Pages read under an older build are saved again for this one (the
     * old copy when offline), then the old caches go. */
    const kept = new Map();
    const searchPaths = SEARCH_URLS.map((url) => new URL(url, self.location.origin).pathname);
    let searched = false;
    for (const key of await caches.keys()) {
      if (!key.startsWith(PREFIX) || key === CACHE) continue;
      const old = await caches.open(key);
      for (const request of await old.keys()) {
        if ((request.url.endsWith("/") || request.url.endsWith(".html")) && mayKeep(request.url)) kept.set(request.url, old);
        if (searchPaths.includes(new URL(request.url).pathname)) searched = true;
      }
    }
    /* A reader who searched under the old build keeps search offline. */
    if (searched) await cache.addAll(SEARCH_URLS).catch(() => {});
    /* The page that installed this worker loaded before it was in control. */
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      if (!kept.has(pageKey(client.url))) kept.set(pageKey(client.url), null);
    }
    await Promise.all([...kept].map(async ([url, old]) => {
      if (await savePage(cache, url) || !old) return;
      const copy = await old.match(url);
      if (copy) await cache.put(url, copy);
    }));
    const stale = (await caches.keys()).filter((key) => key.startsWith(PREFIX) && key !== CACHE);
    await Promise.all(stale.map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    /* The search page is the same for every query: ask for it without the
     * words, so they never leave the device (search runs in the page). */
    const searching = new URL(request.url).search && SEARCH_PAGE_PATHS.includes(new URL(request.url).pathname);
    const response = await fetch(searching ? pageKey(request.url) : request);
    if (response.ok && mayKeep(request.url)) await cache.put(pageKey(request.url), response.clone());
    return response;
  } catch (error) {
    return (await cache.match(pageKey(request.url))) || (await cache.match(OFFLINE_URL)) || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic" && mayKeep(request.url)) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(request.mode === "navigate" ? networkFirst(request) : cacheFirst(request));
});
