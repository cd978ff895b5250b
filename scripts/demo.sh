#!/usr/bin/env bash
# README command 1: the demo on the embedded default database (SQLite).
# Installs, migrates, creates the admin account, imports the five seed
# documents from content/, exports the public site, and starts the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=cms.settings.dev
PY=.venv/bin/python
echo "== 迁移数据库"
$PY manage.py migrate --noinput -v0
$PY manage.py setup_site --admin-username "${DEMO_ADMIN_USERNAME:-admin}" ${DEMO_ADMIN_PASSWORD:+--admin-password "$DEMO_ADMIN_PASSWORD"}
if $PY manage.py help import_document >/dev/null 2>&1; then
  echo "== 导入示例文件 content/seeds/"
  $PY manage.py import_document content/seeds/*.txt --publish --disclosure 主动公开
fi
if $PY manage.py help export_site >/dev/null 2>&1; then
  echo "== 导出公开网站 site/"
  $PY manage.py export_site
  echo "公开网站已生成：用浏览器打开 $(pwd)/site/index.html"
fi
$PY manage.py collectstatic --noinput -v0
if [ "${DEMO_NO_SERVER:-}" = "1" ]; then
  exit 0
fi
echo "== 后台任务进程：manage.py db_worker --backend exports（发布后自动导出网站，日志 build/db_worker.log）"
mkdir -p build
$PY manage.py db_worker --backend exports --no-reload >>build/db_worker.log 2>&1 &
echo "== 管理后台：http://127.0.0.1:8000/admin/   (Ctrl+C 停止)"
exec $PY manage.py runserver "${DEMO_ADDR:-127.0.0.1:8000}"
