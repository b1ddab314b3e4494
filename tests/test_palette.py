"""Colour-blind-safe palettes: every two colours that share a chart or a legend stay at least CIEDE2000 10 apart
with normal sight and under simulated protanopia, deuteranopia and tritanopia; types also differ by shape.

Simulation: Machado, Oliveira & Fernandes (2009) at full severity, as coloraide implements it; difference:
CIEDE2000 (coloraide's ``delta_e(method="2000")``), checked below against Sharma, Wu & Dalal's published pairs.
"""

from __future__ import annotations

import itertools

import pytest
from coloraide.everything import ColorAll as Color

from dashboard import config
from dashboard.render import bars, charts, map_legend, map_points

MIN_DELTA_E = 10
SIGHTS = (None, "protan", "deutan", "tritan")  # normal, protanopia, deuteranopia, tritanopia


def seen(colour: str, sight: str | None) -> Color:
    """``colour`` as a person with ``sight`` sees it (None: normal sight)."""
    c = Color(colour)
    return c if sight is None else c.filter(sight, method="machado", in_place=False).convert("srgb").clip()


def closest_pairs(colours: dict[str, str]) -> list[tuple[float, str, str, str]]:
    """(ΔE2000, sight, a, b) for every pair under every sight, closest first."""
    pairs = [
        (seen(colours[a], sight).delta_e(seen(colours[b], sight), method="2000"), str(sight or "normal"), a, b)
        for sight in SIGHTS
        for a, b in itertools.combinations(colours, 2)
    ]
    return sorted(pairs)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17 and 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_pairs(lab1, lab2, expected):
    assert Color("lab-d65", lab1).delta_e(Color("lab-d65", lab2), method="2000") == pytest.approx(expected, abs=1e-4)


def test_the_simulation_reproduces_the_audits_finding():
    """The old colours of 民族团结 and 党建活动 (#8C510A, #B2182B) were ΔE 3.3 apart under deuteranopia."""
    assert seen("#8C510A", "deutan").delta_e(seen("#B2182B", "deutan"), method="2000") == pytest.approx(3.3, abs=0.05)


@pytest.mark.parametrize("kind", ["types", "stages", "categories", "districts"])
def test_each_vocabulary_palette_is_told_apart_by_every_sight(kind):
    colours = config.colors(kind)
    assert len(set(colours.values())) == len(colours), f"{kind}: a colour is used twice"
    closest = closest_pairs(colours)[0]
    assert closest[0] >= MIN_DELTA_E, f"{kind}: {closest[2]} and {closest[3]} are ΔE {closest[0]:.1f} apart ({closest[1]})"


@pytest.mark.parametrize(
    ("chart", "colours"),
    [
        ("pace (ahead / behind)", {"ahead": bars.AHEAD, "behind": bars.BEHIND}),
        ("satisfaction", {"mean": charts.SATISFACTION_COLORS["mean"], "reference": charts.SATISFACTION_COLORS["reference"]}),
        ("district progress", dict(enumerate(map_legend.PROGRESS_COLORS[1:]))),  # the lightest class only borders white
    ],
)
def test_the_fixed_chart_colours_are_told_apart_too(chart, colours):
    closest = closest_pairs(colours)[0]
    assert closest[0] >= MIN_DELTA_E, f"{chart}: {closest}"


def test_types_differ_by_shape_as_well_as_colour():
    shapes = {term.code: term.extra.get("shape") for term in config.terms("types")}
    assert all(shape in map_points.SHAPES for shape in shapes.values()), shapes
    assert len(set(shapes.values())) == len(shapes), "two types share a marker shape"
