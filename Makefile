# The front door: `make packets` and `make test` set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
IN ?= samples/clients.csv
OUT ?= out
DATE ?=
ORG ?=
DATA ?= serve-data
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk fonts-hanazono fonts-noto-color-emoji poppler-utils \
	qpdf mupdf-tools chromium chromium-driver

# axe-core (WCAG checks in the office server's browser test), from the npm registry into the venv.
AXE_VERSION := 4.11.0
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
# ical.js (Thunderbird's calendar parser) reads reminders.ics back in tests/documents/test_calendar.py.
ICALJS_VERSION := 2.2.1
ICALJS := $(VENV)/icaljs/node_modules/ical.js/dist/ical.es5.cjs

.PHONY: setup system packets validate serve test check bench lint messages columns templates clean

setup: $(VENV)/.installed system

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

# LibreOffice (PDF conversion; Calc for the test that re-saves an intake workbook), the Noto CJK fonts (Chinese text), HanaMin and Noto Color Emoji
# (rare characters beyond Noto CJK, emoji typed by borrowers), poppler (tests read PDFs), qpdf and mutool (the
# print-shop checks of tests/pdf/test_print_shop.py) and Debian's
# Chromium with its driver (the office server's browser test drives it; no browser is downloaded).
system:
	@missing=""; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	soffice="$$(command -v soffice)"; [ -n "$$soffice" ] && [ -e "$$(dirname "$$(readlink -f "$$soffice")")/libsclo.so" ] \
	  || missing="$$missing libreoffice-calc-nogui"; \
	fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -q "HanaMinB" || missing="$$missing fonts-hanazono"; \
	fc-list 2>/dev/null | grep -q "Noto Color Emoji" || missing="$$missing fonts-noto-color-emoji"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v mutool >/dev/null || missing="$$missing mupdf-tools"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(APT_PACKAGES); \
	  else \
	    echo "Missing system packages:$$missing. Run:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y $(APT_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

packets: setup
	$(PY) -m pipeline build $(IN) --out $(OUT) $(if $(DATE),--date $(DATE)) $(if $(ORG),--org $(ORG))

validate: setup
	$(PY) -m pipeline validate $(IN) $(if $(DATE),--date $(DATE))

# The office server on this machine only (README "For an office": accounts, TLS proxy, systemd).
serve: setup
	$(PY) -m pipeline serve --host 127.0.0.1 --port 8080 --data $(DATA)

RUFF := $(VENV)/bin/ruff check pipeline tests bench templates/source
MYPY := $(VENV)/bin/mypy pipeline

# The inner loop: every test not marked slow (no LibreOffice, Dask or long memory runs; a test that
# starts LibreOffice without the mark fails here, tests/conftest.py). `make test` runs everything.
check: $(VENV)/.installed $(ICALJS)
	$(RUFF)
	$(MYPY)
	$(PY) -m pytest -q -n 2 -m "not slow"

# Lint first (a few seconds): ruff with RUF100, so a stale noqa comment fails too, and mypy.
# Two pytest processes: most slow tests wait on a LibreOffice or a process starting, so two overlap
# well on 2 cores (391 s on a fresh clone on 2026-12-08; serially, 723 s on 2026-12-03). A file's tests stay in one process,
# which keeps each module's build (a module-scoped fixture) to one.
test: setup $(AXE) $(ICALJS)
	$(RUFF)
	$(MYPY)
	$(PY) -m pytest -n 2 --dist loadfile

$(AXE):
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility test (apt-get install npm)"; exit 1; }
	npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

$(ICALJS):
	@command -v npm >/dev/null || { echo "npm is needed for the calendar test (apt-get install npm)"; exit 1; }
	npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/icaljs ical.js@$(ICALJS_VERSION)

# BENCH_N synthetic cases; the table goes to stdout (README "Throughput" shows the latest).
BENCH_N ?= 300
bench: setup
	BENCH_N=$(BENCH_N) $(PY) -m bench $(BENCH_ARGS)

# Terminal/report messages: extract the Chinese source strings, merge into the English catalog,
# compile. Translate new entries in locale/en/LC_MESSAGES/packets.po, then run this again.
messages: setup
	$(VENV)/bin/pybabel extract -F pipeline/locale/babel.cfg -k _ -k N_ --no-location --sort-output -o pipeline/locale/packets.pot .
	$(VENV)/bin/pybabel update -i pipeline/locale/packets.pot -d pipeline/locale -D packets --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d pipeline/locale -D packets

# The shipped templates are generated from templates/source/ (the wording lives there); a test
# fails when templates/*.docx differ from what this writes.
templates: setup
	$(PY) templates/source/make.py

# The column table of the case sheet (from schemas/), for the README: docs/columns.md.
columns: setup
	$(PY) -m pipeline schema --markdown > docs/columns.md

lint: setup
	$(RUFF)
	$(MYPY)

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache
