# The two commands of the README:
#   make course   set up (virtual environment, package, datasets) and open the course in JupyterLab
#   make test     set up and run the full test suite (unit tests + every lesson notebook, run once each)
# Both are idempotent: a second run reuses the environment and the verified datasets.
#
#   make course BUNDLE=DIR   the same with no network: packages from DIR/wheels (pip --no-index), datasets
#                            from DIR/datasets; DIR is written by `matsci-ml bundle DIR` (course/instructor-notes.md)
#   make site                the course website (lessons with their outputs) in build/site; see `matsci-ml site`

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
BUNDLE ?=
# Two workers (pytest-xdist): the lessons run as notebooks in their own kernels, so the suite uses both cores
# of a 2-core laptop; tests/conftest.py orders the longest first, one thread each. The numba kernels are compiled
# into the disk cache once, before the workers start. The 12 slowest tests are listed at the end.
PYTEST_ARGS ?= -n 2 --dist load --maxschedchunk 1 --durations=12

# torch: on Linux, PyPI's torch wheel is the CUDA build (several GB of nvidia-* wheels). The course needs
# the CPU build, which PyTorch publishes on its own index as <version>+cpu; pip prefers it to PyPI's
# <version> (a local version sorts higher), so torch alone (--no-deps) is installed first with that index added;
# `pip install -e .` then finds `torch==...` satisfied and installs torch's own dependencies from PyPI. macOS and Windows: PyPI's wheel is the CPU build,
# nothing to do. Set TORCH_INDEX= (empty) where pip already finds a CPU wheel (this project's CI machine).
ifeq ($(shell uname -s),Linux)
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
endif
TORCH_REQ := $(shell sed -n 's/^ *"\(torch==[^"]*\)",.*/\1/p' pyproject.toml)

ifneq ($(BUNDLE),)
PIP_SOURCE := --no-index --find-links $(abspath $(BUNDLE))/wheels
DATA_FETCH := $(BIN)/matsci-ml data fetch --from $(abspath $(BUNDLE))/datasets
else
PIP_SOURCE :=
DATA_FETCH := $(BIN)/matsci-ml data fetch
endif
PIP := $(BIN)/python -m pip install --quiet $(PIP_SOURCE)

.PHONY: course test setup test-setup data site clean-numba-cache

# The course: runtime dependencies only (no test tools, no benchmark peers).
$(BIN)/matsci-ml: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else "matsci-ml needs Python 3.11 or 3.12; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
ifeq ($(BUNDLE),)
	$(if $(TORCH_INDEX),$(PIP) --no-deps '$(TORCH_REQ)' --extra-index-url $(TORCH_INDEX))
endif
	$(PIP) -e .
	touch $@

# The test suite adds the test extras (pytest, pytest-xdist, and the peers clease and motep) and the website's
# builder (Sphinx, MyST-NB), since `make test` also builds the site from the lessons it executed.
$(VENV)/.test-extras: $(BIN)/matsci-ml pyproject.toml
	$(PIP) -e '.[test,site]'
	touch $@

setup: $(BIN)/matsci-ml

test-setup: $(VENV)/.test-extras

data: setup
	$(DATA_FETCH)

course: data
	$(BIN)/matsci-ml lab

# The lessons the suite executes are kept in build/executed/; the website is built from them (no second run)
# and checked (a page per lesson, no error output, nothing fetched from a CDN).
test: test-setup data
	@$(BIN)/matsci-ml warmup
	@rm -rf build/executed
	@MATSCI_ML_EXECUTED_DIR=$(CURDIR)/build/executed $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: the suite is missing or mis-configured"; fi; \
	exit $$rc
	@if command -v npm >/dev/null || [ -d site/node_modules ]; then $(BIN)/matsci-ml site build/site; \
	else echo "website not built: it needs Node.js (npm) once, for MathJax and the widget manager (make site)"; fi

# Numba's disk cache keys each module's compiled kernels on that module's own source file only: a kernel that calls
# one from another module (mtp/dataset_kernels.py calls mtp/kernels.py) keeps the old callee after an edit of it.
# Run this after editing any kernel (a fresh clone or a pip upgrade never sees a stale cache).
clean-numba-cache:
	find matsci_ml -name '*.nbi' -delete
	find matsci_ml -name '*.nbc' -delete

# The website alone: lessons not yet executed (no `make test` before) are run first (about 8 minutes for all).
site: test-setup data
	$(BIN)/matsci-ml site build/site --execute-missing
