"""Text contrast of the theme and of the charts: at least 4.5:1 (WCAG 2.1 AA, 1.4.3), computed, not eyeballed.

Streamlit draws captions, help text and hints in the body colour at 60 % opacity (its ``fadedText60``), so the
body colour must be dark enough for that blend to pass on the page and on the sidebar too.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from coloraide import Color

from dashboard.render import chart_style

ROOT = Path(__file__).resolve().parents[1]
THEME = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))["theme"]
AA = 4.5
STREAMLIT_SIDEBAR = "#f8f8f7"  # Streamlit's light sidebar, where a theme sets no sidebar colour


def blend(foreground: str, background: str, opacity: float) -> Color:
    """``foreground`` at ``opacity`` over ``background``, as the browser paints it (sRGB)."""
    fg, bg = Color(foreground).convert("srgb"), Color(background).convert("srgb")
    return Color("srgb", [opacity * f + (1 - opacity) * b for f, b in zip(fg.coords(), bg.coords(), strict=True)])


def contrast(foreground: str | Color, background: str) -> float:
    return Color(foreground).contrast(Color(background))


@pytest.mark.parametrize("background", [THEME["backgroundColor"], THEME["secondaryBackgroundColor"], STREAMLIT_SIDEBAR])
def test_captions_and_body_text_reach_aa(background):
    assert contrast(THEME["textColor"], background) >= 7
    assert contrast(blend(THEME["textColor"], background, 0.6), background) >= AA


def test_the_primary_colour_is_readable_as_text_and_under_white_text():
    assert contrast(THEME["primaryColor"], THEME["backgroundColor"]) >= AA
    assert contrast("#ffffff", THEME["primaryColor"]) >= AA


@pytest.mark.parametrize("background", [THEME["backgroundColor"], THEME["secondaryBackgroundColor"]])
@pytest.mark.parametrize("tint", [0.1, 0.2])  # a selected option, and the same under the pointer
def test_a_selected_option_is_readable_on_its_primary_tint(background, tint):
    """A selected segmented-control option is primary text on the primary colour at 10 % (20 % under the pointer)
    over the page or the sidebar: the axe audit of the signed-in desk found #B2182B on #E7C6C5, 4.34:1."""
    assert contrast(THEME["primaryColor"], str(blend(THEME["primaryColor"], background, tint))) >= AA


def test_the_old_primary_colour_failed_there():
    assert contrast("#B2182B", str(blend("#B2182B", THEME["secondaryBackgroundColor"], 0.2))) == pytest.approx(4.34, abs=0.02)


def test_chart_text_colours_reach_aa_on_white():
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    spec = chart_style.themed(alt.Chart(frame).mark_bar().encode(x="x", y="y").properties(title="t")).to_dict()
    config = spec["config"]
    colours = [
        config["axis"]["labelColor"],
        config["axis"]["titleColor"],
        config["legend"]["labelColor"],
        config["legend"]["titleColor"],
        config["title"]["color"],
        config["title"]["subtitleColor"],
    ]
    assert all(contrast(colour, "#ffffff") >= AA for colour in colours), colours
