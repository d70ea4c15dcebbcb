# newsgraph — set-up, demo, tests, evals. Everything installs into .venv from pinned files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= newsgraph.db
SEEDS  := examples/seeds

.PHONY: run test eval bench lint clean demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, ingest the demo corpus into $(DB), print a summary, serve the web UI
run: $(STAMP)
	$(BIN)/newsgraph ingest $(SEEDS) --db $(DB)
	$(BIN)/newsgraph stats --db $(DB)
	@echo "web UI on http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(BIN)/newsgraph serve --db $(DB) --host 127.0.0.1 --port 8000

## test: install, then the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## eval: quality evals on public data, checked against eval/baseline.json
eval: $(STAMP)
	$(BIN)/python eval/run_all.py --check eval/baseline.json

## bench: throughput benchmarks (ratios to a floor measured in the same run)
bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/nlp.py
	$(BIN)/python benchmarks/stories.py
	$(BIN)/python benchmarks/web.py

lint: $(STAMP)
	$(BIN)/ruff check src tests eval benchmarks

clean:
	rm -rf $(VENV) $(DB) build *.egg-info src/*.egg-info
