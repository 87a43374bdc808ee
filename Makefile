# Outreach — the two commands a newcomer needs: `make run` and `make test`.
HOST ?= 127.0.0.1
PORT ?= 5000
N ?= 10000
# pytest-xdist workers for `make test` (auto: one per core; 0 runs the suite in one process)
TEST_WORKERS ?= auto
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
FLASK := $(BIN)/flask --app outreach
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard outreach/translations/*/LC_MESSAGES/messages.po))
export OUTREACH_DEMO_PASSWORD ?= demo-outreach

.PHONY: run test install install-dev assets translations system-deps instance db demo lint typecheck bench wheel clean

run: install assets translations instance db demo ## serve the app with demo data on $(HOST):$(PORT)
	@echo ""
	@echo "  Outreach is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: $$OUTREACH_DEMO_PASSWORD):"
	@echo "    staf.blora   staff of Polres Blora (records activities)"
	@echo "    kasat.blora  commander, Kasat Binmas Polres Blora (verifies, dashboard)"
	@echo "    humas.blora  public relations of Polres Blora (reports, exports)"
	@echo "    admin        administrator (everything)"
	@echo ""
	@rm -rf instance/prometheus && mkdir -p instance/prometheus
	@# One job worker beside gunicorn (large exports, reports; issue 17), stopped when gunicorn stops.
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/instance/prometheus $(BIN)/gunicorn -c python:outreach.gunicorn_conf \
		--workers 2 --preload --timeout 120 --bind $(HOST):$(PORT) \
		$(if $(filter json,$(OUTREACH_LOG_FORMAT)),,--access-logfile -) "outreach:create_app()"

test: install-dev assets translations system-deps ## lint, types and the whole suite (OUTREACH_TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check outreach tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

outreach/static/vendor/.stamp: node_modules/.package-lock.json scripts/vendor.mjs
	npm run --silent vendor
	touch $@

assets: outreach/static/vendor/.stamp ## Chart.js, Leaflet, htmx from npm into outreach/static/vendor

# Fuzzy (unreviewed) entries stay out of the .mo; a broken placeholder fails the build instead of shipping.
%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile -i $< -o $@ || { rm -f $@; exit 1; }

translations: $(CATALOGUES) ## compile the message catalogues (.po → .mo)

messages: install-dev ## extract strings and update the catalogues (then translate the .po files)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o outreach/translations/messages.pot .
	$(BIN)/pybabel update -i outreach/translations/messages.pot -d outreach/translations --no-fuzzy-matching

system-deps: ## Debian packages the tests need: chromium (browser tests), poppler-utils, DejaVu fonts, LibreOffice Writer (DOCX rendering)
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; \
	fi
	@if ! command -v soffice >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; \
	fi

instance: ## instance/config.py with a random secret key (only when missing)
	@mkdir -p instance
	@if [ ! -f instance/config.py ] && [ -z "$$OUTREACH_SECRET_KEY" ]; then \
		echo "SECRET_KEY = \"$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))')\"" > instance/config.py; \
		echo "wrote instance/config.py with a new secret key"; \
	fi

db: install instance ## apply migrations
	$(FLASK) db upgrade

demo: db ## load the demo data (does nothing when it is already there)
	$(FLASK) demo load

lint: install-dev ## ruff and mypy (also run by `make test`)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check outreach tests bench
	$(BIN)/mypy

bench: install-dev ## benchmark at size N (default 10000); results in bench/results.json and docs/BENCHMARKS.md
	$(BIN)/python -m bench --n $(N)

wheel: install-dev assets translations
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) node_modules outreach/static/vendor dist build .pytest_cache
