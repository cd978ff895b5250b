#!/usr/bin/env bash
# Creates .venv and installs the exact locked dependencies, then the project.
# Sourced by demo.sh and test.sh so both install the same way.
#
# requirements/lock.txt pins every package (runtime and the test extra) with
# its hashes, and pip refuses anything else; the project itself is installed
# with --no-deps, so pyproject.toml's ranges never pull an unlocked version.
# After changing dependencies, regenerate the lock (README 供应链).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
extras=${1:-}
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/lock.txt -nt "$stamp" ]; then
  echo "== 安装锁定的依赖 requirements/lock.txt"
  .venv/bin/python -m pip install -q --require-hashes -r requirements/lock.txt
  echo "== 安装本项目${extras:+ ($extras)}（--no-deps）"
  .venv/bin/python -m pip install -q --no-deps -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
