# Fangkong: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: run setup test lint test-postgres browser messages bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo

run: setup
	$(PY) manage.py clean_jobs  # jobs a stopped server left running, old downloads and uploads
	@echo "Fangkong on http://$(HOST)/  (log in with a demo login above)"
	HTTPS=false $(PY) manage.py runserver --noreload $(HOST)

# Browser tests need Debian's Chromium and a CJK font (Chinese renders as boxes without one).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi -e wqy -e "noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped"; \
	  else echo "No /usr/bin/chromium and no root to install it: browser tests will be skipped (CI requires them)"; fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) browser lint
	$(PY) -m pytest -n 2 --dist loadgroup

# The same suite on PostgreSQL (the local server: user postgres, trust auth).
test-postgres: $(STAMP) browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fangkong} $(PY) -m pytest -n 2 --dist loadgroup

# Refresh the Chinese catalogue from the fangkong package only (run inside it, so .venv, var and
# bench are never scanned), then compile it. Needs GNU gettext; commit both django.po and django.mo.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext (apt-get install gettext)"; exit 1; }
	cd fangkong && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --add-location=file \
	  && ../$(PY) ../manage.py compilemessages -l zh_Hans

bench: $(STAMP)
	$(PY) bench/tree.py

clean:
	rm -rf $(VENV) var
