/* "Remove this guide from this device" (the privacy page).
 *
 * Unregisters the service worker, deletes every cache this site made and
 * clears its local storage, session storage and IndexedDB databases, then
 * says what it did. The button is hidden until this script shows it, so a
 * reader without JavaScript sees only the manual steps.
 */
(function () {
  "use strict";
  var box = document.getElementById("forget-this-guide");
  if (!box) return;
  var button = box.querySelector("button");
  var status = box.querySelector(".forget__status");
  box.hidden = false;

  function tryEach(promises) {
    return Promise.all(promises.map(function (p) { return Promise.resolve(p).catch(function () {}); }));
  }

  function forget() {
    var steps = [];
    if ("serviceWorker" in navigator) {
      steps.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return tryEach(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    if (window.caches) {
      steps.push(caches.keys().then(function (keys) {
        return tryEach(keys.map(function (key) { return caches.delete(key); }));
      }));
    }
    try { window.localStorage.clear(); } catch (error) { /* storage may be blocked */ }
    try { window.sessionStorage.clear(); } catch (error) { /* storage may be blocked */ }
    if (window.indexedDB && indexedDB.databases) {
      steps.push(indexedDB.databases().then(function (databases) {
        return tryEach(databases.map(function (db) {
          return new Promise(function (done) {
            var request = indexedDB.deleteDatabase(db.name);
            request.onsuccess = request.onerror = request.onblocked = function () { done(); };
          });
        }));
      }));
    }
    return tryEach(steps).then(function () {
      // The worker may have saved one more file while it was being removed.
      return window.caches ? caches.keys().then(function (keys) {
        return tryEach(keys.map(function (key) { return caches.delete(key); }));
      }) : null;
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Removing…";
    forget().then(function () {
      status.textContent = "Done. The saved pages and data of this guide are gone from this browser. " +
        "Your browsing history is separate: the steps below remove it. If you open this guide again, " +
        "your browser will start saving pages again.";
      button.disabled = false;
    });
  });
})();
