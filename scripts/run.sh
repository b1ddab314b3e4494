#!/usr/bin/env bash
# Install what the dashboard needs and start it on http://localhost:8501
# (the bundled sample data is loaded into instance/dashboard.db on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
