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

.PHONY: course test test-grading setup system data notebooks pdf lint format benchmark clean

course: setup data notebooks pdf

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --ignore tests/test_grading.py

# Only the grading tool's tests (a batch of adversarial submissions; the sandbox needs root).
test-grading: setup
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup tests/test_grading.py

setup: $(STAMP) system

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (CRM course)"
	@touch $(STAMP)

# Chinese in plots and PDFs needs a CJK font (Debian/Ubuntu: fonts-noto-cjk); WeasyPrint
# subsets that font quickly only with HarfBuzz's subsetter (libharfbuzz-subset0).
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0
system:
	@missing=""; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing$$missing (Chinese in plots and PDF reports)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
		&& rm -rf $$HOME/.cache/matplotlib; \
	else \
		echo "warning: missing system packages:$$missing."; \
		echo "         Chinese text may show as boxes and PDFs may be slow; install them with your package manager."; \
	fi

data: setup
	$(BIN)/crm-course data

notebooks: setup
	$(BIN)/crm-course run

pdf: setup
	$(BIN)/crm-course pdf
	$(BIN)/crm-course pdf 09_crm_plan_design --hide-code --output build/pdf/report

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
