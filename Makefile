# landgov — two commands do all the set-up on a fresh machine:
#   make demo   # install into .venv, run the whole job on the bundled sample (maps/ and out/demo/)
#   make test   # install into .venv (+ Chromium and CJK fonts via apt when run as root), run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format sysdeps bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/landgov demo

sysdeps:
	bash .ci/sysdeps.sh

test: $(STAMP) sysdeps
	$(BIN)/ruff check landgov tests benchmarks
	$(BIN)/ruff format --check landgov tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check landgov tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format landgov tests benchmarks
	$(BIN)/ruff check --fix landgov tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) out maps/*.html maps/*.png maps/*.pdf
