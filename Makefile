# The one entry point. `make` alone prints help.
# Every target that needs Python or Node creates .venv / node_modules first,
# and re-installs them when requirements.txt or package-lock.json change.

PY_BOOT  ?= python3
VENV     := .venv
PY       := $(VENV)/bin/python
CONTENT  ?= content
OUTPUT   ?= output
SETTINGS ?= pelicanconf.py
PORT     ?= 8000
AWS      ?= aws
# The tools, wherever make runs from (make -f path/Makefile).
HERE     := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
TOOLS    := $(HERE)tools

# Values are data, never shell code: every variable a user or the content can set is
# exported, and recipes use it as one quoted word ("$$VAR"), so a quote, a ; or a $( )
# inside a value stays inside that value. Never write $(VAR) for these in a recipe.
export CONTENT OUTPUT SETTINGS PORT SITEURL DEST BUCKET AWS CNAME TITLE QUESTION NAME SRC
export REPORTS DRY_RUN PYTEST_ARGS BENCH_ARGS CONTACT

.DEFAULT_GOAL := help
SHELL    := /bin/bash

.PHONY: help prereqs deps html serve test lint publish published deploy-rsync deploy-gh-pages deploy-s3 clean audit bench new-article new-faq new-topic import

help: ## Show this help
	@echo "Closer: an ad-free guide to emotional intimacy (Pelican)"
	@echo
	@echo "Usage: make <target> [VAR=value]"
	@echo
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk -v port="$$PORT" 'BEGIN {FS = ":.*## "}; {gsub(/\$$\(PORT\)/, port, $$2); printf "  %-18s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: CONTENT=$$CONTENT OUTPUT=$$OUTPUT PORT=$$PORT"

# Installs say what they do and how long they took; the first one takes a minute or two.
$(VENV)/.installed: requirements.txt $(HERE)pyproject.toml
	@echo "deps: installing the Python packages of requirements.txt into $(VENV)/ (first time: about 2 minutes)"
	@test -x $(PY) || $(PY_BOOT) -m venv $(VENV)
	@start=$$(date +%s); \
	  $(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt \
	    | grep -E '^(Collecting|Processing|Installing|Successfully|ERROR)' ; status=$${PIPESTATUS[0]}; \
	  test $$status -eq 0 || { echo "deps: pip failed (exit $$status); the lines above say why" >&2; exit $$status; }; \
	  echo "deps: Python packages ready in $$(( $$(date +%s) - start )) s"
	@# The plugins themselves, as one editable package (pyproject.toml): tools and tests import them by name.
	@$(PY) -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e "$(HERE)"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "deps: installing the Node packages of package-lock.json into node_modules/ (first time: about 30 s)"
	@# --ignore-scripts: no package may download anything at install (vnu-jar would fetch a JRE).
	@start=$$(date +%s); \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
	  echo "deps: Node packages ready in $$(( $$(date +%s) - start )) s"
	@touch $@

deps: $(VENV)/.installed node_modules/.installed

html: deps ## Build CONTENT (default content/) into OUTPUT (default output/)
	$(PY) tools/build.py --settings "$$SETTINGS" --content "$$CONTENT" --output "$$OUTPUT"

serve: deps ## Build, serve http://127.0.0.1:$(PORT)/ and rebuild + reload on save
	$(PY) tools/serve.py --content "$$CONTENT" --output "$$OUTPUT" --port "$$PORT"

# The system programs are checked first, so a missing browser is said in a second, not
# after the install; -v prints one line per test as it finishes.
prereqs: ## Check the system programs make test needs; prints the command that installs the missing ones
	@$(PY_BOOT) tools/prereqs.py

test: prereqs deps ## Run every test (unit, whole-site, browser in Chromium, Firefox and WebKit)
	$(PY) -m pytest -v $$PYTEST_ARGS

lint: deps ## Check all content in seconds (no output written): path:line: level: message
	$(PY) tools/lint.py --content "$$CONTENT"

publish: deps ## Production build with publishconf.py: make publish SITEURL=https://... CONTACT=...
	$(PY) tools/build.py --settings publishconf.py --content "$$CONTENT" --output "$$OUTPUT"

# The deploy targets ship OUTPUT as `make publish` left it; they never build.
# CNAME (optional) overrides the one line of CONTENT/extra/CNAME; both are checked as host names.
published:
	@test -f "$$OUTPUT/sitemap.xml" || { printf '%s/ is not a production build: run make publish SITEURL=https://... first\n' "$$OUTPUT" >&2; exit 1; }

deploy-rsync: published ## Copy OUTPUT to DEST=user@host:path (or a folder) with rsync; deletes what is gone
	@test -n "$$DEST" || { echo "Set DEST, for example: make deploy-rsync DEST=user@host:/var/www/closer" >&2; exit 1; }
	rsync --recursive --links --times --checksum --delete-delay --compress --perms --chmod=D755,F644 -- "$$OUTPUT/" "$$DEST"

deploy-gh-pages: published $(VENV)/.installed ## Commit OUTPUT to the gh-pages branch and push it (keeps CNAME=...)
	$(PY) "$(TOOLS)/deploy_gh_pages.py" --output "$$OUTPUT" --content "$$CONTENT" --cname "$$CNAME"

deploy-s3: published $(VENV)/.installed ## Sync OUTPUT to BUCKET=name with the AWS CLI (types, encodings, caching)
	$(PY) "$(TOOLS)/deploy_s3.py" --bucket "$$BUCKET" --output "$$OUTPUT" --aws "$$AWS" $(if $(DRY_RUN),--dry-run)

audit: deps ## Lighthouse (mobile) on key pages of a production build; fails below target (REPORTS=dir keeps the reports)
	$(PY) tools/audit.py --content "$$CONTENT" $(if $(REPORTS),--reports "$$REPORTS")

bench: deps ## Benchmark (not a test): build time vs plain Pelican, scale, search (with Pagefind), page weight
	@# Pagefind, the search reference point, is installed by tools/search_bench.py into
	@# node_modules/.cache/search-bench/ (pinned there): not in package.json, because its lock
	@# entry names binaries for every platform, which some registries do not carry.
	$(PY) tools/bench.py $$BENCH_ARGS

new-article: deps ## Start a chapter: make new-article TITLE="How to say sorry"
	$(PY) tools/scaffold.py article "$$TITLE" --content "$$CONTENT"

new-faq: deps ## Start an FAQ entry: make new-faq QUESTION="Is it OK to go to bed angry?"
	$(PY) tools/scaffold.py faq "$$QUESTION" --content "$$CONTENT"

new-topic: deps ## Start a topic: make new-topic NAME="Apologies"
	$(PY) tools/scaffold.py topic "$$NAME" --content "$$CONTENT"

import: deps ## Turn a saved web page you own into a draft chapter: make import SRC=page.html
	$(PY) tools/import_page.py "$$SRC" --content "$$CONTENT"

clean: ## Remove build output and caches (keeps .venv and node_modules)
	rm -rf -- "$$OUTPUT" "$$OUTPUT".tmp-* "$$OUTPUT".old-* __pycache__ .pytest_cache .ruff_cache
