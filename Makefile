# landgov — two commands do all the set-up on a fresh machine, in either order:
#   make demo   # install into .venv (+ fonts-noto-cjk via apt as root), run the whole job on the
#               # bundled sample (maps/ and out/demo/)
#   make test   # install into .venv (+ TEST_DEBS below via apt as root: chromium, LibreOffice
#               # Calc and Writer, poppler-utils, fonts-noto-cjk), run the tests
# Not root: the missing Debian packages are named and the work goes on (print maps use the font
# bundled with landgov; tests needing a missing package are skipped, naming it; CI=true fails).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_DEBS := fonts-noto-cjk
# libreoffice-calc re-saves workbooks as a LibreOffice/WPS user would; libreoffice-writer
# and poppler-utils lay the 初审表 out (one A4 page) and picture it for the manual
TEST_DEBS := chromium chromium-driver fonts-noto-cjk libreoffice-calc libreoffice-writer \
	poppler-utils

# The modules that define the stage entry points (landgov/__init__.py lists them), type-checked.
MYPY_FILES := landgov/__init__.py landgov/io/__init__.py landgov/link/__init__.py \
	landgov/link/_link.py \
	landgov/efficiency/__init__.py landgov/efficiency/_indicators.py \
	landgov/screening/__init__.py landgov/screening/_screen.py \
	landgov/far/__init__.py landgov/far/ratio.py landgov/far/zengrong/__init__.py \
	landgov/far/zengrong/_check.py landgov/run/__init__.py landgov/run/files.py \
	landgov/run/screening.py landgov/run/far.py landgov/core/forked.py landgov/core/runfolder.py \
	landgov/reports/_sheetfork.py landgov/reports/_xlsxmerge.py landgov/reports/_gpkgcopy.py landgov/far/raster.py \
	landgov/io/tables.py landgov/core/dates.py
# The suite in two processes on two CPUs (pytest-xdist; one on one CPU), each test file in one
# of them, so that a file's shared runs are made once: about 80 min in one process on CI's
# 2-core machine, past its 90. `make test PYTEST_PARALLEL=` runs it in one process.
PYTEST_PARALLEL ?= --numprocesses=auto --maxprocesses=2 --dist=loadfile
MYPY := $(BIN)/mypy --ignore-missing-imports --follow-imports=silent

.PHONY: demo test lint format sysdeps bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	bash .ci/sysdeps.sh $(DEMO_DEBS)
	$(BIN)/landgov demo

sysdeps:
	bash .ci/sysdeps.sh $(TEST_DEBS)

test: $(STAMP) sysdeps
	$(BIN)/ruff check landgov tests benchmarks
	$(BIN)/ruff format --check landgov tests benchmarks
	$(MYPY) $(MYPY_FILES)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check landgov tests benchmarks
	$(MYPY) $(MYPY_FILES)

format: $(STAMP)
	$(BIN)/ruff format landgov tests benchmarks
	$(BIN)/ruff check --fix landgov tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) out maps/*.html maps/*.png maps/*.pdf
