# Every target creates or updates .venv itself: a fresh machine needs only python3.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test security bench lint format venv clean check-fresh-debian

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## make demo: run the exchange end to end on the embedded default (SQLite, no servers)
demo: $(STAMP)
	$(PY) -m anonymiser.demo --out demo-output

## make test: the whole suite (PostgreSQL tests run when the server is reachable; required in CI)
## Browser tests need Debian's chromium: installed here when missing and we are root.
test: $(STAMP)
	-tests/browser/ensure-chromium
	-tests/deploy/ensure-nginx
	$(PY) -m pytest -n 2 --dist loadgroup

## make security: the attack suite alone (tests/security); its summary is written to
## tests/benchmarks/results/security.json (also collected by make test)
security: $(STAMP)
	-tests/deploy/ensure-nginx
	$(PY) -m pytest -n 2 --dist loadgroup tests/security

## make bench: benchmark scripts; figures printed and saved under tests/benchmarks/results/
bench: $(STAMP)
	$(PY) tests/benchmarks/run_all.py

## make check-fresh-debian: follow deploy/README.md on a fresh Debian 12 chroot (root and
## network needed; a manual check, not part of make test; writes results/fresh-debian.json)
check-fresh-debian:
	deploy/check/fresh-debian

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
