# Minyi — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# app processes of `make serve`: one per CPU (README "Production deployment", step 4)
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: run serve test install migrate demo worker scheduler lint bench clean screenshots

# DEBUG is off unless the environment says otherwise, the demo included: it runs the production
# settings and turns on only what a laptop without HTTPS needs, explicitly (the environment wins):
# a secret key generated once under var/, the local host names, plain HTTP (no redirect, no HSTS,
# cookies without Secure), and the console SMS backend, which prints each message with the
# number masked instead of sending it.
DEMO_TARGETS := run migrate demo worker scheduler
DEMO_SECRET = $(shell test -s var/secret_key || { mkdir -p var && umask 077 && \
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key; }; cat var/secret_key)
$(DEMO_TARGETS): export SECRET_KEY ?= $(DEMO_SECRET)
$(DEMO_TARGETS): export ALLOWED_HOSTS ?= 127.0.0.1,localhost
$(DEMO_TARGETS): export SECURE_SSL_REDIRECT ?= 0
$(DEMO_TARGETS): export SECURE_HSTS_SECONDS ?= 0
$(DEMO_TARGETS): export SECURE_COOKIES ?= 0
$(DEMO_TARGETS): export MINYI_SMS_ALLOW_TEST_BACKEND ?= 1
$(DEMO_TARGETS): export MINYI_SMS_CONSOLE_SHOWS_CODES ?= 1
# the demo's terminal is read by a person: the message alone, not the collector's JSON lines
$(DEMO_TARGETS): export LOG_FORMAT ?= text

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

## make run: install, migrate SQLite under var/, load the demo once, serve on 127.0.0.1:$(PORT)
run: migrate
	@echo "演示模式：生产设置（DEBUG=0），只为本机演示打开：本地地址 127.0.0.1、HTTP（不跳转 HTTPS、Cookie 不加 Secure）、var/secret_key 中的密钥；短信只打印在终端（号码已脱敏；码上找代表的验证码另行显示，便于演示）。生产部署见 README 的 Production deployment。"
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py demo --once
	@echo "Serving on http://127.0.0.1:$(PORT)/ with the background worker and scheduler (Ctrl-C stops all three)"
	@# The worker sends the SMS outbox and runs the SLA scan; both stop when the server stops.
	@# /metrics adds up the three processes' counts from one folder, emptied at each start.
	@rm -rf var/metrics && mkdir -p var/metrics
	@trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$(CURDIR)/var/metrics}; \
	$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	$(PY) manage.py scheduler & scheduler=$$!; \
	$(PY) -m uvicorn minyi.asgi:application --host 127.0.0.1 --port $(PORT) --no-server-header

## make serve: the production command (README "Production deployment", step 4): WORKERS uvicorn
## processes (default: the CPUs) behind the TLS proxy, in the environment the caller set up from
## docs/production.env (REDIS_URL with more than one worker); no demo settings, nothing migrated.
## (make run serves the demo in one process: SQLite and no Redis, so no fan-out is needed.)
serve:
	$(VENV)/bin/uvicorn minyi.asgi:application --host $(HOST) --port $(PORT) --workers $(WORKERS) --proxy-headers --no-server-header

## make test: the whole suite (SQLite; PostgreSQL when DATABASE_URL is set)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## make screenshots: the browser tests save what they see into docs/screenshots/ (the README's
## pictures). Chinese needs a CJK font for Chromium: apt-get install -y fonts-noto-cjk
screenshots: install
	MINYI_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/browser

worker: migrate
	$(PY) manage.py db_worker

scheduler: migrate
	$(PY) manage.py scheduler

lint: install
	$(VENV)/bin/ruff check .

## make bench: PostgreSQL benchmark (bench/README.md); e.g. make bench BENCH_ARGS=--quick
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
