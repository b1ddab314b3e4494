"""Ju products (居品) community-brand campaign dashboard: everything that is not page layout."""
