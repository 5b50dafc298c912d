# Two commands do everything on a machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: install demo serve test migrate run clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# The whole job on this machine: warehouse, Databricks stand-in, web server, worker, one profile run, a summary.
demo: install
	$(PY) -m dataquality.demo

# The same stack, left running to browse (Ctrl-C stops it).
serve: install
	$(PY) -m dataquality.demo --serve

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# On a laptop: DEBUG unless told otherwise (it brings a development SECRET_KEY; without it the app refuses to start).
migrate run: export DEBUG ?= True

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

clean:
	rm -rf $(VENV) var .pytest_cache
