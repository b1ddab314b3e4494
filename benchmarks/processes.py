"""What every benchmark does before it starts a process: the one rule its figures depend on beyond the machine."""

from __future__ import annotations

import os


def keep_bytecode() -> None:
    """Let the Python processes this benchmark starts keep their compiled bytecode, as ``scripts/run.sh`` and
    ``scripts/test.sh`` do.

    These machines set ``PYTHONDONTWRITEBYTECODE`` and the venv is installed without bytecode
    (``scripts/bootstrap.sh``), so every new process compiled pandas, pyarrow and Streamlit from source again:
    2.7 s of CPU against 0.85 s for their imports, on both sides of each ratio a benchmark prints.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
