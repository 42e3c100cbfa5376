# The course in two commands:
#   make course   create .venv if missing, install, generate the data, run every notebook into build/,
#                 then the student-view PDFs (build/pdf/) and the course website (build/site/)
#   make test     the same set-up, then the whole test suite on both cores (browser tests included)
# Other targets: make site, make pdf, make plan-report, make lint, make benchmark, make clean.
# Instructors: `.venv/bin/crm-course pdf --key` writes the instructor keys (*-key.pdf).

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

.PHONY: course test test-grading setup system data notebooks pdf plan-report site lint format benchmark clean

# The notebooks run two at a time (one per core), each one's PDF written as soon as it has run;
# then the hidden-code report of chapter 09 and the website, side by side.
course: setup data
	$(BIN)/crm-course run --pdf
	$(BIN)/crm-course pdf 09_crm_plan_design --hide-code --output build/pdf/report & pid=$$!; \
	$(BIN)/crm-course site; status=$$?; wait $$pid && exit $$status

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --durations=30 --ignore tests/test_grading_full.py

# The grading tool's tests (a batch of adversarial submissions; the sandbox needs root), plus
# the slow one left out of `make test`: the instructor's answers graded end to end on every
# chapter (minutes a chapter). Here the batch runs beside two CPU hogs (CRM_TEST_HOGS).
test-grading: setup
	CRM_TEST_HOGS=2 $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup tests/test_grading.py \
		tests/test_grading_chapters.py tests/test_grading_full.py

setup: $(STAMP) system

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (CRM course)"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

# System packages (Debian/Ubuntu names), installed with apt-get when missing and root:
#   fonts-noto-cjk        Chinese in plots and PDFs
#   libharfbuzz-subset0   WeasyPrint subsets the CJK font quickly only with HarfBuzz's subsetter
#   chromium              the browser tests (Playwright drives Debian's chromium)
#   poppler-utils         pdftotext/pdftoppm, to check PDF layout by hand
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils
system:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
		&& rm -rf $$HOME/.cache/matplotlib; \
	else \
		echo "warning: missing system packages:$$missing."; \
		echo "         Chinese may show as boxes, PDFs may be slow and browser tests cannot run;"; \
		echo "         install them with your package manager."; \
	fi

data: setup
	$(BIN)/crm-course data

notebooks: setup
	$(BIN)/crm-course run

pdf: setup
	$(BIN)/crm-course pdf
	@$(MAKE) --no-print-directory plan-report

# The plan-design report: chapter 09 writes it from its computed tables and figures (no code,
# no notebook text); it is copied next to the chapter PDFs. Runs 09 first if it has not run.
PLAN_REPORT := build/outputs/09_crm_plan_design/plan_report.pdf
plan-report: setup
	@test -f $(PLAN_REPORT) || $(BIN)/crm-course run 09_crm_plan_design
	@mkdir -p build/pdf/report
	cp $(PLAN_REPORT) build/pdf/report/plan_report.pdf

site: setup
	$(BIN)/crm-course site

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
