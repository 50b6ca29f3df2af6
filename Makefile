# PIPPI Portal — everyday commands. `make run` serves the demo, `make test` runs the whole suite, `make test-fast`
# the inner loop.
# With DATABASE_URL unset both use an embedded PostgreSQL under var/ (see scripts/devdb.py).

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WITH_DB := $(PY) -W ignore scripts/devdb.py run --

# Development comfort comes from the environment (settings.py is production-safe by default).
export SECRET_KEY ?= dev-only-insecure-secret-key-change-me-in-production-0123456789
export FIELD_ENCRYPTION_KEYS ?= cGlwcGktcG9ydGFsLWRldmVsb3BtZW50LWtleS0zMmI=
export HASH_KEY ?= dev-only-codice-fiscale-lookup-key
export SINBA_ID_KEY ?= dev-only-sinba-beneficiary-id-key
export ALLOWED_HOSTS ?= 127.0.0.1,localhost
export HTTPS ?= false
# Password-reset mail is written to files under var/mail/ instead of an SMTP server.
export EMAIL_URL ?= filemail:///var/mail
export PYTHONWARNINGS ?= ignore::RuntimeWarning:platformdirs.api

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint security format check manage venv db-stop backup restore clean bench load screens help

help:
	@echo "make run      serve the synthetic demo on http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (make test-fast: without the slow browser, fuzzing, crawl, seeds)"
	@echo "make lint     ruff check and format check, the import layers contract"
	@echo "make security pip-audit, bandit, migration checks"
	@echo "make backup   pg_dump into var/backups/ (make restore FILE=... to restore one)"
	@echo "make db-stop  stop the embedded PostgreSQL"
	@echo "make bench    page timings, queries and PDFs at regional scale (docs/benchmarks.md)"
	@echo "make load     Locust load test against gunicorn on the bench database"
	@echo "make screens  screenshots of the grid, a family's page and the referral form into docs/screens/"
	@echo "make screens-report  the pages of the demo's semester report as PNG into docs/screens/ (pdftoppm)"

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

# DEBUG stays off, as in production (Italian error pages, WhiteNoise serving the static files): `DEBUG=true
# make run` for Django's debug pages.
run: export MFA_REQUIRED ?= false
# The background worker (report PDFs) runs beside the development server and stops with it; if it dies it is
# started again (scripts/supervise.sh), and the job it was running is taken up within TASK_LEASE_SECONDS.
run: $(STAMP)
	$(WITH_DB) sh -c '$(PY) manage.py migrate --noinput && \
		$(PY) manage.py seed_demo && \
		{ sh scripts/supervise.sh $(PY) manage.py run_worker --interval 1 & worker=$$!; \
		  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		  $(PY) manage.py runserver $(HOST):$(PORT); }'

# The suite runs on every core (pytest-xdist): one test database per worker, the tests of a module on one worker
# (pytest.ini). TEST_WORKERS=0 runs it in this process, e.g. to use --pdb.
TEST_WORKERS ?= auto
# The tests of the second factor switch it on themselves (settings overrides).
test: export MFA_REQUIRED ?= false
test: $(STAMP)
	$(WITH_DB) $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The inner loop: everything but the browser, fuzzing, crawl and demo-seed tests (pytest.ini's markers), on test
# databases kept between runs (PYTEST_ARGS=--create-db builds them again, after a migration is changed).
test-fast: export MFA_REQUIRED ?= false
test-fast: $(STAMP)
	$(WITH_DB) $(PY) -m pytest -n $(TEST_WORKERS) --reuse-db \
		-m "not browser and not fuzzing and not crawl and not demo_seed" $(PYTEST_ARGS)

# ruff, then the layers contract in pyproject.toml (pippi_portal imports no app, no app imports a higher one).
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

# Dependencies with known vulnerabilities, high-severity code smells, unsafe or missing migrations.
security: $(STAMP)
	$(PY) scripts/audit_dependencies.py
	$(VENV)/bin/bandit -q -r pippi_portal equipes families interventions imports reporting sinba demo scripts -lll -x '*/tests/*,*/migrations/*'
	$(WITH_DB) $(PY) manage.py makemigrations --check --dry-run
	$(WITH_DB) $(PY) scripts/lint_migrations.py

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

check: $(STAMP)
	$(WITH_DB) $(PY) manage.py check

# Any management command with the development environment, e.g. make manage ARGS="makemigrations"
manage: $(STAMP)
	$(WITH_DB) $(PY) manage.py $(ARGS)

# A custom-format pg_dump of the configured database into var/backups/ (embedded or DATABASE_URL).
backup: $(STAMP)
	$(WITH_DB) $(PY) scripts/backup.py dump

# Replace the configured database's content with a backup: make restore FILE=var/backups/pippi-....dump
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/pippi-YYYYMMDD-HHMMSS.dump"; exit 2; }
	$(WITH_DB) $(PY) scripts/backup.py restore "$(FILE)"

db-stop: $(STAMP)
	$(PY) scripts/devdb.py stop

clean:
	rm -rf $(VENV) .pytest_cache

# Benchmarks at regional scale (issue 7) on the database pippi_bench beside the configured one, seeded with
# seed_scale on the first run (50 ambiti × 100 families: a few minutes). BENCH_AMBITI=2 BENCH_FAMILIES=20 for
# a quick run, BENCH_RESEED=1 to seed again. Writes docs/benchmarks.md.
bench: export MFA_REQUIRED ?= false
bench: $(STAMP)
	$(WITH_DB) $(PY) scripts/bench.py

# Load test (Locust, headless) against gunicorn with 3 workers on the bench database: 100 requests/s for 2 minutes,
# a PostgreSQL restart, a capacity curve; after `make bench`.
load: export MFA_REQUIRED ?= false
load: $(STAMP)
	$(WITH_DB) $(PY) scripts/loadtest/run.py

# Screenshots for the README (docs/screens/*.png): the hours grid, a family's page and the referral form at 1366
# and 390 px, taken with Playwright and Chromium from the demo, seeded once in its own database pippi_screens and
# served by the development server on 127.0.0.1:8765 (SCREENS_PORT). SCREENS_RESEED=1 seeds it again.
screens: export MFA_REQUIRED ?= false
screens: $(STAMP)
	$(WITH_DB) $(PY) scripts/screens.py

# The pages of the demo's semester report as PNG (docs/screens/report-semester-<page>.png): the latest approved
# semester report rendered again from its snapshot, converted by pdftoppm (Debian's poppler-utils), on the screens
# database of `make screens`.
.PHONY: screens-report
screens-report: export MFA_REQUIRED ?= false
screens-report: $(STAMP)
	$(WITH_DB) $(PY) scripts/report_pages.py
