# The two set-up commands of the README are `make run` and `make test`.
# Everything else here is for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_TEST := $(VENV)/.installed-test
OUT ?= out

.PHONY: run test install install-test lint bench fuzz train clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(STAMP_TEST)

## make run: install, run the pipeline on the shipped corpus, write $(OUT)/
run: $(STAMP)
	$(BIN)/bnevents run corpus/ --out $(OUT)/ --quiet

## make test: install with test extras and run the whole suite
test: $(STAMP_TEST)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/python -m pytest

## make train: retrain the NER model under models/ner/ from ../shared/data (+ dev gold) and score it
train: $(STAMP)
	$(BIN)/bnevents train

lint: $(STAMP_TEST)
	$(BIN)/ruff check pipeline tests bench

.PHONY: accuracy
## make accuracy: score every stage on the test split of annotations/, write $(OUT)/report/
## (report.html/.md/.json, errors.csv) and rewrite the README "## Accuracy" section
accuracy: $(STAMP)
	$(BIN)/bnevents eval annotations/ --stages --split test --out $(OUT)/report --readme README.md

clean:
	rm -rf $(OUT) build *.egg-info .pytest_cache .ruff_cache
