# tf1-lstm: `make demo` and `make test` each build .venv from requirements.txt when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOG    := $(VENV)/install.log
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test test-fast lint env clean-env help

help:
	@echo "make demo   train document 002's LSTM on MNIST (embedded subset if no IDX files) and report"
	@echo "make test   run the test suite"
	@echo "make test-fast  the quick tier (no subprocess scripts, ports or training), under 90 s"
	@echo "make lint   ruff over the library and tests"
	@echo "make env    only build $(VENV) from requirements.txt"

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else \
	  "tf1-lstm needs Python 3.11 (TensorFlow 2.21 wheels); found " + sys.version.split()[0] + \
	  ". Run: make PYTHON=/path/to/python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing requirements.txt into $(VENV) (first run only; a few minutes; log: $(LOG))"
	@( $(PIP) install --upgrade pip && \
	   $(PIP) install -r requirements.txt && \
	   $(PIP) install --no-deps --no-build-isolation -e . ) > $(LOG) 2>&1 \
	  || { tail -n 40 $(LOG); echo "make: installing requirements failed (full log: $(LOG))"; exit 1; }
	@touch $@

demo: $(STAMP)
	$(BIN)/tf1-lstm demo

# One worker per core, a test file per worker at a time (module fixtures are built once).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

clean-env:
	rm -rf $(VENV)
