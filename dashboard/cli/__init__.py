"""``python -m dashboard``: the same work as the browser, for scripts and other tools."""
