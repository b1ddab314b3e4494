#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian's Chromium, nginx, poppler, CJK and emoji fonts) and run them all:
# lint and format check, import contracts, mypy, then unit, page (AppTest) and browser (Playwright) tests
# on SQLite and PostgreSQL (COVERAGE=1: and the coverage of dashboard/, printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
# Keep compiled bytecode (in .venv and the git-ignored __pycache__ folders): the suite starts about 55 Python
# processes (test workers, app servers, command-line runs), and where PYTHONDONTWRITEBYTECODE is set, as on these
# machines, each compiled pandas, Streamlit and the rest from source again: 2.7 s of CPU against 0.85 s for
# `import pandas, pyarrow, sqlalchemy, streamlit`. Measured in fresh clones: 8 min 10 s and 907 s of CPU with
# the variable kept, 7 min 23 s and 825 s without.
unset PYTHONDONTWRITEBYTECODE
scripts/bootstrap.sh requirements-dev.txt
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)  # the briefing tests look at PDF pages
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qiE "Symbola|NotoEmoji-Regular" || need+=(fonts-symbola)  # emoji in PDF briefings
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx)  # the proxy test (scripts/proxy_check.py)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  # CI machines start PostgreSQL before the run; start it if it stopped.
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
fi
echo "== ruff: lint and format" && .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== import contracts" && .venv/bin/lint-imports --no-cache
# mypy (about 30 s of one core on a fresh clone) runs beside the first pytest part; its report is printed after that
# part. The part keeps both cores about 95 % busy, so this saves little time (measured: the part 25 s longer, mypy's
# 28 s no longer in a row before it), but a type error and a test failure show in one run.
mypy_log=$(mktemp)
.venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
# Two cores, three pytest-xdist workers: the browser tests grouped by the server they use (tests/conftest.py), every
# other test on whichever worker is free (a browser test mostly waits, so three keep both cores busy); the tests that
# time a page or measure memory then run one at a time with nothing beside them.
# Coverage of dashboard/ is measured by `make coverage` (COVERAGE=1): tracing every line costs the run about 145 s on
# two cores, which would take the test command past its 10-minute budget; the tests themselves are the same.
# pytest's exit 5 means "no test selected": one part may have none among the tests asked for (scripts/test.sh tests/x.py).
cover_parallel=() cover_alone=()
if [ "${COVERAGE:-0}" = 1 ]; then
  cover_parallel=(--cov=dashboard --cov-report=)
  cover_alone=(--cov=dashboard --cov-append --cov-report=term:skip-covered)
fi
status=0
part() { "$@" || { code=$?; [ "$code" -eq 5 ] || status=$code; }; }
echo "== pytest on both cores"
part .venv/bin/python -m pytest -n 3 --dist loadgroup -m "not alone" "${cover_parallel[@]}" "$@"
echo "== mypy"
wait "$mypy_pid" || status=1
cat "$mypy_log" && rm -f "$mypy_log"
echo "== pytest, the timed tests alone"
part .venv/bin/python -m pytest -m alone "${cover_alone[@]}" "$@"
exit $status
