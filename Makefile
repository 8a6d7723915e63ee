# The two commands: `make run` and `make test`. Everything else is a step they take.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install bytecode system-deps web-assets bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(MAKE) --no-print-directory bytecode
	touch $(STAMP)

## Compile secnet's modules to bytecode now: pip does it for the packages it installs, but not for
## an editable install's sources, and where PYTHONDONTWRITEBYTECODE is set (CI images, containers)
## Python would otherwise compile them again on every command (30-40 ms of `secnet panel`).
## Only changed modules are compiled again; the caches are not tracked (.gitignore).
bytecode:
	$(BIN)/python -m compileall -q src/secnet

install: $(STAMP)

## make run: set up from nothing, install the dashboard's browser assets (so `secnet serve` works right
## after it), load the shipped dataset into SQLite and run the main job.
run: $(STAMP) bytecode web-assets
	$(BIN)/secnet load
	$(BIN)/secnet findings
	$(BIN)/secnet brief --out out --pdf

## make test: install what the tests need (Debian packages too) and run the whole suite.
test: system-deps $(STAMP) web-assets
	$(BIN)/python -m pytest

## JS/CSS for the dashboard, from npm (package-lock.json), copied into src/secnet/web/static/vendor/.
web-assets:
	bash scripts/web-assets.sh

system-deps:
	bash scripts/system-deps.sh

bench: $(STAMP) bytecode
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
