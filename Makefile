# Two commands a new user needs: `make extract` and `make test`. Both build .venv when it is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: extract audit test bench samples clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

extract: $(STAMP)
	$(BIN)/sakip extract data/raw --out data/clean

# Check what `make extract` wrote: data/clean/findings.parquet and the report data/clean/audit.html.
audit: $(STAMP)
	$(BIN)/sakip audit data/clean --report data/clean/audit.html

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench.py

# Regenerate the sample PDFs in data/raw from the fixture builder.
samples: $(STAMP)
	$(BIN)/python -m tests.fixtures.builder --samples data/raw

clean:
	rm -rf $(VENV) data/clean/*.parquet
