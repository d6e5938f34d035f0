# The two commands of the README: `make run` starts the app, `make test` runs every test.
# Each creates .venv and installs the project into it first, so a fresh machine needs nothing else.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app/main.py --server.port 8501 --server.headless true

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/train_speed.py
	$(BIN)/python bench/trace_speed.py
	$(BIN)/python bench/app_speed.py
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV)
