"""Figures: what the pages show, computed from the active data in memory (filters, queries, one community)."""
