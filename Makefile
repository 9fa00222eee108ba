# kompass-extract: `make demo` sets everything up and converts the fixtures; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-swe poppler-utils chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test wheel-check lint fixtures chromium-fixtures libreoffice-fixtures typst-fixtures layout-fixtures rewritten-fixtures rewrite-matrix heldout figures bench bboxes scan-matrix fuzz system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,serve]'
	touch $@

# System packages for OCR (Tesseract + Swedish), page rendering and the browser test; installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing" >&2; \
	  ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing; OCR and browser tests will be skipped" >&2; \
	fi

demo: $(STAMP) system-deps
	$(BIN)/kompass-extract extract fixtures --out output --format csv,parquet,sqlite,xlsx
	$(BIN)/kompass-extract review output

# in two processes, a test file each at a time (its module fixtures are built once): on a 2-core machine the
# suite took 260-310 s in one process and 204 s in two (tests that wait on timeouts and signals overlap the rest)
test: $(STAMP) system-deps
	$(BIN)/ruff check kompass_extract kompass_testing tests bench
	$(BIN)/pytest -n 2 --dist loadfile

# Every generated variant's bboxes read back from its PDF (make test checks a sample).
bboxes: $(STAMP)
	KOMPASS_ALL_FIXTURES=1 $(BIN)/pytest tests/test_bboxes.py

# Packaging: build the sdist and wheel, install the wheel into a fresh venv outside the checkout and convert
# the Luleå fixture with it (the tests run on the editable install, which cannot see a missing data file).
wheel-check: $(STAMP)
	$(BIN)/python -m kompass_testing.wheel_check

lint: $(STAMP)
	$(BIN)/ruff check kompass_extract kompass_testing tests bench
	$(BIN)/ruff format --check kompass_extract kompass_testing tests bench

# Regenerate the generated report PDFs and their truth files under fixtures/generated/.
fixtures: $(STAMP)
	$(BIN)/python -m kompass_testing.generate --out fixtures/generated

# Reprint the Chromium-produced reports under fixtures/chromium/ (HTML printed to PDF by headless Chromium).
chromium-fixtures: $(STAMP) system-deps
	$(BIN)/python -m kompass_testing.generate --chromium --out fixtures/chromium

# Reconvert the LibreOffice-produced reports under fixtures/libreoffice/ (needs soffice: apt-get install
# libreoffice-writer-nogui; not a system-deps package, the committed PDFs are enough for the tests).
libreoffice-fixtures: $(STAMP)
	$(BIN)/python -m kompass_testing.generate --libreoffice --out fixtures/libreoffice

# Recompile the Typst-produced reports under fixtures/typst/ (the typst wheel of the dev extra bundles the compiler).
typst-fixtures: $(STAMP)
	$(BIN)/python -m kompass_testing.generate --typst --out fixtures/typst

# Impose committed fixtures two or four pages per sheet (pypdfium2 forms; Ghostscript re-distilled) under fixtures/layouts/.
layout-fixtures: $(STAMP)
	$(BIN)/python -m kompass_testing.layouts --out fixtures/layouts

# Committed fixtures rewritten as archives keep them (fixtures/rewritten/: a sample, tested in `make test`).
rewritten-fixtures: $(STAMP)
	$(BIN)/python -m kompass_testing.rewrites sample --out fixtures/rewritten

# Every committed fixture rewritten by every tool chain of kompass_testing/rewrites.py (PostScript round trips,
# Ghostscript, PDF/A, cairo, mutool, qpdf), extracted and scored: fields exact and silent mismatches per rewrite.
# REWRITE_MATRIX_ARGS="--ocr never" skips OCR (a report without a usable text layer is then counted as failed).
rewrite-matrix: $(STAMP)
	$(BIN)/python -m kompass_testing.rewrites matrix $(REWRITE_MATRIX_ARGS) fixtures/generated fixtures/chromium \
	  fixtures/libreoffice fixtures/typst fixtures/layouts fixtures/lulea-2018

# Numbers and list items per PDF producer and list-marker kind over every fixture with a truth.
figures: $(STAMP)
	$(BIN)/python -m kompass_testing.figures fixtures/generated fixtures/chromium fixtures/typst fixtures/lulea-2018

# Every generated fixture (and Luleå) scanned under every degradation, read back and scored; about an hour per
# degradation on 2 cores. Scans and OCR'd pages are cached in .cache/scan-matrix. `--diagonal`: one degradation each.
scan-matrix: $(STAMP) system-deps
	$(BIN)/python -m kompass_testing.scan_matrix $(SCAN_MATRIX_ARGS)

# Held-out born-digital reports: layouts no variant file holds, drawn (seeded) from the knobs the variant files use,
# printed by each producer (reportlab, Typst, Chromium, LibreOffice), extracted and scored: fields exact, flagged and
# SILENT (wrong with no check) by producer and layout axis. HELDOUT_ARGS="--seed 2 --count 5 --producer typst".
HELDOUT_ARGS ?= --seed 1 --count 20
heldout: $(STAMP) system-deps
	nice -n 10 $(BIN)/python -m kompass_testing.heldout $(HELDOUT_ARGS) --out .cache/heldout

# The whole hostile-input set (~200 inputs with the crafted page and memory bombs) in one batch; prints the figures.
fuzz: $(STAMP) system-deps
	KOMPASS_FUZZ_COUNT=200 $(BIN)/pytest -q -s tests/test_fuzz.py

bench: $(STAMP)
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV)
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
