# copydesk: `make demo` and `make test` on a fresh clone; nothing else needs installing by hand.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install chromium postgres demo test bench bench-web clean

install: $(STAMP)

# pinned: pyproject.toml pins direct dependencies, constraints.txt every transitive one
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	@echo "Installing copydesk and its pinned dependencies into $(VENV) (a few minutes the first time)..."
	$(PY) -m pip install -qq --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: install
	@rm -f build/demo.db build/demo.db-wal build/demo.db-shm
	@mkdir -p build
	$(VENV)/bin/copydesk analyze examples/demo --db build/demo.db --out build/demo-report.json
	@echo "Next: $(VENV)/bin/copydesk compare riverside-gazette-original valley-daily-rewrite --db build/demo.db"
	@echo "      $(VENV)/bin/copydesk stories --db build/demo.db; $(VENV)/bin/copydesk story ID --db build/demo.db"
	@echo "      $(VENV)/bin/copydesk serve --db build/demo.db  (then open http://127.0.0.1:8000/)"
	@echo "      $(VENV)/bin/copydesk export --db build/demo.db --out build/demo-dedup.jsonl --dedup  (the corpus without its copies)"

# Debian's Chromium for the browser tests (a no-op when it is installed)
chromium:
	@bash scripts/ensure-chromium.sh

# a throwaway PostgreSQL server on loopback for the PostgreSQL store's tests (a no-op when it runs)
postgres:
	@bash scripts/ensure-postgres.sh >/dev/null

test: install chromium
	COPYDESK_TEST_PG="$${COPYDESK_TEST_PG:-$$(bash scripts/ensure-postgres.sh)}" $(PY) -m pytest

bench: install
	$(PY) bench/extraction.py
	$(PY) bench/ingest_throughput.py
	$(PY) bench/reuse_corpus.py --out build/reuse-eval --seed 1
	$(VENV)/bin/copydesk analyze build/reuse-eval/corpus.jsonl --db build/reuse-eval/r.db --out build/reuse-eval/report.json -q
	$(PY) bench/reuse_eval.py --truth build/reuse-eval/truth.json --report build/reuse-eval/report.json

# the web UI under load: a 10k-article database, page timings, 200 concurrent requests (minutes)
bench-web: install
	$(PY) bench/web_load.py --articles 10000 --workdir build/web-bench

clean:
	rm -rf build .pytest_cache .hypothesis
