"""Start the dashboard: ``python -m dashboard.serve [streamlit options]``.

Streamlit treats an app with a ``pages/`` folder as an old-style multipage app
until the first ``st.navigation`` call in the process; until then a visitor
who opens a page's URL directly (a bookmarked ``/present?district=...``) gets
that page run on its own, without ``app.py`` — no shared state, no menu. The
design keeps ``pages/``, so this launcher declares the app as
navigation-based before the server starts (Streamlit 1.67's own flag, which
``st.navigation`` sets itself on its first call).
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from dashboard import config

APP = config.ROOT_DIR / "app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
