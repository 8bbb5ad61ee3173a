# The two commands a new user needs: `make demo` and `make test` (see README.md).
# uv comes from PATH, or is installed into .hub/tools from PyPI on first use.

UV := $(shell command -v uv 2>/dev/null || echo .hub/tools/bin/uv)

.PHONY: setup demo ui test lint stop clean

# Packages are installed with their bytecode compiled, so that every process (runs, dbt, tests)
# imports them compiled even where PYTHONDONTWRITEBYTECODE is set: importing Dagster, dbt and
# GE from source took twice as long.
setup: $(UV)
	@$(UV) sync --frozen --quiet --compile-bytecode

.hub/tools/bin/uv:
	python3 -m venv .hub/tools
	.hub/tools/bin/python -m pip install --quiet --disable-pip-version-check uv

demo: setup
	$(UV) run python -m infra.demo

ui: setup
	@echo "evidence explorer: $(CURDIR)/.hub/reports/explorer/index.html"
	$(UV) run hub ui

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

test: lint
	@sh infra/install_chromium.sh || echo "chromium could not be installed; the browser test will say so"
	$(UV) run mkdocs build --strict --site-dir .hub/site
	$(UV) run pytest

stop: setup
	$(UV) run hub objectstore stop

clean: stop
	rm -rf .hub/objectstore .hub/dagster .hub/warehouse.duckdb .hub/demo-estate .hub/published \
		.hub/docs .hub/reports dbt_project/target
	rm -f .hub/audit-anchor.jsonl

# Performance at scale against the floor and a peer (infra/benchmarks/README.md); not part of
# `make test`. About 16 minutes on 2 cores (2026-12-04); `uv run python -m
# infra.benchmarks.run --sizes 1000000` is the quick run.
.PHONY: bench
bench: setup
	$(UV) run python -m infra.benchmarks.run

# The commercial-sex-ads data set at scale: Arrow deliveries generated in chunks, landed to
# gold (infra/benchmarks/README.md); BENCH_ADS_ROWS="100000000" for the largest run.
BENCH_ADS_ROWS ?= 1000000 10000000
.PHONY: bench-ads
bench-ads: setup
	$(UV) run python -m infra.benchmarks.run --ads-rows $(BENCH_ADS_ROWS)
