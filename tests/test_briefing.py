"""The briefing's files: deck, PDF and ZIP in both languages, their figures against pandas, the ``brief`` command.

The briefing is built once per module from the bundled sample (read straight
from its CSVs) for Chengdong, year to date of the last data day; figures are
checked against sums computed here with plain pandas from the same CSVs, not
through the dashboard's queries. The PDF is turned into pictures with
poppler's pdftoppm (installed by scripts/test.sh) to prove pages are not blank.
"""

from __future__ import annotations

import io
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

from dashboard import config
from dashboard.briefing import bundle, content, fonts, layout, pages, pdf
from dashboard.briefing.deck import deck_bytes
from dashboard.briefing.period import default_period, gather
from dashboard.briefing.static_map import static_map
from dashboard.cli import brief as cli_brief
from dashboard.cli.brief import resolve_district
from dashboard.cli.main import main
from dashboard.dataset import read_csv_dir
from dashboard.i18n import fmt_int
from dashboard.ingest.sample import load_sample

DISTRICT = "chengdong"


@pytest.fixture(scope="module")
def ds():
    return read_csv_dir(config.SAMPLE_DIR)


@pytest.fixture(scope="module")
def raw():
    """The sample as plain pandas, for figures computed without the dashboard's code."""
    communities = pd.read_csv(config.SAMPLE_DIR / "communities.csv", dtype=str)
    activities = pd.read_csv(config.SAMPLE_DIR / "activities.csv", dtype={"community_id": str}, parse_dates=["date"])
    last = activities["date"].max()
    ids = communities.loc[communities["district"] == DISTRICT, "community_id"]
    chosen = activities[activities["community_id"].isin(ids) & (activities["date"] >= pd.Timestamp(last.year, 1, 1))]
    return {
        "communities": len(ids),
        "activities": len(chosen),
        "participants": int(chosen["participants"].sum()),
        "hours": float(chosen["volunteer_hours"].sum()),
        "start": date(last.year, 1, 1),
        "end": last.date(),
    }


@pytest.fixture(scope="module")
def briefings(ds):
    period = default_period(ds, DISTRICT)
    return {lang: content.build(ds, period, lang) for lang in ("zh", "en")}


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


# --- figures -------------------------------------------------------------------------------------------------


def test_period_defaults_to_year_to_date_of_last_data_day(briefings, raw):
    period = briefings["zh"].period
    assert (period.district, period.start, period.end) == (DISTRICT, raw["start"], raw["end"])


def test_summary_figures_equal_independent_pandas_sums(ds, briefings, raw):
    facts = gather(ds, briefings["zh"].period)
    assert (facts.communities, facts.activities, facts.participants) == (
        raw["communities"],
        raw["activities"],
        raw["participants"],
    )
    assert facts.volunteer_hours == pytest.approx(raw["hours"])
    done = briefings["zh"].summary[0]
    for value in (raw["activities"], raw["participants"], raw["hours"]):
        assert fmt_int(value, "zh") in done


def test_headline_slide_shows_the_period_figures(decks, raw):
    headline = decks["en"].slides[1]
    figures = dict(zip(_named(headline, "Figure label"), _named(headline, "Figure"), strict=True))
    assert figures["Activities"] == fmt_int(raw["activities"], "en")
    assert figures["Participants"] == fmt_int(raw["participants"], "en")
    assert figures["Volunteer hours"] == fmt_int(raw["hours"], "en")
    assert figures["Communities"] == str(raw["communities"])


# --- deck ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deck_has_the_briefing_slides_with_native_titles(decks, briefings, lang):
    deck, briefing = decks[lang], briefings[lang]
    assert len(deck.slides) == len(briefing.slides)
    assert [s.shapes.title.text_frame.text for s in deck.slides] == [s.title for s in briefing.slides]
    assert round(Emu(deck.slide_width).inches / Emu(deck.slide_height).inches, 2) == round(16 / 9, 2)
    expected = "主要指标" if lang == "zh" else "Headline figures"
    assert deck.slides[1].shapes.title.text_frame.text == expected


def test_deck_opens_with_the_written_summary(decks, briefings):
    cover = "\n".join(_texts(decks["zh"].slides[0]))
    assert all(paragraph in cover for paragraph in briefings["zh"].summary)
    assert "城东区" in decks["zh"].slides[0].shapes.title.text_frame.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_has_source_and_data_date_in_its_footer(decks, briefings, lang):
    for number, slide in enumerate(decks[lang].slides, start=1):
        assert _named(slide, "Footer") == [briefings[lang].source]
        assert _named(slide, "Slide number") == [f"{number} / {len(briefings[lang].slides)}"]
    assert "2026年11月26日" in briefings["zh"].source and "26 Nov 2026" in briefings["en"].source


def test_speaker_notes_spell_out_the_figures(decks, raw):
    notes = [s.notes_slide.notes_text_frame.text for s in decks["zh"].slides]
    assert all(n.strip() for n in notes)
    assert fmt_int(raw["activities"], "zh") in notes[1] and fmt_int(raw["participants"], "zh") in notes[1]


def test_every_run_names_the_cjk_font_for_latin_and_east_asian_text(decks):
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
        assert r_pr.find(qn("a:latin")).get("typeface") == fonts.FAMILY
        assert r_pr.find(qn("a:ea")).get("typeface") == fonts.FAMILY


def test_headline_text_is_large_enough_for_a_room(decks):
    sizes = {
        shape.name: shape.text_frame.paragraphs[0].runs[0].font.size.pt
        for shape in decks["zh"].slides[1].shapes
        if shape.has_text_frame and shape.text_frame.text
    }
    assert sizes["Figure"] >= 40 and sizes["Figure label"] >= 16 and sizes["Text"] >= 18


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
    for page in pages.layout_pages(briefing, sizes):
        for item in page.items:
            if isinstance(item, pages.Text):
                assert item.height <= item.box.h + 0.01, (page.key, item.role, item.paragraphs)
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


def test_city_map_takes_ten_thousand_communities(ds):
    many = pd.concat([ds.communities] * 56, ignore_index=True)
    spec = static_map(many, "zh").to_dict()  # a DataFrame over 5,000 rows would raise MaxRowsError
    points = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert points.count("\n") == len(many) + 1  # header, one line per community


@pytest.mark.parametrize("missing", ["", None, np.nan], ids=["blank", "None", "NaN"])
def test_communities_without_an_english_name_are_named_in_chinese_in_english(ds, missing):
    communities = ds.communities.assign(name_en=pd.Series(missing, index=ds.communities.index, dtype=object))
    plain = replace(ds, communities=communities)
    briefing = content.build(plain, default_period(plain, DISTRICT), "en")
    said = "\n".join([*briefing.summary, *(line for s in briefing.slides for line in [*s.bullets, s.notes])])
    chinese = set(communities.loc[communities["district"] == DISTRICT, "name_zh"])
    named = {name for name in chinese if name in said}
    assert len(named) >= 3, said  # the most active, and those needing attention, by their Chinese names
    assert "nan" not in said.split() and "None" not in said
    spec = static_map(communities[communities["district"] == DISTRICT], "en").to_dict()
    points = pd.read_csv(io.StringIO(spec["datasets"][spec["layer"][1]["data"]["name"]]))
    assert set(points["name"]) == chinese


# --- PDF and ZIP ---------------------------------------------------------------------------------------------


def _need(tool: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed (poppler-utils; scripts/test.sh installs it)")


def test_pdf_pages_are_drawn_not_blank(pdf_file, briefings, tmp_path):
    _need("pdftoppm")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf_file), str(tmp_path / "page")], check=True)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) > len(briefings["zh"].slides)  # the slides, then the notes
    for picture in pictures:
        pixels = np.asarray(Image.open(picture).convert("L"), dtype=float)
        assert pixels.shape[1] / pixels.shape[0] == pytest.approx(16 / 9, rel=0.02)
        assert pixels.std() > 10, picture.name


def test_pdf_text_is_chinese_and_every_page_has_the_source(pdf_file, briefings):
    _need("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    pages_text = text.split("\f")[:-1]
    assert "城东区" in pages_text[0] and "主要指标" in pages_text[1]
    assert all("数据来源" in page for page in pages_text)
    assert "讲稿备注" in pages_text[-1]


def test_pdf_embeds_the_cjk_font(pdf_file):
    data = pdf_file.read_bytes()
    assert b"/FontFile3" in data and b"NotoSansCJKSC" in data


def test_zip_holds_each_chart_as_png_and_svg_and_the_summary(briefings, images):
    archive = zipfile.ZipFile(io.BytesIO(bundle.zip_bytes(briefings["zh"], images["zh"])))
    stems = [f"{n:02d}-{s.key}" for n, s in enumerate(briefings["zh"].slides, start=1) if s.chart is not None]
    assert "03-map" in stems
    assert sorted(archive.namelist()) == sorted([f"{s}.{ext}" for s in stems for ext in ("png", "svg")] + ["summary.txt"])
    for stem in stems:
        assert archive.read(f"{stem}.png").startswith(b"\x89PNG")
        assert b"<svg" in archive.read(f"{stem}.svg")[:500]
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


def test_brief_writes_the_deck_from_the_database(sqlite_engine, capsys, tmp_path, raw):
    load_sample(sqlite_engine)
    out = tmp_path / "城东区.pptx"
    code, printed, _ = run(capsys, "brief", "--out", out, "--district", "城东区", "--lang", "zh")
    assert code == 0 and str(out) in printed
    deck = Presentation(str(out))
    assert deck.slides[0].shapes.title.text_frame.text.startswith("城东区")
    figures = dict(zip(_named(deck.slides[1], "Figure label"), _named(deck.slides[1], "Figure"), strict=True))
    assert figures["活动次数"] == fmt_int(raw["activities"], "zh")
    assert figures["志愿服务时长"] == fmt_int(raw["hours"], "zh")


def test_brief_of_a_district_without_communities_exits_1(sqlite_engine, capsys, tmp_path, ds, monkeypatch):
    others = ds.communities[ds.communities["district"] != "huangyuan"]
    monkeypatch.setattr(cli_brief.store, "load_dataset", lambda engine: replace(ds, communities=others))
    code, _, err = run(capsys, "brief", "--out", tmp_path / "x.pdf", "--district", "湟源县", "--lang", "en")
    assert code == 1 and "Huangyuan has no communities" in err
    assert not (tmp_path / "x.pdf").exists()
