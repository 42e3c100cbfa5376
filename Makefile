# The course in two commands:
#   make course   create .venv if missing, install, generate the data, run every notebook into build/
#   make test     the same set-up, then the whole test suite on both cores
# Other targets: make lint, make benchmark, make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL := crm-course
JOBS   ?= 2

# the venv's tools (alembic for nbgrader, jupyter, papermill) come first; the venv's kernel wins
export PATH := $(abspath $(BIN)):$(PATH)
export JUPYTER_PREFER_ENV_PATH := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: course test setup fonts data notebooks lint format benchmark clean

course: setup data notebooks

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(JOBS)

setup: $(STAMP) fonts

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (CRM course)"
	@touch $(STAMP)

# Chinese in plots and PDFs needs a CJK font (Debian/Ubuntu: fonts-noto-cjk).
fonts:
	@if fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing fonts-noto-cjk for Chinese text in plots and PDFs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null \
		&& rm -rf $$HOME/.cache/matplotlib; \
	else \
		echo "warning: no CJK font found; Chinese text in plots will show as boxes."; \
		echo "         Install one, e.g. 'sudo apt-get install fonts-noto-cjk'."; \
	fi

data: setup
	$(BIN)/crm-course data

notebooks: setup
	$(BIN)/crm-course run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf build
