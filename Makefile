# The one place tasks live. On a fresh machine with python3 (3.11+) and make:
#   make report   set everything up and run the main job on the bundled sample
#   make test     set everything up and run the tests
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock
DATA ?= data/sample
OUT ?= reports

.PHONY: setup report test lint lock sample contract-docs bench clean help

help:
	@echo "make report   set up .venv from the lock and run the main job on $(DATA)"
	@echo "make test     set up .venv from the lock and run the tests"
	@echo "make lint     ruff"
	@echo "make lock     re-resolve requirements.lock from pyproject.toml"
	@echo "make sample   regenerate the bundled sample data"
	@echo "make bench    run every benchmark (slow; prints tables)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Installs exactly what the lock says (hash-checked), then rotlib itself in editable mode.
$(STAMP): requirements.lock pyproject.toml | $(UV)
	test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(PY) requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

setup: $(STAMP)

report: setup
	$(VENV)/bin/rot run --data $(DATA) --out $(OUT)

# One BLAS thread: the suite runs many small matrix products, which multi-threaded
# OpenBLAS makes slower on a 2-core machine (measured by the cohorts and scoring work).
test: setup
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet -o requirements.lock

sample: setup
	$(VENV)/bin/rot sample-data --partners 300 --quarters 8 --seed 20260101 --out data/sample

contract-docs: setup
	$(VENV)/bin/rot contract-docs --out docs/data-contract.md

bench: setup
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .hypothesis
