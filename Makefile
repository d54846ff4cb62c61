# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=true

.PHONY: run test lint format messages clean-venv

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## make run: install, migrate, load demo data on first run, serve on http://127.0.0.1:8000
run: $(VENV)/.runtime
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo --if-empty
	@echo "Log in at http://127.0.0.1:8000/accounts/login/ with a demo login above."
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

## make test: lint, then the whole test suite (SQLite unless DATABASE_URL is set)
test: $(VENV)/.dev lint
	$(PY) -m pytest $(PYTEST_ARGS)

## make lint: ruff, mypy (engine, services, selectors), the import rules, migrations
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(VENV)/bin/mypy triage/engine triage/services triage/selectors.py forum/services.py forum/selectors.py accounts/services.py
	$(VENV)/bin/lint-imports
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: extract strings into locale/ and */locale/, then compile the .mo files
messages: $(VENV)/.dev
	$(DEV) $(PY) manage.py makemessages -l id --no-location --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv --ignore=bench
