# The two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .venv-uv/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2

.PHONY: run test setup lint unit unit-sqlite unit-postgres browser bench demo requirements vendor clean

run: setup
	./scripts/ensure-system-packages.sh --runtime
	$(VENV)/bin/tiaodu migrate --noinput
	$(VENV)/bin/tiaodu demo
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账号登录（Ctrl+C 停止）。"
	$(VENV)/bin/tiaodu serve

test: setup
	./scripts/ensure-system-packages.sh --postgres
	$(MAKE) lint unit-sqlite unit-postgres browser

setup: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@if [ ! -x "$(UV)" ]; then $(PYTHON) -m venv .venv-uv && .venv-uv/bin/pip install -q "uv==$(UV_VERSION)"; fi
	$(UV) sync --frozen --python "$(PYTHON)"
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@$(UV) export --frozen --no-dev --format requirements-txt --no-emit-project --quiet | diff -q - requirements.txt >/dev/null \
	  || { echo "requirements.txt 与 uv.lock 不一致：运行 make requirements"; exit 1; }

unit-sqlite: setup
	TIAODU_ENV=test $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser"

unit-postgres: setup
	TIAODU_ENV=test TIAODU_DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser"

browser: setup
	TIAODU_ENV=test $(VENV)/bin/pytest -m browser

bench: setup
	$(VENV)/bin/python bench/rest_benchmark.py
	$(VENV)/bin/python bench/import_benchmark.py
	$(VENV)/bin/python bench/progress_import_benchmark.py
	$(VENV)/bin/python bench/project_list_benchmark.py
	$(VENV)/bin/python bench/completeness_board_benchmark.py
	$(VENV)/bin/python bench/lights_benchmark.py
	$(VENV)/bin/python bench/matters_board_benchmark.py
	$(VENV)/bin/python bench/figures_benchmark.py
	$(VENV)/bin/python bench/special_report_benchmark.py

requirements:
	$(UV) export --frozen --no-dev --format requirements-txt --no-emit-project --quiet > requirements.txt
	$(UV) export --frozen --format requirements-txt --no-emit-project --quiet > requirements-dev.txt

vendor:
	cd /tmp && rm -rf tiaodu-vendor && mkdir tiaodu-vendor && cd tiaodu-vendor && npm pack htmx.org@2.0.11 bootstrap@5.3.8 echarts@6.1.0 >/dev/null
	@echo "解压 /tmp/tiaodu-vendor/*.tgz 并复制 dist 文件到 core/static/vendor/（见 docs/architecture.md）"

clean:
	rm -rf $(VENV) .venv-uv var
