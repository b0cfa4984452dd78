# microgpt-guide: `make guide` builds the page and serves it; `make test` runs every check.
# Every set-up step lives here so that a fresh Debian machine (Python 3.11+, Node 20.19+) needs no
# other preparation.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DIST := dist/microgpt-guide.html
# apt-get only when something is missing; sudo when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: guide build test setup py-deps node-deps browsers lint typecheck format unit pyodide-tests unit-and-pyodide browser-tests bench screenshots checkpoints clean

guide: build
	@echo "Built: $(abspath $(DIST))"
	@echo "Open it by double-click (file://) or at http://localhost:$(PORT)/microgpt-guide.html"
	cd dist && ../$(PY) -m http.server $(PORT) --bind 127.0.0.1

build: setup
	PYTHONPATH=py $(PY) -m builder.build --out $(DIST)

setup: py-deps node-deps

py-deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --group dev
	touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's browsers; Playwright's own browser download cannot work on these machines.
browsers:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@# Emoji in the screenshots (the page flags emoji as outside the vocabulary); cosmetic only.
	@[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji || true
	@command -v firefox-esr >/dev/null && command -v WebKitWebDriver >/dev/null && command -v xvfb-run >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb || echo "warning: could not install firefox-esr/webkit2gtk-driver/xvfb; those engines' tests will be skipped"; }

# ruff for the Python; for the JS, ESLint (eslint.config.js: rules that catch bugs) and prettier's
# check that it is formatted at one width (.prettierrc.json; .prettierignore lists what is not yet).
lint: py-deps node-deps
	$(VENV)/bin/ruff check py tests bench
	node_modules/.bin/eslint .
	node_modules/.bin/prettier --check --log-level warn "**/*.{js,mjs}"

# The JS's types, from its JSDoc (tsc, nothing emitted): the page's modules, then the worker's,
# whose global scope is a worker's (js/worker/jsconfig.json).
typecheck: node-deps
	node_modules/.bin/tsc -p jsconfig.json
	node_modules/.bin/tsc -p js/worker/jsconfig.json

# Rewrites the JS that prettier covers at the project's width (see lint).
format: node-deps
	node_modules/.bin/prettier --write --log-level warn "**/*.{js,mjs}"

unit: setup
	$(PY) -m pytest tests/unit -m "not slow" -q
	node --test tests/js/

pyodide-tests: setup
	node tests/pyodide/run_bridge_tests.mjs

# The browser tests in BROWSER_PARTS pytest processes side by side, each with its own Chromium
# (tests/browser/sharding.py deals out whole files); each part's log is printed when all are done.
# -ra: an engine that cannot be installed says so; the slowest tests are listed.
BROWSER_PARTS ?= 2
browser-tests: build browsers
	@mkdir -p test-artifacts
	@pids=""; for k in $$(seq 1 $(BROWSER_PARTS)); do \
	  $(PY) -m pytest tests/browser -q -ra --durations=8 --shard $$k/$(BROWSER_PARTS) > test-artifacts/browser-part-$$k.log 2>&1 & pids="$$pids $$!"; \
	done; status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	for k in $$(seq 1 $(BROWSER_PARTS)); do echo "--- browser tests, part $$k of $(BROWSER_PARTS) (test-artifacts/browser-part-$$k.log):"; \
	  cat test-artifacts/browser-part-$$k.log; done; exit $$status

# The CPython unit tests and the bridge tests in Pyodide under Node each keep one core busy and
# share no files (the Pyodide run copies the tests into memory): they run side by side, each
# into its own log, printed when both are done.
unit-and-pyodide: setup
	@mkdir -p test-artifacts
	@$(MAKE) --no-print-directory pyodide-tests > test-artifacts/pyodide-tests.log 2>&1 & pid=$$!; \
	  $(MAKE) --no-print-directory unit; unit=$$?; \
	  wait $$pid; pyodide=$$?; \
	  echo "--- Pyodide bridge tests (test-artifacts/pyodide-tests.log):"; cat test-artifacts/pyodide-tests.log; \
	  [ $$unit -eq 0 ] && [ $$pyodide -eq 0 ]

test: setup browsers lint typecheck unit-and-pyodide build browser-tests

bench: build browsers
	$(PY) bench/run.py

# The README's pictures (docs/screenshots/), from the built page: rerun after changing what they show.
screenshots: build browsers
	$(PY) bench/screenshots.py

# The default script trained natively for 1000 steps (~5 min): py/checkpoints/, committed. Rerun
# after changing py/microgpt.py or py/data/names.txt (tests/unit/test_checkpoints.py says so).
checkpoints: py-deps
	PYTHONPATH=py nice -n 10 $(PY) -m builder.checkpoints

clean:
	rm -rf dist build-cache
