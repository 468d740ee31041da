# Two commands do all set-up on a fresh machine:
#   make report   creates .venv if needed and builds output/report.pdf on the bundled data
#   make test     the test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup report test course benchmark clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@scripts/check-system.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/reportgen run --out output

course: $(STAMP)
	$(BIN)/reportgen run --preset students-course --out output/course

test: $(STAMP)
	$(BIN)/python -m pytest -q

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf output/* build dist .pytest_cache
