# JD Builder: `make run` serves the app locally, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test venv chromium lint format check-deploy ci clean

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
	$(DEV) $(BIN)/python manage.py runserver $(HOST_PORT)

# Browser tests drive Debian's Chromium; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: venv chromium
	$(BIN)/pytest $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
