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

# `make run` writes a report (charts: [report]) and installs bnlp-toolkit, the design card's
# Bengali toolkit ([train]: used by `make train` for the CRF candidate); `make test` runs
# every command, so it installs [test], which pulls in every extra (pyproject.toml).
RUN_EXTRAS := report,train

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[$(RUN_EXTRAS)]"
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(STAMP_TEST)

## make run: install, run the pipeline on the shipped corpus, write $(OUT)/, print the eval summary
run: $(STAMP)
	$(BIN)/bnevents run corpus/ --out $(OUT)/ --quiet
	$(BIN)/bnevents eval $(OUT)/ annotations/ --split test --out $(OUT)/report

# Accuracy floors held by `make test` (a little below the current test-split figures,
# so a regression fails the build); keys as in report.json.
FLOORS ?= --min-f1 entities.micro.strict=0.88 --min-f1 events.f1=0.80 \
	--min-f1 arguments.f1=0.74 --min-f1 dates.value_accuracy=0.95

## make test: install with test extras, lint, run the whole suite, hold the accuracy floors
test: $(STAMP_TEST)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/python -m pytest
	$(BIN)/bnevents run corpus/ --out build/ci-run/ --quiet
	$(BIN)/bnevents eval build/ci-run/ annotations/ --split test --out build/ci-report $(FLOORS)

## make train: retrain the NER model under models/ner/ from ../shared/data (+ dev gold) and score it
train: $(STAMP)
	$(BIN)/bnevents train

## make bench: speed and memory at scale on a generated 20,000-document corpus (~4 min on
## 2 cores); prints a table, writes bench/results/latest.json. BENCH_DOCS=N resizes the
## corpus, BENCH_ARGS=--quick runs a small version, BENCH_ARGS="--profile 500" profiles stages
bench: $(STAMP_TEST)
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

## make fuzz: long property/fuzz campaign over every entry point that takes outside data
## (tests/robustness, hypothesis profile "fuzz"; FUZZ_SCALE=0.1 for a shorter one), then
## print the generated cases per entry point (build/fuzz-report.json)
FUZZ_SCALE ?= 1
fuzz: $(STAMP_TEST)
	HYPOTHESIS_PROFILE=fuzz BNEVENTS_FUZZ_SCALE=$(FUZZ_SCALE) \
		$(BIN)/python -m pytest tests/robustness -q -p no:cacheprovider --durations=0; \
		status=$$?; $(BIN)/python tests/robustness/report.py; exit $$status

lint: $(STAMP_TEST)
	$(BIN)/ruff check pipeline tests bench

.PHONY: accuracy
## make accuracy: score every stage on the test split of annotations/, write $(OUT)/report/
## (report.html/.md/.json, errors.csv) and rewrite the README "## Accuracy" section
accuracy: $(STAMP)
	$(BIN)/bnevents eval annotations/ --stages --split test --out $(OUT)/report --readme README.md

.PHONY: annotations-readme
## make annotations-readme: regenerate the statistics section of annotations/README.md
## (between <!-- stats:start --> and <!-- stats:end -->) from `bnevents stats annotations --markdown`
annotations-readme: $(STAMP)
	$(BIN)/python -c "import pathlib, subprocess; \
	p = pathlib.Path('annotations/README.md'); t = p.read_text(encoding='utf-8'); \
	s = subprocess.run(['$(BIN)/bnevents', 'stats', 'annotations', '--markdown'], check=True, capture_output=True, text=True).stdout; \
	a, b = '<!-- stats:start -->', '<!-- stats:end -->'; i, j = t.index(a) + len(a), t.index(b); \
	p.write_text(t[:i] + '\n' + s + t[j:], encoding='utf-8')"

clean:
	rm -rf $(OUT) build *.egg-info .pytest_cache .ruff_cache
