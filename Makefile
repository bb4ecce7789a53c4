# One Makefile for everything a developer or CI runs. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install demo test lint typecheck unit bench clean

help:
	@echo "make demo   install everything (incl. the local model) and screen the sample sites"
	@echo "make test   install everything and run lint, type checks and the whole test suite"
	@echo "make bench  run the benchmarks and record results in benchmarks/results/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,local]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/merchant-screen demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

test: lint typecheck unit

bench: install
	$(BIN)/python benchmarks/crawl.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
