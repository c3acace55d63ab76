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
INBOX ?= $(INPUTS)
CRON ?= */15 * * * *
# Outputs of every corpus PDF for the catalog benchmark: made once, kept between benches.
CATALOG_OUTS ?= bench/results/catalog-outs

.PHONY: setup ocr-deps test-deps run test test-fast lint bench serve schema schema-check clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

# Leaves $(OUTPUTS)/catalog.duckdb (and its search index) beside the reports: run refreshes it.
run: setup ocr-deps
	$(BIN)/survey-ingest run $(INPUTS) --out $(OUTPUTS)

# OCR needs Tesseract with its Japanese models, horizontal and vertical (Debian packages:
# the models come from them, never a download at run time).
OCR_PACKAGES := tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert
ocr-deps:
	@command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx jpn && \
	  tesseract --list-langs 2>/dev/null | grep -qx jpn_vert || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES))

# The review-page test renders in headless Chromium with a Japanese font; the re-written
# survey test needs poppler's pdftocairo (Debian packages); the OCR tests need Tesseract.
test-deps: ocr-deps
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=ja | grep -q . && command -v pdftocairo >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils)

# Everything: lint and types, then every test (CI runs this).
test: setup test-deps lint
	$(BIN)/python -m pytest

# The dev loop: no flows, servers, GiNZA or whole-corpus runs (under 2 minutes).
test-fast: setup ocr-deps
	$(BIN)/python -m pytest -m "not slow" -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Scheduled ingestion of $(INBOX) (a Prefect deployment served until Ctrl-C).
serve: setup
	$(BIN)/survey-ingest serve --cron "$(CRON)" --inbox $(INBOX) --out $(OUTPUTS)

# Accuracy and speed against the peers, NLP stage and worker scaling; prints figures.
bench: setup test-deps
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]" || echo "bench peers not installed: reported as such"
	$(BIN)/python -m bench.run_bench tests/corpus
	$(BIN)/python -m bench.blocks_bench tests/corpus/real
	$(BIN)/python -m bench.charts_bench tests/corpus/real
	$(BIN)/python -m bench.dense_speed tests/corpus/real/stat-labour-force-survey-2022.pdf
	$(BIN)/python -m evaluation.rewritten tests/corpus
	$(BIN)/python -m evaluation.grid_audit tests/corpus tests/corpus/real ../shared/corpus/real --workers 2 --out bench/results/grid-audit.tsv
	$(BIN)/python -m bench.nlp_bench tests/corpus/source-report.pdf --baseline "3a1ae12^"
	$(BIN)/python -m bench.page_parallel tests/corpus/real/mhlw-harassment-survey-r5-report.pdf --workers 2
	$(BIN)/python -m bench.run_overhead
	$(BIN)/python -m bench.soak --runs 200 --mode both
	test -n "$$(ls $(CATALOG_OUTS)/*.json 2>/dev/null)" || $(BIN)/survey-ingest run tests/corpus tests/corpus/real --out $(CATALOG_OUTS) --no-nlp || true
	$(BIN)/python -m bench.catalog_bench $(CATALOG_OUTS)
	$(BIN)/python -m bench.ocr_bench tests/corpus

schema: setup
	$(BIN)/python -m docmodel.schema --write

schema-check: setup
	$(BIN)/python -m docmodel.schema --check

clean:
	rm -rf $(VENV) .pytest_cache
