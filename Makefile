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

.DEFAULT_GOAL := help
.PHONY: help html serve test lint publish clean

help: ## Show this help
	@echo "Closer: an ad-free guide to emotional intimacy (Pelican)"
	@echo
	@echo "Usage: make <target> [VAR=value]"
	@echo
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: CONTENT=$(CONTENT) OUTPUT=$(OUTPUT) PORT=$(PORT)"

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PY_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(VENV)/.installed node_modules/.installed

html: deps ## Build CONTENT (default content/) into OUTPUT (default output/)
	$(PY) tools/build.py --settings $(SETTINGS) --content $(CONTENT) --output $(OUTPUT)

serve: deps ## Build, serve http://127.0.0.1:$(PORT)/ and rebuild + reload on save
	$(PY) tools/serve.py --content $(CONTENT) --output $(OUTPUT) --port $(PORT)

test: deps ## Run every test (unit, whole-site, browser)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: deps ## Check Python code style (ruff) and content
	$(PY) -m ruff check plugins tools tests pelicanconf.py publishconf.py

publish: deps ## Production build with publishconf.py (needs SITEURL)
	$(PY) tools/build.py --settings publishconf.py --content $(CONTENT) --output $(OUTPUT)

clean: ## Remove build output and caches (keeps .venv and node_modules)
	rm -rf $(OUTPUT) $(OUTPUT).tmp-* $(OUTPUT).old-* __pycache__ .pytest_cache .ruff_cache
