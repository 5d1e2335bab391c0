# The two commands of the README:
#   make course   set up (virtual environment, package, datasets) and open the course in JupyterLab
#   make test     set up and run the full test suite (unit tests + every lesson notebook, run once each)
# Both are idempotent: a second run reuses the environment and the verified datasets.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Two workers (pytest-xdist): the lessons run as notebooks in their own kernels, so the suite uses both cores
# of a 2-core laptop; tests/conftest.py orders the longest first, one thread each. The numba kernels are compiled
# into the disk cache once, before the workers start. The 12 slowest tests are listed at the end.
PYTEST_ARGS ?= -n 2 --dist load --maxschedchunk 1 --durations=12

.PHONY: course test setup data

$(BIN)/matsci-ml: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else "matsci-ml needs Python 3.11 or 3.12; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/matsci-ml

data: setup
	$(BIN)/matsci-ml data fetch

course: data
	$(BIN)/matsci-ml lab

test: data
	@$(BIN)/matsci-ml warmup
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: the suite is missing or mis-configured"; fi; \
	exit $$rc
