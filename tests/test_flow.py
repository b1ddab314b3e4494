"""The rows that wrap on a narrow page (dashboard/ui/flow.py): the style each row sends and the parts it makes."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import flow


def test_each_part_grows_by_its_share_from_a_minimum_width_and_stacks_on_a_phone():
    css = flow.style("pair", [flow.Part(3, 380), flow.Part(2, 320)])
    assert css.startswith("<style>") and css.endswith("</style>")
    assert "div:has(> .st-key-pair-0){flex:3 1 380px!important;min-width:min(380px,100%)!important}" in css
    assert "div:has(> .st-key-pair-1){flex:2 1 320px!important;min-width:min(320px,100%)!important}" in css
    phone = re.search(r"@media \(max-width:640px\)\{(.*)\}</style>", css)
    assert phone and phone.group(1).count("flex-basis:100%") == 2


def test_even_parts_share_alike():
    assert flow.even(3, 250) == [flow.Part(1, 250)] * 3


def _page() -> None:
    from dashboard.ui import flow

    for index, part in enumerate(flow.row("kpis", flow.even(3, 180))):
        part.metric(f"figure {index}", index)


def test_a_row_is_one_horizontal_container_of_keyed_parts_and_its_style_takes_no_room():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    (row,) = at.main.children.values()  # one block on the page: the row
    parts = list(row.children.values())
    assert [part.children[0].label for part in parts] == ["figure 0", "figure 1", "figure 2"]
    # the style alone goes to the page's event container: it takes no room among what the page shows
    (style,) = at.get("html")
    assert ".st-key-kpis-2" in style.proto.body and style not in at.main.children.values()


@pytest.mark.parametrize("key", ["kpi row", "kpi.row", "a{}", ""])
def test_a_row_key_that_would_not_name_a_css_class_is_refused(key):
    with pytest.raises(ValueError, match="CSS class"):
        flow.style(key, flow.even(2, 100))
