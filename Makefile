# Two commands do all set-up on a fresh machine:
#   make report   creates .venv if needed and builds output/report.pdf on the bundled data
#   make test     the lint and the whole test suite (what CI runs); make test-fast while you work
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup report test test-fast stored-results course benchmark clean lock

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@scripts/check-system.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# constraints.txt anew: the newest releases pyproject.toml allows, resolved in a fresh environment (a local
# build tag such as PyTorch's +cpu is dropped, so that the pin matches the CPU and the PyPI build alike).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^reportgen' | sed 's/+cpu$$//'; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .lock-venv

report: $(STAMP)
	$(BIN)/reportgen run --out output

course: $(STAMP)
	$(BIN)/reportgen run --preset students-course --out output/course

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# While you work: lint, and the tests that need no command-line run or whole report (under a minute).
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not slow"

# The results the fast tests read instead of fitting models (tests/data/results/), rebuilt from the current
# engine: after a change to the result's fields or to numbers the tests assert (tests/data/refresh_results.py).
stored-results: $(STAMP)
	$(BIN)/python tests/data/refresh_results.py

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf output/* build dist .pytest_cache
