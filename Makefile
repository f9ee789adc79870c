# The two commands: `make demo` and `make test`. Each builds .venv when it is missing or
# older than pyproject.toml, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The console needs only its runtime; the tests' tools are installed by the targets that use them.
RUNTIME := $(VENV)/.runtime
DEV := $(VENV)/.dev

.PHONY: demo test sim soak bench lint typecheck clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

demo: $(RUNTIME)
	$(BIN)/simotui --demo

test: $(DEV)
	$(BIN)/python -m pytest

sim: $(RUNTIME)
	$(BIN)/simotui sim

# Every benchmark, each printed as a ratio to a baseline measured in the same run.
bench: $(DEV)
	$(BIN)/python bench/run.py

# Ten minutes of dialling under every fault class, consoles killed at random (figures must be 0).
soak: $(DEV)
	$(BIN)/python bench/soak.py --minutes 10

lint: $(DEV)
	$(BIN)/ruff check simotui tests

typecheck: $(DEV)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
