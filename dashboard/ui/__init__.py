"""The Streamlit-facing layer: caching by data version, shared state, common widgets.

The rest of ``dashboard`` never imports streamlit; pages call into this package
and into the pure builders.
"""
