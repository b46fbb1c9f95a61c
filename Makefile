# Two commands on a fresh clone: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes (pytest-xdist); each has its own test database.
TEST_WORKERS ?= 2

.PHONY: run test install lint messages clean bench-load

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# The embedded default: SQLite in the project, Celery tasks run eagerly, the plan and demo data loaded.
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_plan
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install lint
	$(PY) manage.py makemigrations --check --dry-run --settings=yingkou_targets.settings_test
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

lint: install
	$(VENV)/bin/ruff check .

# Regenerate and compile the translations (needs GNU gettext; the compiled .mo files are committed).
messages: install
	DEBUG=1 $(PY) manage.py makemessages --locale zh_Hans --ignore ".venv/*" --ignore ".venv-load/*" --ignore "tests/*" --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --locale zh_Hans --ignore ".venv/*" --ignore ".venv-load/*"

clean:
	rm -rf $(VENV) .venv-load db.sqlite3 staticfiles

# Load test (bench/load.py): locust lives in its own virtualenv, it pulls gevent, which the app does not need.
.venv-load/.installed: pyproject.toml
	test -x .venv-load/bin/python || $(PYTHON) -m venv .venv-load
	.venv-load/bin/python -m pip install --quiet --disable-pip-version-check -e ".[load]"
	touch $@

bench-load: install .venv-load/.installed
	$(PY) bench/load.py
