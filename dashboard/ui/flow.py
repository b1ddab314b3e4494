"""Rows of parts that wrap onto more lines when the page is narrow, each part keeping a width it can be read at.

Why not ``st.columns``: its columns stack only when the whole window is under 640 px, whatever the sidebar leaves
them, so on a tablet held upright (about 800 px, the sidebar open) four headline figures got 105 px each and their
labels and values were cut ("1,39…"), and the progress chart 179 px. A horizontal ``st.container`` wraps, but only
at its elements' own minimum widths, far below what a chart or a figure with its label needs. So each part is a
keyed container (Streamlit gives it the documented class ``st-key-<key>``) and one style rule per part gives the box
holding it a minimum width and its share of the row; the row wraps a part onto the next line when it has no room.
Where the rule does not apply (another Streamlit layout), the parts simply share the row as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

STACKED_PX = 640  # the window width at and below which Streamlit's columns stack, one part to a line


@dataclass(frozen=True)
class Part:
    """One part of a row: its share of the room left over (``grow``) and the width below which it wraps (px)."""

    grow: int
    min_px: int


KEY = re.compile(r"[A-Za-z0-9_-]+")  # what Streamlit keeps of a key in its class name (it turns the rest into "-")


def part_key(row_key: str, index: int) -> str:
    return f"{row_key}-{index}"


def style(row_key: str, parts: Sequence[Part]) -> str:
    """The rules for a row's parts: the box holding each keyed part grows by its share from its minimum width.

    The box is the keyed container's parent (Streamlit 1.67's layout wrapper, which carries the flex styles): that
    one dependency on Streamlit's page structure lives here, and the browser tests check the layout it gives.
    """
    if not KEY.fullmatch(row_key):
        raise ValueError(f"a row's key is letters, digits, '_' and '-' only (it names a CSS class): {row_key!r}")
    rules, stacked = [], []
    for index, part in enumerate(parts):
        holder = f"div:has(> .st-key-{part_key(row_key, index)})"
        rules.append(f"{holder}{{flex:{part.grow} 1 {part.min_px}px!important;min-width:min({part.min_px}px,100%)!important}}")
        stacked.append(f"{holder}{{flex-basis:100%!important}}")
    # A window of a phone's width (or a laptop's at 200 % zoom) stacks every part, as Streamlit's columns do.
    return "<style>" + "".join(rules) + f"@media (max-width:{STACKED_PX}px){{{''.join(stacked)}}}" + "</style>"


def row(row_key: str, parts: Sequence[Part]) -> list[DeltaGenerator]:
    """A row of containers, one per part, that wraps on a narrow page (the style alone takes no room on the page)."""
    st.html(style(row_key, parts))
    holder = st.container(horizontal=True, key=row_key)
    return [holder.container(key=part_key(row_key, index)) for index in range(len(parts))]


def even(count: int, min_px: int) -> list[Part]:
    """``count`` parts of equal share."""
    return [Part(1, min_px)] * count
