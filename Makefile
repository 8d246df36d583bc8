# famdesk — the two commands that always work: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALE_DIR := famdesk/resources/locale
DEMO_DB := $(CURDIR)/demo.db
LINT_DIRS := famdesk $(wildcard tests benchmarks)

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help run test dist catalogs system-deps-run clean distclean screenshots

help:
	@echo "make run        open famdesk on the demo database ($(notdir $(DEMO_DB)), created on first run)"
	@echo "make test       lint, import contracts, the whole test suite, a demo database checked"
	@echo "make dist       one-folder PyInstaller build in dist/famdesk, then its self-check"
	@echo "make clean      remove build output and caches (distclean: also .venv and demo.db)"
	@echo "make screenshots  the booking screens as PNGs (offscreen, demo town on 27/11/2026) into OUT=$(SCREENSHOTS_OUT)"

# -- virtual environment ------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "famdesk needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)." >&2; \
	  echo "Run with another interpreter, e.g. make PYTHON=python3.12 ..." >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create $(VENV) (on Debian/Ubuntu: sudo apt-get install python3-venv)." >&2; \
	  rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip

# One stamp per set of extras; each is redone when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed-run

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

# -- catalogs -----------------------------------------------------------------

# scripts/catalog.py update: extract the msgids and merge them into fr and en (then translate)
catalogs: $(VENV)/.installed-run
	$(BIN)/python scripts/catalog.py compile

# -- run ----------------------------------------------------------------------

# Built once; delete demo.db (or `make distclean`) to start again from the demo data.
$(DEMO_DB): | $(VENV)/.installed-run
	$(BIN)/famdesk demo --database 'sqlite:///$(DEMO_DB)' || { rm -f '$@' '$@-wal' '$@-shm'; exit 1; }

system-deps-run:
	scripts/system-deps.sh run

run: system-deps-run $(VENV)/.installed-run catalogs $(DEMO_DB)
	$(BIN)/famdesk --database 'sqlite:///$(DEMO_DB)'

# -- test ---------------------------------------------------------------------

test: $(VENV)/.installed-test catalogs
	scripts/system-deps.sh test
	$(BIN)/ruff check $(LINT_DIRS)
	$(BIN)/lint-imports
	$(BIN)/python scripts/catalog.py check
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && set -x && \
	  $(BIN)/famdesk demo --database "sqlite:///$$tmp/demo.db" --reset && \
	  $(BIN)/famdesk db check --database "sqlite:///$$tmp/demo.db"

# -- dist ---------------------------------------------------------------------

dist: $(VENV)/.installed-dev catalogs
	$(BIN)/pyinstaller --noconfirm build.spec
	QT_QPA_PLATFORM=offscreen dist/famdesk/famdesk self-check

# -- screenshots --------------------------------------------------------------

# The booking screens on a fresh demo town, on a fixed day, drawn offscreen (no display needed).
SCREENSHOTS_OUT := docs/screenshots
OUT ?= $(SCREENSHOTS_OUT)

screenshots: $(VENV)/.installed-run catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots_calendar.py '$(OUT)'

# -- clean --------------------------------------------------------------------

clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find famdesk $(wildcard tests benchmarks) -name __pycache__ -type d -prune -exec rm -rf {} +
	[ ! -d $(LOCALE_DIR) ] || find $(LOCALE_DIR) -name '*.mo' -delete

distclean: clean
	rm -rf $(VENV) famdesk.egg-info
	rm -f demo.db demo.db-wal demo.db-shm
