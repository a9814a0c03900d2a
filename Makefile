# JD Builder: `make run` serves the app locally, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run worker beat test venv system-packages node services lint format check-deploy ci docs-images clean backup restore audit

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

run: venv
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py load_catalog
	$(DEV) $(BIN)/python manage.py create_demo_accounts
	@$(DEV) $(BIN)/python manage.py background_mode
	$(DEV) $(BIN)/python manage.py runserver $(HOST_PORT)

# Background work (docs/workers.md). `make run` does it in-process unless CELERY_BROKER_URL (or
# REDIS_URL) is set. A worker or the scheduler is of no use without a broker, so these two fall
# back to the local Redis: run `CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make run` next to
# them (`make run` then says it sends work there). Otherwise they use the same broker the app
# would, CELERY_BROKER_URL first, then REDIS_URL.
LOCAL_BROKER := redis://127.0.0.1:6379/0
WORKER_BROKER = $(or $(CELERY_BROKER_URL),$(REDIS_URL),$(LOCAL_BROKER))

worker: venv
	@CELERY_BROKER_URL='$(WORKER_BROKER)' $(DEV) $(BIN)/celery -A jdbuilder worker -l info

beat: venv
	@CELERY_BROKER_URL='$(WORKER_BROKER)' $(DEV) $(BIN)/celery -A jdbuilder beat -l info

# What the tests need from Debian: Chromium for the browser tests (never a downloaded browser),
# Pango and fonts for WeasyPrint, Java for the Nu HTML Checker. Installed only where missing.
SYSTEM_PACKAGES := chromium wrk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done; \
	  command -v java >/dev/null || echo default-jre-headless); \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian (needs root): $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# The Nu HTML Checker (vnu-jar, run with the machine's Java) validates the HTML export.
node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# --reuse-db keeps a PostgreSQL test database between runs (SQLite's is in memory anyway) and
# migrates it forward; after editing a migration in place, PYTEST_ARGS=--create-db rebuilds it.
# A few tests need PostgreSQL and Redis on this machine (.ci/services starts them if they are
# installed and stopped, and says which tests will fail if one cannot be started).
services:
	@bash .ci/services

test: venv system-packages node services
	$(BIN)/pytest --reuse-db $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production settings must pass Django's deployment checks.
check-deploy: venv
	SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	ALLOWED_HOSTS=jd.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

ci:
	bash .ci/run

# The README's pictures: the demo JD's PDF and the role page (after `make run` made the demo data).
docs-images: venv
	command -v pdftoppm >/dev/null || apt-get install -y -qq poppler-utils
	$(DEV) $(BIN)/python docs/make_images.py

clean:
	rm -rf $(VENV) .venv-audit node_modules staticfiles .pytest_cache

# Backups (docs/backup.md): our own data as gzipped JSON, for a restore into a new, empty
# database: accounts and groups, the catalog with its history, JDs and their revisions. Not the
# stored PDFs (derivable: they re-render byte-identical), nor what `migrate` makes (permissions,
# content types), sessions, the admin's log or any other app's tables (login attempts).
BACKUP_DIR ?= backups
BACKUP_DUMPDATA := dumpdata auth roles jdbuilder --exclude auth.permission --exclude jdbuilder.RenderedFile --natural-foreign --natural-primary --all
# The settings refuse to start without SECRET_KEY unless DJANGO_DEBUG=1: on a machine without
# one (a developer's), back up and restore as in development.
BACKUP_MANAGE = $(if $(SECRET_KEY),,$(DEV)) $(BIN)/python manage.py

# Written under a hidden name and renamed once whole: a dump that fails halfway leaves no file
# that looks like a backup.
backup: venv
	@mkdir -p $(BACKUP_DIR)
	@name=jdbuilder-$$(date -u +%Y%m%d-%H%M%S).json.gz; partial=$(BACKUP_DIR)/.partial-$$name; \
	  echo "$(BACKUP_MANAGE) $(BACKUP_DUMPDATA) --output $(BACKUP_DIR)/$$name"; \
	  if $(BACKUP_MANAGE) $(BACKUP_DUMPDATA) --output $$partial && gzip -t $$partial; then \
	    mv $$partial $(BACKUP_DIR)/$$name && ls -l $(BACKUP_DIR)/$$name; \
	  else rm -f $$partial; echo "make backup: FAILED, no backup written" >&2; exit 1; fi

# `make restore FILE=backups/jdbuilder-....json.gz` into the database DATABASE_URL names, which
# must be new: migrated here, then loaded; refused if it already holds data.
define RESTORE_PY
import os, sys
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
made_by_migrate = {"auth.Permission", "auth.Group", "contenttypes.ContentType"}
used = [m._meta.label for m in apps.get_models()
        if m._meta.label not in made_by_migrate and m._default_manager.exists()]
if used:
    sys.exit("make restore: the database already holds data (" + ", ".join(used)
             + "). Restore into a new, empty database.")
# Loading rows is not editing them: no history entries for the many-to-many links it sets.
with override_settings(SIMPLE_HISTORY_ENABLED=False):
    call_command("loaddata", os.environ["RESTORE_FILE"])
endef
export RESTORE_PY

restore: venv
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/jdbuilder-YYYYmmdd-HHMMSS.json.gz" >&2; exit 2; }
	@test -f "$(FILE)" || { echo "make restore: no such file: $(FILE)" >&2; exit 2; }
	$(BACKUP_MANAGE) migrate --no-input
	$(BACKUP_MANAGE) createcachetable
	RESTORE_FILE="$(FILE)" $(BACKUP_MANAGE) shell --no-imports -c "$$RESTORE_PY"

# pip-audit of the pinned requirements (docs/security.md), from a virtualenv of its own so its
# dependencies never mix with the app's pins. AUDIT_OFFLINE=1 skips it, loudly; an unreachable
# advisory service warns and passes unless AUDIT_REQUIRED=1; AUDIT_SERVICE=osv asks OSV.
AUDIT_VENV := .venv-audit

$(AUDIT_VENV)/.installed: requirements-audit.txt
	test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet -r requirements-audit.txt
	touch $@

AUDIT_SKIPPED := $(filter 1,$(AUDIT_OFFLINE))

audit: $(if $(AUDIT_SKIPPED),,$(AUDIT_VENV)/.installed)
	AUDIT_OFFLINE="$(AUDIT_OFFLINE)" AUDIT_REQUIRED="$(AUDIT_REQUIRED)" AUDIT_SERVICE="$(AUDIT_SERVICE)" \
	  $(if $(AUDIT_SKIPPED),$(PYTHON),$(AUDIT_VENV)/bin/python) .ci/audit

# Benchmarks at O*NET scale, measured side by side (docs/performance.md): 5 to 8 minutes.
# Uses wrk from Debian as the load generator (installed if missing) and the PostgreSQL server at
# 127.0.0.1:5432 if it answers. BENCH_ARGS='--quick' for a short smoke run.
.PHONY: bench
bench: venv
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
