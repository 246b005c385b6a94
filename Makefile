# plankg — `make serve` serves the bundled plan, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.base-installed
FULL   := $(VENV)/.full-installed
YASGUI := webchat/static/vendor/yasgui/yasgui.min.js

.PHONY: serve test bench ingest lint clean

$(BASE): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(FULL): $(BASE)
	$(BIN)/pip install -q -e '.[st,dev]'
	touch $@

$(YASGUI):
	bash scripts/vendor_assets.sh

ingest: $(BASE)
	$(BIN)/plankg ingest --if-stale

serve: $(BASE) $(YASGUI) ingest
	$(BIN)/plankg serve

test: $(FULL) $(YASGUI)
	$(BIN)/python -m pytest

bench: $(FULL) $(YASGUI)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

lint: $(FULL)
	$(BIN)/ruff check ingest kg ontology retrieval webchat tests bench
	$(BIN)/mypy

clean:
	rm -rf var .pytest_cache
