# JD Builder: `make run` serves the app locally, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test venv system-packages node lint format check-deploy ci docs-images clean

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

# What the tests need from Debian: Chromium for the browser tests (never a downloaded browser),
# Pango and fonts for WeasyPrint, Java for the Nu HTML Checker. Installed only where missing.
SYSTEM_PACKAGES := chromium fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
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

test: venv system-packages node
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

# The README's picture of the demo JD's PDF (after `make run` has made the demo data).
docs-images: venv
	command -v pdftoppm >/dev/null || apt-get install -y -qq poppler-utils
	$(DEV) $(BIN)/python docs/make_images.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
