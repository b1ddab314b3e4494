"""The briefing's files: deck, PDF and ZIP in both languages, their figures against pandas, the ``brief`` command.

The briefing is built once per module from the bundled sample (read straight
from its CSVs) for Chengdong and for the city, year to date of the last data
day; figures, 同比 and 环比, and the ranking table are checked against sums
computed here with plain pandas from the same CSVs, not through the
dashboard's queries. The PDF is turned into pictures with poppler's pdftoppm
(installed by scripts/test.sh) to prove pages are drawn.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu
from shapely.geometry import Point, shape

from dashboard import config
from dashboard.briefing import bundle, compose, content, fonts, layout, pdf, wording
from dashboard.briefing.compare import Change
from dashboard.briefing.deck import DECK_FONT, deck_bytes
from dashboard.briefing.period import Period, default_period, gather
from dashboard.briefing.static_map import label_point, static_map
from dashboard.cli import brief as cli_brief
from dashboard.cli.brief import resolve_district
from dashboard.cli.main import main
from dashboard.dataset import read_csv_dir
from dashboard.i18n import fmt_int
from dashboard.ingest.sample import load_sample
from dashboard.render.maps import load_districts
from dashboard.storage import store

# One pytest-xdist worker runs this module (scripts/test.sh distributes tests one by one): its module fixtures
# draw every chart's picture and build the decks, seconds of CPU that each worker would otherwise pay again.
pytestmark = pytest.mark.xdist_group("briefing")
DISTRICT = "chengdong"
COVER = content.Cover(org="城东区民政局", meeting="第四季度工作推进会", day=date(2026, 12, 3))
TITLES = {
    "zh": [
        "城东区“居品”社区品牌创建工作简报",
        "工作概况",
        "主要指标",
        "各区县排名",
        "社区分布",
        "品牌创建阶段",
        "品牌命名进度",
        "年度目标完成进度",
        "活动类别",
        "居民满意度",
        "典型案例",
        "存在问题",
        "下步工作打算",
        "汇报完毕，谢谢！",
    ],
    "en": [
        "Chengdong: Ju products community brands — work briefing",
        "Overview",
        "Headline figures",
        "District ranking",
        "Where the communities are",
        "Brand creation by stage",
        "Naming pace against the year's target",
        "Annual targets against the year gone",
        "Activities by category",
        "Residents' satisfaction",
        "Highlights and good practice",
        "Problems",
        "Next steps",
        "Thank you",
    ],
}


@pytest.fixture(scope="module")
def ds():
    return read_csv_dir(config.SAMPLE_DIR)


@pytest.fixture(scope="module")
def csv():
    """The sample as plain pandas, read without the dashboard's code."""
    communities = pd.read_csv(config.SAMPLE_DIR / "communities.csv", dtype=str)
    activities = pd.read_csv(config.SAMPLE_DIR / "activities.csv", dtype={"community_id": str}, parse_dates=["date"])
    surveys = pd.read_csv(config.SAMPLE_DIR / "surveys.csv", dtype={"community_id": str})
    surveys["period"] = pd.to_datetime(surveys["period"] + "-01")
    targets = pd.read_csv(config.SAMPLE_DIR / "targets.csv")
    activities = activities.merge(communities[["community_id", "district"]], on="community_id")
    surveys = surveys.merge(communities[["community_id", "district"]], on="community_id")
    return {"communities": communities, "activities": activities, "surveys": surveys, "targets": targets}


@pytest.fixture(scope="module")
def raw(csv):
    """Chengdong's figures for the year to date of the last data day."""
    a = csv["activities"]
    last = a["date"].max()
    chosen = a[(a["district"] == DISTRICT) & (a["date"] >= pd.Timestamp(last.year, 1, 1))]
    return {
        "communities": int((csv["communities"]["district"] == DISTRICT).sum()),
        "activities": len(chosen),
        "participants": int(chosen["participants"].sum()),
        "hours": float(chosen["volunteer_hours"].sum()),
        "start": date(last.year, 1, 1),
        "end": last.date(),
    }


@pytest.fixture(scope="module")
def briefings(ds):
    period = default_period(ds, DISTRICT)
    return {lang: content.build(ds, period, lang, COVER, data_date=date(2026, 11, 28)) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def city(ds):
    return {lang: content.build(ds, default_period(ds), lang) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def images(briefings):
    return {lang: bundle.chart_images(b) for lang, b in briefings.items()}


@pytest.fixture(scope="module")
def decks(briefings, images):
    return {lang: Presentation(io.BytesIO(deck_bytes(b, images[lang]))) for lang, b in briefings.items()}


@pytest.fixture(scope="module")
def pdf_file(briefings, images, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "briefing.pdf"
    path.write_bytes(pdf.pdf_bytes(briefings["zh"], images["zh"]))
    return path


def _texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _named(slide, name: str) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.name == name]


def _said(briefing: content.Briefing) -> str:
    """Everything a briefing writes: slides, cards, tables and notes."""
    parts = [briefing.source, *briefing.summary]
    for s in briefing.slides:
        parts += [s.title, s.subtitle, *s.bullets, s.notes]
        parts += [x for c in s.cards for x in (c.label, c.value, *c.details)]
        if s.table:
            parts += [*s.table.header, *(cell for row in s.table.rows for cell in row)]
    return "\n".join(parts)


# --- periods and comparisons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "kind", "chain", "earlier"),
    [
        (
            date(2026, 1, 1),
            date(2026, 11, 26),
            "year",
            (date(2026, 11, 1), date(2026, 11, 26)),
            (date(2026, 10, 1), date(2026, 10, 26)),
        ),
        (
            date(2026, 3, 1),
            date(2026, 3, 31),
            "month",
            (date(2026, 3, 1), date(2026, 3, 31)),
            (date(2026, 2, 1), date(2026, 2, 28)),
        ),
        (
            date(2026, 10, 1),
            date(2026, 11, 26),
            "quarter",
            (date(2026, 10, 1), date(2026, 11, 26)),
            (date(2026, 7, 1), date(2026, 8, 26)),
        ),
        (
            date(2026, 7, 1),
            date(2026, 9, 30),
            "quarter",
            (date(2026, 7, 1), date(2026, 9, 30)),
            (date(2026, 4, 1), date(2026, 6, 30)),
        ),
        (date(2026, 2, 3), date(2026, 5, 1), "days", (date(2026, 2, 3), date(2026, 5, 1)), (date(2025, 11, 7), date(2026, 2, 2))),
    ],
)
def test_periods_know_their_kind_and_the_period_before(start, end, kind, chain, earlier):
    period = Period(None, start, end)
    now, before, unit = period.chain()
    assert period.kind == kind and unit == ("month" if kind == "year" else kind)
    assert (now.start, now.end) == chain and (before.start, before.end) == earlier


def test_year_earlier_keeps_the_dates_and_the_29th_of_february_becomes_the_28th():
    assert Period(None, date(2024, 2, 1), date(2024, 2, 29)).year_earlier() == Period(None, date(2023, 2, 1), date(2023, 2, 28))


def _flows(a: pd.DataFrame, start: date, end: date) -> dict[str, float]:
    inside = a[(a["date"] >= pd.Timestamp(start)) & (a["date"] <= pd.Timestamp(end))]
    return {
        "activities": len(inside),
        "participants": inside["participants"].sum(),
        "volunteer_hours": inside["volunteer_hours"].sum(),
    }


@pytest.mark.parametrize("district", [DISTRICT, None])
def test_yoy_and_chain_figures_equal_independent_pandas_sums(ds, csv, district):
    a = csv["activities"] if district is None else csv["activities"][csv["activities"]["district"] == district]
    facts = gather(ds, default_period(ds, district))
    now, last_year = _flows(a, date(2026, 1, 1), date(2026, 11, 26)), _flows(a, date(2025, 1, 1), date(2025, 11, 26))
    month, month_before = _flows(a, date(2026, 11, 1), date(2026, 11, 26)), _flows(a, date(2026, 10, 1), date(2026, 10, 26))
    for measure in ("activities", "participants", "volunteer_hours"):
        yoy, chain = facts.changes[measure]["yoy"], facts.changes[measure]["chain"]
        assert (yoy.now, yoy.before) == pytest.approx((now[measure], last_year[measure]))
        assert (chain.now, chain.before) == pytest.approx((month[measure], month_before[measure]))
        assert yoy.ratio == pytest.approx(now[measure] / last_year[measure] - 1)


def test_satisfaction_is_the_latest_month_against_the_month_before_and_a_year_before(ds, csv):
    s = csv["surveys"][csv["surveys"]["district"] == DISTRICT]
    by_month = s.groupby("period")["satisfaction"].mean()
    changes = gather(ds, default_period(ds, DISTRICT)).satisfaction_changes
    assert changes["chain"].span.start == date(2026, 10, 1)
    assert changes["chain"].now == pytest.approx(by_month[pd.Timestamp("2026-10-01")])
    assert changes["chain"].before == pytest.approx(by_month[pd.Timestamp("2026-09-01")])
    assert changes["yoy"].before == pytest.approx(by_month[pd.Timestamp("2025-10-01")])


def test_headline_cards_word_the_changes_the_pandas_sums_give(briefings, csv):
    a = csv["activities"][csv["activities"]["district"] == DISTRICT]
    now, before = len(a[a["date"].between("2026-01-01", "2026-11-26")]), len(a[a["date"].between("2025-01-01", "2025-11-26")])
    month, month_before = (
        len(a[a["date"].between("2026-11-01", "2026-11-26")]),
        len(a[a["date"].between("2026-10-01", "2026-10-26")]),
    )
    cards = {c.label: c for c in briefings["zh"].slides[2].cards}
    growth = (now / before - 1) * 100
    assert cards["活动次数"].value == f"{now:,}次"
    assert cards["活动次数"].details[0] == f"同比{'增长' if growth > 0 else '下降'}{abs(growth):.1f}%"
    change = (month / month_before - 1) * 100
    assert cards["活动次数"].details[1] == f"11月{month:,}次，环比{'增长' if change > 0 else '下降'}{abs(change):.1f}%"
    english = {c.label: c for c in briefings["en"].slides[2].cards}
    assert english["Activities"].details[0] == f"{'up' if growth > 0 else 'down'} {abs(growth):.1f}% on the same period last year"


@pytest.mark.parametrize(("lang", "words"), [("zh", "去年同期无数据"), ("en", "no data for the same period last year")])
def test_a_comparison_before_the_first_data_day_says_there_is_no_data(ds, lang, words):
    facts = gather(ds, Period(DISTRICT, date(2025, 1, 1), date(2025, 6, 30)))
    yoy = facts.changes["activities"]["yoy"]
    assert yoy.before is None and yoy.ratio is None
    assert wording.change_text(yoy, lang) == words


@pytest.mark.parametrize(
    ("now", "before", "points", "lang", "said"),
    [
        (112.5, 100, False, "zh", "同比增长12.5%"),
        (90, 100, False, "en", "down 10.0% on the same period last year"),
        (100, 100, False, "zh", "同比持平"),
        (5, 0, False, "zh", "去年同期为零"),
        (83.1, 81.2, True, "zh", "同比提高1.9分"),
        (80.0, 81.2, True, "en", "down 1.2 points on the same period last year"),
    ],
)
def test_changes_are_worded_not_signed(now, before, points, lang, said):
    span = Period(None, date(2026, 1, 1), date(2026, 3, 31))
    assert wording.change_text(Change("yoy", "year", now, before, span, span.year_earlier()), lang, points=points) == said


@pytest.mark.parametrize(
    ("value", "unit", "lang", "said"),
    [
        (1_397_384, "hours", "zh", "139.7万小时"),
        (159_132, "participants", "zh", "15.9万人次"),
        (4_236, "activities", "zh", "4,236次"),
        (1, "communities", "en", "1 community"),
        (39, "communities", "en", "39 communities"),
        (1_397_384, "hours", "en", "1.4 million hours"),
        (82.94, "points", "zh", "82.9分"),
        (None, "activities", "en", "not available"),
    ],
)
def test_figures_carry_units_and_wan(value, unit, lang, said):
    assert wording.amount(value, unit, lang) == said


@pytest.mark.parametrize(
    ("column", "lang", "said"),
    [
        ([234_000, 70_725, None], "zh", ["23.4万", "7.1万", "—"]),  # one unit down the column: 7.1万 reads as the smaller
        ([34_000, 70_725], "zh", ["34,000", "70,725"]),
        ([1_397_384, 70_725], "en", ["1.4 million", "0.1 million"]),
        ([397_384, 70_725], "en", ["397,384", "70,725"]),
    ],
)
def test_a_column_of_figures_is_said_in_one_unit(column, lang, said):
    large = wording.column_is_large(column, lang)
    assert [wording.number(value, lang, large=large) for value in column] == said


# --- wording conventions -------------------------------------------------------------------------------------


def test_a_district_deck_says_ben_qu_and_no_list_uses_a_middle_dot(briefings, city):
    said = _said(briefings["zh"])
    assert "本区县" not in said and "本区位列全市第" in said
    for briefing in (*briefings.values(), *city.values()):
        assert "·" not in _said(briefing)
    assert " 1 communities" not in _said(briefings["en"]) and " 1 activities" not in _said(city["en"])


def test_activity_titles_stay_as_written_with_an_english_gloss(briefings, csv):
    lines = [b for b in briefings["en"].slides[10].bullets if ":" in b and "(" in b][-3:]
    titles = set(csv["activities"]["title"].dropna())
    assert lines and all(any(f"{title} (" in line for title in titles) for line in lines)
    assert any(label in lines[0] for label in (config.label("categories", c, "en") for c in config.codes("categories")))


def test_problems_name_the_gap_in_numbers_and_days_left(city, ds):
    progress = gather(ds, default_period(ds)).progress
    chengbei = progress.set_index("district").loc["chengbei"]
    gap = int(chengbei["target_activities"] - chengbei["activities_ytd"])
    lines = city["zh"].slides[11].bullets
    assert f"城北区距年度活动目标还差{gap:,}次，剩余35天" in lines[0]
    steps = city["zh"].slides[12].bullets
    assert steps[0].startswith(f"城北区年底前还需开展活动{gap:,}次")


# --- deck ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_titles_come_in_the_work_report_order(decks, lang):
    deck = decks[lang]
    assert [s.shapes.title.text_frame.text for s in deck.slides] == TITLES[lang]
    assert round(Emu(deck.slide_width).inches / Emu(deck.slide_height).inches, 2) == round(16 / 9, 2)


def test_cover_names_the_reporting_body_the_meeting_and_its_date(decks):
    cover = "\n".join(_texts(decks["zh"].slides[0]))
    assert "汇报单位：城东区民政局" in cover
    assert "第四季度工作推进会　2026年12月3日" in cover
    assert "2026年1月1日至2026年11月26日" in cover
    assert len(cover) < 120  # a cover, not a wall of text
    closing = "\n".join(_texts(decks["zh"].slides[-1]))
    assert "城东区民政局" in closing and "批评指正" in closing


def test_org_name_setting_is_the_default_reporting_body(ds, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ORG_NAME", "西宁市民政局")
    assert content.build(ds, default_period(ds), "zh").org == "西宁市民政局"
    monkeypatch.delenv("DASHBOARD_ORG_NAME")
    assert content.build(ds, default_period(ds), "zh").org == "西宁市“居品”社区品牌创建工作专班"


def _table(deck):
    shape = next(s for slide in deck.slides for s in slide.shapes if s.has_table)
    return [[cell.text_frame.text for cell in row.cells] for row in shape.table.rows]


def test_ranking_table_is_native_and_its_figures_equal_the_database(decks, csv):
    rows = _table(decks["en"])
    assert rows[0][:3] == ["Rank", "District", "Named / target"]
    a, c, t = csv["activities"], csv["communities"], csv["targets"]
    ytd = a[a["date"].between("2026-01-01", "2026-11-26")]
    s = csv["surveys"]
    latest = s[s["period"] == s["period"].max()].groupby("district")["satisfaction"].mean()
    expected = {}
    for code in config.codes("districts"):
        goal = t[(t["district"] == code) & (t["year"] == 2026)].set_index("metric")["target"]
        named = int(((c["district"] == code) & (c["stage"] == "named")).sum())
        mine = ytd[ytd["district"] == code]
        rates = [
            named / goal["named_communities"],
            len(mine) / goal["activities"],
            mine["volunteer_hours"].sum() / goal["volunteer_hours"],
        ]
        expected[config.label("districts", code, "en")] = (
            [f"{named} / {goal['named_communities']:.0f}", f"{rates[0]:.0%}", f"{len(mine):,}", f"{rates[1]:.0%}"],
            f"{latest[code]:.1f}",
            sum(rates) / 3,
        )
    body = rows[1:]
    assert [r[1] for r in body] == sorted(expected, key=lambda d: -expected[d][2])
    for row in body:
        figures, satisfaction, score = expected[row[1]]
        assert row[2:6] == figures and row[8] == satisfaction and row[10] == f"{score:.0%}"
    assert body[0][0] == "1 (first)" and body[-1][0] == f"{len(body)} (last)"


def test_the_leader_and_the_last_rows_are_filled_and_the_own_district_is_bold(decks):
    shape = next(s for s in decks["zh"].slides[3].shapes if s.has_table)
    rows = list(shape.table.rows)
    colours = [str(row.cells[0].fill.fore_color.rgb) for row in rows[1:]]
    assert colours[0] == compose.LEADER_FILL and colours[-1] == compose.LAST_FILL
    own = next(row for row in rows[1:] if row.cells[1].text_frame.text == "城东区")
    assert own.cells[1].text_frame.paragraphs[0].runs[0].font.bold


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_has_the_source_with_its_import_date_and_a_slide_number(decks, briefings, lang):
    for number, slide in enumerate(decks[lang].slides, start=1):
        assert _named(slide, "Footer") == [briefings[lang].source]
        assert _named(slide, "Slide number") == [f"{number} / {len(TITLES['zh'])}"]
    assert briefings["zh"].source == "数据来源：“居品”社区品牌创建数据库，数据导入于2026年11月28日"
    assert "版本" not in briefings["zh"].source and "version" not in briefings["en"].source


def test_speaker_notes_are_talking_points_with_a_transition(decks):
    notes = [s.notes_slide.notes_text_frame.text for s in decks["zh"].slides]
    assert all(n.startswith("要点：") for n in notes)
    assert all(f"过渡：下面请看“{title}”。" in n for n, title in zip(notes, TITLES["zh"][1:], strict=False))
    assert notes[-1].endswith("结束：致谢，听取意见。")
    assert "全文：" in notes[1]  # the full summary goes with the 工作概况 slide
    assert "数字：" in notes[2] and "。；" not in notes[2]


def test_every_run_names_microsoft_yahei_for_latin_and_east_asian_text(decks):
    runs = [
        r
        for s in decks["zh"].slides
        for shape in s.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for r in p.runs
    ]
    assert runs
    for run in runs:
        r_pr = run._r.find(qn("a:rPr"))
        assert r_pr.find(qn("a:latin")).get("typeface") == DECK_FONT
        assert r_pr.find(qn("a:ea")).get("typeface") == DECK_FONT and r_pr.find(qn("a:ea")).get("charset") == "-122"


def test_headline_text_is_large_enough_for_a_room(decks):
    sizes = {
        shape.name: shape.text_frame.paragraphs[0].runs[0].font.size.pt
        for shape in decks["zh"].slides[2].shapes
        if shape.has_text_frame and shape.text_frame.text
    }
    assert sizes["Figure"] >= 36 and sizes["Figure label"] >= 16


def test_problems_and_next_steps_are_plain_editable_text(decks, briefings):
    for number in (11, 12):
        slide = decks["zh"].slides[number]
        assert _named(slide, "Text") == ["\n".join(briefings["zh"].slides[number].bullets)]
        assert not any(shape.shape_type == 13 for shape in slide.shapes)


def test_charts_are_sharp_pictures(decks, briefings):
    for slide, model in zip(decks["zh"].slides, briefings["zh"].slides, strict=True):
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert len(pictures) == (model.chart is not None)
        for picture in pictures:
            width, _ = Image.open(io.BytesIO(picture.image.blob)).size
            assert width / Emu(picture.width).inches >= 150  # dots per inch on the slide


# --- layout --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("district", [DISTRICT, None])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_fits_its_box_and_stays_above_the_footer(ds, district, lang):
    briefing = content.build(ds, default_period(ds, district), lang)
    sizes = {s.key: (2000, 1000) for s in briefing.slides if s.chart is not None}
    for page in compose.layout_pages(briefing, sizes):
        for item in page.items:
            if isinstance(item, compose.Text):
                assert item.height <= item.box.h + 0.01, (page.key, item.role, item.paragraphs)
            if isinstance(item, compose.Grid):
                assert all(
                    fonts.text_width(cell, item.size) <= w for row in item.rows for cell, w in zip(row, item.widths, strict=True)
                )
            if 0.5 < item.box.y < layout.FOOTER_RULE_Y:  # the body, not the accent bar or the footer itself
                assert item.box.bottom <= layout.FOOTER_RULE_Y, (page.key, item)


def test_lines_break_between_han_characters_but_not_inside_numbers():
    text = "城东区39个社区共开展活动4,236次，参与159,132人次。"
    lines = layout.wrap(text, 2.0, 20, fonts.text_width)
    assert "".join(lines) == text and len(lines) > 1
    assert all(fonts.text_width(line, 20) <= 2.0 for line in lines)
    assert not any(line.startswith(("，", "。")) for line in lines)
    assert all(n in "\n".join(lines) for n in ("4,236", "159,132"))


def test_cjk_font_is_the_simplified_chinese_face():
    font = fonts.cjk_font("regular")
    if font.path.suffix == ".ttc":
        assert font.index == 2  # Debian's collection: JP, KR, SC, TC, HK
    assert fonts.text_width("城", 72) == pytest.approx(1.0, abs=0.02)  # a Han character is one em wide


# --- map -----------------------------------------------------------------------------------------------------


def _map_layers(spec: dict) -> list[dict]:
    panels = spec.get("hconcat", [spec])
    return [layer for panel in panels for layer in panel["layer"]]


def test_city_map_has_an_urban_inset_and_labels_each_district_with_its_count(ds):
    spec = static_map(ds.communities, "zh").to_dict()
    assert len(spec["hconcat"]) == 2
    scales = [panel["projection"]["scale"] for panel in spec["hconcat"]]
    assert scales[1] > 2 * scales[0]  # the inset is zoomed in on the four urban districts
    labels = " ".join(
        value
        for layer in _map_layers(spec)
        if layer["mark"].get("type") == "text"
        for value in (spec["datasets"][layer["data"]["name"]] if "name" in layer.get("data", {}) else [])
        for value in ([value["text"]] if isinstance(value, dict) else [])
    )
    counts = ds.communities["district"].value_counts()
    for code in ("chengdong", "datong"):
        assert f"{config.label('districts', code, 'zh')}\n{counts[code]}个" in labels


def test_district_map_labels_its_subdistricts(ds):
    chengdong = ds.communities[ds.communities["district"] == DISTRICT]
    spec = static_map(chengdong, "zh", DISTRICT).to_dict()
    texts = [row["text"] for rows in spec["datasets"].values() if isinstance(rows, list) for row in rows if "text" in row]
    counts = chengdong["subdistrict"].value_counts()
    assert sorted(texts) == sorted(f"{name}\n{n}个" for name, n in counts.items())


def test_city_map_takes_ten_thousand_communities(ds):
    many = pd.concat([ds.communities] * 56, ignore_index=True)
    spec = static_map(many, "zh").to_dict()  # a DataFrame over 5,000 rows would raise MaxRowsError
    points = [
        spec["datasets"][layer["data"]["name"]]
        for layer in _map_layers(spec)
        if isinstance(spec["datasets"].get(layer.get("data", {}).get("name")), str)
    ]
    assert points[0].count("\n") == len(many) + 1  # header, one line per community


@pytest.mark.parametrize("missing", ["", None, np.nan], ids=["blank", "None", "NaN"])
def test_communities_without_an_english_name_are_named_in_chinese_in_english(ds, missing):
    communities = ds.communities.assign(name_en=pd.Series(missing, index=ds.communities.index, dtype=object))
    plain = replace(ds, communities=communities)
    briefing = content.build(plain, default_period(plain, DISTRICT), "en")
    said = _said(briefing)
    chinese = set(communities.loc[communities["district"] == DISTRICT, "name_zh"])
    named = {name for name in chinese if name in said}
    assert len(named) >= 3, said  # the most active, and those needing attention, by their Chinese names
    assert "nan" not in said.split() and "None" not in said


# --- PDF and ZIP ---------------------------------------------------------------------------------------------


def _need(tool: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed (poppler-utils; scripts/test.sh installs it)")


def test_pdf_pages_are_drawn_16_by_9_and_not_blank(pdf_file, tmp_path):
    _need("pdftoppm")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf_file), str(tmp_path / "page")], check=True)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) > len(TITLES["zh"])  # the slides, then the notes
    for picture in pictures:
        pixels = np.asarray(Image.open(picture).convert("L"), dtype=float)
        assert pixels.shape[1] / pixels.shape[0] == pytest.approx(16 / 9, rel=0.02)
        assert pixels.std() > 10, picture.name
    table = np.asarray(Image.open(pictures[3]).convert("RGB"), dtype=int)
    accent = np.all(np.abs(table - (0x9E, 0x1B, 0x1B)) < 12, axis=2)
    assert accent[table.shape[0] // 5 : table.shape[0] // 3].any()  # the ranking's header row is drawn in the accent colour


def test_pdf_numbers_slides_only_and_labels_notes_pages(pdf_file):
    _need("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    pages_text = text.split("\f")[:-1]
    slides = len(TITLES["zh"])
    for number, page in enumerate(pages_text[:slides], start=1):
        assert f"{number} / {slides}" in page and "数据来源" in page
    notes = pages_text[slides:]
    assert notes and all(f"讲稿备注 {n} / {len(notes)}" in page for n, page in enumerate(notes, start=1))
    assert "汇报单位：城东区民政局" in pages_text[0] and "城中区" in pages_text[3] and "存在问题" in pages_text[11]


def test_pdf_embeds_the_cjk_font(pdf_file):
    data = pdf_file.read_bytes()
    assert b"/FontFile3" in data and b"NotoSansCJKSC" in data


EMOJI_NAMES = ["幸福🌸社区", "团结😀社区", "✅示范社区"]


@pytest.fixture(scope="module")
def emoji_briefing(ds):
    """Chengdong's briefing with emoji in its communities' names and in the reporting body's."""
    named = ds.communities["district"] == DISTRICT
    names = ds.communities["name_zh"].where(~named, [EMOJI_NAMES[n % 3] + str(n) for n in range(len(named))])
    plain = replace(ds, communities=ds.communities.assign(name_zh=names))
    cover = replace(COVER, org="城东区民政局🌸")
    return content.build(plain, default_period(plain, DISTRICT), "zh", cover, data_date=date(2026, 11, 28))


def test_pdf_prints_emoji_in_names_with_the_fallback_font(emoji_briefing, images, tmp_path):
    _need("pdftotext")
    if fonts.emoji_font() is None:
        pytest.skip("no emoji font (fonts-symbola; scripts/test.sh installs it)")
    path = tmp_path / "emoji.pdf"
    path.write_bytes(pdf.pdf_bytes(emoji_briefing, images["zh"]))
    assert b"/FontFile2" in path.read_bytes()  # the emoji font's subset (TrueType), beside the CJK face's CFF
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "汇报单位：城东区民政局🌸" in text
    said = "\n".join(line for slide in emoji_briefing.slides for line in (slide.title, *slide.bullets))
    for emoji in ("🌸", "😀", "✅"):
        assert (emoji in said) <= (emoji in text), emoji  # each emoji a slide says is printed, not a blank
    assert sum(emoji in text for emoji in ("🌸", "😀", "✅")) >= 2


def test_pdf_without_an_emoji_font_is_still_made(emoji_briefing, images, monkeypatch):
    monkeypatch.setattr(fonts, "emoji_font", lambda: None)
    data = pdf.pdf_bytes(emoji_briefing, images["zh"])
    assert data.startswith(b"%PDF") and b"NotoSansCJKSC" in data and b"/FontFile2" not in data


def test_zip_holds_each_chart_with_its_data_as_csv_and_excel(briefings, images):
    archive = zipfile.ZipFile(io.BytesIO(bundle.zip_bytes(briefings["zh"], images["zh"])))
    names = set(archive.namelist())
    assert {"04-ranking.csv", "04-ranking.xlsx", "05-map.png", "05-map.svg", "05-map.csv", "08-pace.xlsx", "summary.txt"} <= names
    for stem in ("05-map", "06-stages", "07-naming", "08-pace", "09-categories", "10-satisfaction"):
        assert archive.read(f"{stem}.png").startswith(b"\x89PNG") and b"<svg" in archive.read(f"{stem}.svg")[:500]
        from_csv = pd.read_csv(io.BytesIO(archive.read(f"{stem}.csv")), encoding="utf-8-sig")
        from_xlsx = pd.read_excel(io.BytesIO(archive.read(f"{stem}.xlsx")))
        pd.testing.assert_frame_equal(from_csv, from_xlsx, check_dtype=False)
    ranking = pd.read_csv(io.BytesIO(archive.read("04-ranking.csv")), encoding="utf-8-sig")
    assert list(ranking["区县"])[:1] == ["城中区"] and "平均完成率" in ranking
    summary = archive.read("summary.txt").decode("utf-8-sig")
    assert all(p in summary for p in briefings["zh"].summary) and briefings["zh"].source in summary


# --- command line --------------------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_cli_accepts_the_extensions_the_bundle_writes():
    assert cli_brief.SUFFIXES == bundle.SUFFIXES


@pytest.mark.parametrize("value", ["chengdong", "城东区", "城东", "Chengdong", "630102", " CHENGDONG "])
def test_district_written_any_way(value):
    assert resolve_district(value) == "chengdong"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--out", "x.docx", "--lang", "en"], ".pptx, .pdf or .zip"),
        (["--out", "x.pptx", "--district", "atlantis", "--lang", "en"], "Unknown district “atlantis”"),
        (["--out", "x.pptx", "--district", "atlantis", "--lang", "zh"], "未知区县“atlantis”"),
        (["--out", "x.pptx", "--from", "2026-05-01", "--to", "2026-04-01", "--lang", "en"], "is after"),
        (["--out", "x.pptx", "--from", "May 1"], "YYYY-MM-DD"),
        (["--out", "x.pptx", "--date", "next Tuesday"], "YYYY-MM-DD"),
        (["--district", "chengdong"], "--out"),
    ],
)
def test_brief_usage_errors_exit_2_with_a_message(capsys, tmp_path, argv, words):
    argv = [str(tmp_path / a) if a.startswith("x.") else a for a in argv]
    code, _, err = run(capsys, "brief", *argv)
    assert code == 2 and words in err, err
    assert not list(tmp_path.iterdir())


def test_brief_without_data_exits_1(sqlite_engine, capsys, tmp_path):
    code, _, err = run(capsys, "brief", "--out", tmp_path / "x.pptx", "--lang", "en")
    assert code == 1 and "no data" in err


def test_brief_writes_the_deck_from_the_database_with_the_cover_asked_for(sqlite_engine, capsys, tmp_path, raw):
    load_sample(sqlite_engine)
    out = tmp_path / "城东区.pptx"
    argv = [
        "--out",
        out,
        "--district",
        "城东区",
        "--lang",
        "zh",
        "--org",
        "城东区民政局",
        "--meeting",
        "推进会",
        "--date",
        "2026-12-03",
    ]
    code, printed, _ = run(capsys, "brief", *argv)
    assert code == 0 and str(out) in printed and "共 14 页" in printed
    deck = Presentation(str(out))
    assert deck.slides[0].shapes.title.text_frame.text.startswith("城东区")
    cover = "\n".join(_texts(deck.slides[0]))
    assert "汇报单位：城东区民政局" in cover and "推进会　2026年12月3日" in cover
    figures = dict(zip(_named(deck.slides[2], "Figure label"), _named(deck.slides[2], "Figure"), strict=True))
    assert figures["活动次数"] == f"{fmt_int(raw['activities'], 'zh')}次"
    assert figures["创建社区"] == f"{raw['communities']}个"
    today = config.today()  # the import was made just now: its day on the campaign's clock, as the history shows
    assert f"数据导入于{today.year}年{today.month}月{today.day}日" in _named(deck.slides[2], "Footer")[0]


def test_brief_of_a_district_without_communities_exits_1(sqlite_engine, capsys, tmp_path, ds, monkeypatch):
    others = ds.communities[ds.communities["district"] != "huangyuan"]
    monkeypatch.setattr(cli_brief.store, "load_dataset", lambda engine: replace(ds, communities=others))
    code, _, err = run(capsys, "brief", "--out", tmp_path / "x.pdf", "--district", "湟源县", "--lang", "en")
    assert code == 1 and "Huangyuan has no communities" in err
    assert not (tmp_path / "x.pdf").exists()


# --- a past period: the stages as at its end ---------------------------------------------------------------------


def _stages_on(communities: pd.DataFrame, day: str) -> dict[str, int]:
    """Each sample community's stage on ``day`` worked out by hand from the CSV: the last stage dated on or before it.

    A blank application date is taken as the building date (what the import derives: the sample is loaded after
    every date it holds, and a derived date is never after the next stage's date).
    """
    counts = dict.fromkeys(config.codes("stages"), 0)
    for _, row in communities.iterrows():
        applied = row["applied_on"] if isinstance(row["applied_on"], str) else row["building_on"]
        dates = {"applied": applied, "building": row["building_on"], "assessed": row["assessed_on"], "named": row["named_on"]}
        reached = [stage for stage, when in dates.items() if isinstance(when, str) and when <= day]
        if reached:
            counts[reached[-1]] += 1
    return counts


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2025, 7, 1), date(2025, 9, 30), "2025年7月1日至2025年9月30日"),
        (date(2026, 1, 1), date(2026, 3, 31), "2026年1月1日至"),
    ],
)
def test_a_past_quarter_briefing_counts_the_stages_as_at_the_quarter_end(sqlite_engine, csv, start, end, words):
    load_sample(sqlite_engine)
    ds = store.load_dataset(sqlite_engine)
    expected = _stages_on(csv["communities"], end.isoformat())
    today = csv["communities"]["stage"].value_counts().to_dict()
    assert expected["named"] < today["named"]  # the quarter is not today
    briefing = content.build(ds, Period(None, start, end), "zh")
    f = briefing.facts
    assert {stage: f.stage_count(stage) for stage in config.codes("stages")} == expected
    assert f.communities == sum(expected.values()) and f.named == expected["named"] == len(f.named_list)
    assert words in briefing.dates
    assert any(f"已命名品牌社区{expected['named']}个" in p for p in briefing.summary)
    [stages_slide] = [s for s in briefing.slides if s.key == "stages"]
    assert int(stages_slide.data["社区数"].sum()) == sum(expected.values())
    assert f"截至{end.year}年{end.month}月{end.day}日" in json.dumps(stages_slide.chart.to_dict()["title"], ensure_ascii=False)
    [naming_slide] = [s for s in briefing.slides if s.key == "naming"]
    assert int(naming_slide.data["累计命名"].iloc[-1]) == expected["named"]
    assert naming_slide.talk is not None and f"已命名{expected['named']}个" in naming_slide.talk.message


def test_the_stage_counts_of_today_are_the_data_as_it_stands(sqlite_engine, csv):
    load_sample(sqlite_engine)
    ds = store.load_dataset(sqlite_engine)
    f = gather(ds, Period(None, date(2026, 1, 1), date(2026, 11, 26)))
    today = csv["communities"]["stage"].value_counts().to_dict()
    assert {stage: f.stage_count(stage) for stage in config.codes("stages")} == today


def test_a_districts_name_sits_where_it_is_farthest_from_its_outline():
    """湟中区 wraps around the urban districts: its centroid lay 0.07° from its edge, beside their frame, and its
    name ran into 湟源县's on the slide; the label point is inside every district and far from its edges."""
    features = {f["properties"]["code"]: f for f in load_districts()["features"]}
    for code, feature in features.items():
        outline = shape(feature["geometry"])
        point = Point(label_point(feature))
        assert outline.contains(point), code
        assert outline.boundary.distance(point) >= 0.02, code
    huangzhong = shape(features["huangzhong"]["geometry"])
    assert huangzhong.boundary.distance(Point(label_point(features["huangzhong"]))) > 0.14
