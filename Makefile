# feedbot — the two commands a person needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
export FEEDBOT_TEST_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
# Test processes side by side (pytest-xdist; each has its own databases): 0 runs them in one.
TEST_WORKERS ?= 2

.PHONY: run test bench lint migrate clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed  ## install, migrate, start on http://127.0.0.1:8080
	$(PY) -m bot migrate
	$(PY) -m bot run

migrate: $(VENV)/.installed
	$(PY) -m bot migrate

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

test: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js  ## the whole suite, on SQLite and PostgreSQL
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: $(VENV)/.installed-dev  ## benchmarks; they print figures
	PYTHONPATH=. $(PY) bench/ingest.py
	PYTHONPATH=. $(PY) bench/channels.py
	PYTHONPATH=. $(PY) bench/outbox.py
	PYTHONPATH=. $(PY) bench/votes.py
	PYTHONPATH=. $(PY) bench/classify.py
	PYTHONPATH=. $(PY) bench/urgency.py
	PYTHONPATH=. $(PY) bench/language.py
	PYTHONPATH=. $(PY) bench/digest.py
	PYTHONPATH=. $(PY) bench/coverage.py
	PYTHONPATH=. $(PY) bench/fuzz.py
	PYTHONPATH=. $(PY) bench/fuzz_staff.py
	PYTHONPATH=. $(PY) bench/inbox.py
	PYTHONPATH=. $(PY) bench/inbox_pages.py
	PYTHONPATH=. $(PY) bench/poll_page.py
	PYTHONPATH=. $(PY) bench/rights.py
	PYTHONPATH=. $(PY) bench/alerts.py
	PYTHONPATH=. $(PY) bench/sends.py
	PYTHONPATH=. $(PY) bench/themes.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot handlers models config

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
