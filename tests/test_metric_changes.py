"""How a headline figure's change is drawn: a sign and an arrow only where the shown numbers changed."""

from __future__ import annotations

import pytest

from dashboard.figures.queries import Figure
from dashboard.ui import components


class Card:
    """Stands in for a Streamlit column: keeps what ``st.metric`` was asked to draw."""

    def metric(self, label: str, value: str, **drawn: object) -> None:
        self.label, self.value, self.drawn = label, value, drawn


@pytest.mark.parametrize(
    ("figure", "kind", "delta", "colour", "arrow"),
    [
        (Figure(81.0, 80.5), "num", "+0.5", "normal", "auto"),
        (Figure(80.46, 80.5), "num", "0.0", "off", "off"),  # -0.04 shows as 0.0: no change, not a fall in red
        (Figure(80.54, 80.5), "num", "0.0", "off", "off"),
        (Figure(9, 12), "int", "-3", "normal", "auto"),
        (Figure(9, 9), "int", "0", "off", "off"),
        (Figure(0.421, 0.419), "pct", "0%", "off", "off"),
        (Figure(0.5, 0.4), "pct", "+10%", "normal", "auto"),
        (Figure(58.0, None), "int", None, "normal", "auto"),  # nothing to compare with: no change drawn at all
    ],
)
def test_a_change_is_drawn_as_the_figures_show_it(figure, kind, delta, colour, arrow):
    card = Card()
    components.metric(card, "满意度", figure, kind, "zh")
    assert (card.drawn["delta"], card.drawn["delta_color"], card.drawn["delta_arrow"]) == (delta, colour, arrow)
