# Set-up is idempotent: .venv is (re)built only when pyproject.toml or the lock changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_LOGGING_LEVEL ?= WARNING

INPUTS ?= inputs
OUTPUTS ?= outputs

.PHONY: setup run test bench serve schema clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

run: setup
	$(BIN)/survey-ingest run $(INPUTS) --out $(OUTPUTS)

test: setup
	$(BIN)/python -m pytest

schema: setup
	$(BIN)/python -m docmodel.schema --write

clean:
	rm -rf $(VENV) .pytest_cache
