# Two commands do everything on a machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: install test migrate run clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

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
