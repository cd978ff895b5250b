#!/usr/bin/env bash
# README command 2: the whole test suite, on SQLite and then on PostgreSQL.
# PostgreSQL is taken from TEST_DATABASE_URL (default: the local server,
# database "test"); the PostgreSQL pass is skipped only with SKIP_POSTGRES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=cms.settings.test
# Browser tests drive Debian's chromium, the ledger tests open files in
# LibreOffice, the public-site tests serve the site with Debian's nginx and
# check it with axe-core (npm): install them when missing and allowed (never
# a browser download).
# Only what is missing is asked for: a machine whose Node.js did not come from
# Debian refuses Debian's npm, and that must not block the other packages.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-noto-cjk)
[ -x /usr/bin/soffice ] || missing+=(libreoffice-calc-nogui)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -x /usr/bin/pdftotext ] || missing+=(poppler-utils)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== 安装 ${missing[*]}（浏览器、台账与网站服务测试用）"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || echo "!! 无法安装 ${missing[*]}，相关测试将失败"
fi
echo "== axe-core（无障碍检查，仅测试用，tests/browser/package-lock.json）"
npm ci --prefix tests/browser --no-audit --no-fund --silent || echo "!! 无法安装 axe-core，无障碍测试将失败"
echo "== ruff"
$PY -m ruff check cms export tests benchmarks scripts
$PY -m ruff format --check cms export tests benchmarks scripts
echo "== mypy（django-stubs 插件，cms/ 与 export/，配置见 pyproject.toml）"
$PY -m mypy
echo "== 依赖漏洞审计（pip-audit，requirements/lock.txt）"
# Fails on a known vulnerability; says loudly when no vulnerability database
# could be reached (AUDIT_REQUIRED=1 makes that fail too).
$PY scripts/audit_lock.py requirements/lock.txt
echo "== manage.py check / makemigrations --check"
$PY manage.py check
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "!! 模型改动缺少迁移：运行 manage.py makemigrations"; exit 1; }
echo "== pytest (SQLite)"
env -u DATABASE_URL $PY -m pytest "$@"
if [ "${SKIP_POSTGRES:-}" != "1" ]; then
  export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
  echo "== manage.py check (PostgreSQL)"
  $PY manage.py check --database default
  echo "== pytest (PostgreSQL: ${DATABASE_URL})"
  $PY -m pytest "$@"
fi
