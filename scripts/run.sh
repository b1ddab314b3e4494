#!/usr/bin/env bash
# Install what the dashboard needs and start it on http://localhost:8501
# (the bundled sample data is loaded into instance/dashboard.db on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
# Keep compiled bytecode (.venv is installed without it, scripts/bootstrap.sh): with PYTHONDONTWRITEBYTECODE set,
# every start would compile pandas, Streamlit and the rest from source again (about 2 s of CPU).
unset PYTHONDONTWRITEBYTECODE
scripts/bootstrap.sh requirements.txt
# The briefing's PDF and chart pictures need the CJK font, and emoji in names a monochrome emoji font: install
# them where missing (Debian/Ubuntu; as root or with sudo). Without them the app still runs: say so, and go on.
need=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qiE "Symbola|NotoEmoji-Regular" || need+=(fonts-symbola)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; } ||
    echo "Could not install ${need[*]}: briefing PDFs need fonts-noto-cjk; emoji print as blanks without fonts-symbola." >&2
fi
# Two malloc arenas, as deploy/systemd/juping@.service: memory that session threads freed is used again.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/python -m streamlit run serve.py --server.port "${PORT:-8501}" "$@"
