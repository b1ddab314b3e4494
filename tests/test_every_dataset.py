"""Every valid dataset renders: generated contract files, imported, then every page and every briefing file.

Hypothesis writes the four tables as staff might (``tests/contract_files.py``); each dataset is imported
through the public import function, then

- the figures, the charts and the briefing's text are computed for the city and every district
  (cheap: many examples), and
- every page runs under AppTest (Overview, the Map in each layer, Progress, each community's profile,
  every slide of the Presentation, the desk with the file uploaded again, the history of every table,
  then, signed in as an admin, the reporting status and the audit log) and the briefing's PPTX, PDF
  and ZIP are built for the city, a one-community district and an empty district (dear: few examples).

Nothing may raise, show an error element, or show NaN, inf or a pandas placeholder where a figure
belongs. Cases Hypothesis found are kept in ``tests/fixtures/generated/*.json`` and run every time:
``found-*`` for the figures, ``issue-*`` through the pages and the briefing's files (and for the figures
in the deep profile), ``page-*`` through the pages (communities only, with Jinja syntax in the names: the
reporting status and the map once failed on it). The ``ci`` profile (the default) keeps this file to
about a minute; ``--hypothesis-profile=deep`` runs many more (README, "Tests").
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pyarrow as pa
import pytest
import streamlit as st
from argon2 import PasswordHasher
from contract_files import Spec, specs
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as hs
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from dashboard import auth, config
from dashboard.briefing import bundle, content
from dashboard.briefing.period import default_period
from dashboard.dataset import Dataset
from dashboard.figures import pace, profiles, queries, snapshot, stage_dating, stages
from dashboard.figures.filters import Filters, apply_filters
from dashboard.i18n import catalogue, community_name, t
from dashboard.ingest import importing
from dashboard.render import charts, pace_charts, stage_charts
from dashboard.render.exports import contract_frame, table_bytes
from dashboard.schema import TABLES
from dashboard.storage import database, store
from dashboard.ui import state
from dashboard.ui.text import md_escape

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
KEPT = sorted((Path(__file__).parent / "fixtures" / "generated").glob("*.json"))
PASSWORD = "Generated-data-42"
FAST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# What a figure that could not be computed must never look like on a page or in a file.
NOT_A_FIGURE = re.compile(r"(?<![A-Za-z])(nan|NaN|NAN|inf|-inf|Infinity|<NA>|NaT|None|null)(?![A-Za-z])")
# The profile (tests/conftest.py) sets how many datasets are generated. "ci" (the default: derandomized, so every
# run draws the same ones) keeps the module to about a minute: a few datasets for the figures, and the pages for the
# first two the dear property draws (Hypothesis tries the simplest valid dataset first: one community, required
# columns only) besides the kept ones, whose briefing files are built too. "deep" (by hand) generates many more and
# builds the briefing's files for every one of them.
QUICK = settings.default.max_examples < 20
CHEAP = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
DEAR = settings(
    max_examples=2 if QUICK else max(1, settings.default.max_examples // 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def kept(path: Path) -> Spec:
    return Spec.from_json(path.read_text(encoding="utf-8"))


def with_kept(paths: list[Path], **more: object):
    """Replay the datasets kept under tests/fixtures/generated before the generated ones, in alternate languages."""

    def decorate(test):
        for number, path in enumerate(paths):
            test = example(spec=kept(path), lang=("zh", "en")[number % 2], **more)(test)
        return test

    return decorate


# --- the dataset, imported --------------------------------------------------------------------------------------


def imported(spec: Spec, url: str) -> Dataset:
    """Import the spec's files in order through ``importing.import_bytes``; every one must be accepted."""
    database.engine_for.cache_clear()
    engine = database.engine_for(url)
    try:
        for file in spec.files:
            result = importing.import_bytes(engine, file.data(), file.name, user="generated")
            errors = [e["message"] for e in result.report.as_dict("en")["errors"][:5]]
            assert result.version, f"a valid {file.table} file was refused: {errors}"
            assert result.report.table == file.table
        return store.load_dataset(engine)
    finally:
        engine.dispose()


def data_strings(ds: Dataset) -> list[str]:
    """Every text that came from the files (names may well contain "nan" or "None"), longest first."""
    texts: set[str] = set()
    for frame, columns in (
        (ds.communities, ["community_id", "name_zh", "name_en", "subdistrict", "brand_name"]),
        (ds.activities, ["community_id", "title"]),
    ):
        for column in columns:
            for value in frame[column].dropna().astype(str):
                texts |= {value, md_escape(value), json.dumps(value)[1:-1]}
    return sorted((t for t in texts if t), key=len, reverse=True)


def test_no_message_says_nan_none_or_inf_as_a_word():
    """So any such word on a page or in a briefing is a placeholder that slipped through, never our wording."""
    texts = {(key, lang): re.sub(r"\{[^}]*\}", " ", text) for key, forms in catalogue().items() for lang, text in forms.items()}
    assert not {where: text for where, text in texts.items() if NOT_A_FIGURE.search(text)}


def bad_words(text: str, known: list[str]) -> list[str]:
    """NaN, inf and placeholders in ``text`` once the data's own strings are taken out."""
    for value in known:
        text = text.replace(value, " ")
    return NOT_A_FIGURE.findall(text)


def districts_by_size(ds: Dataset) -> tuple[str | None, str]:
    """A district with exactly one community (if any) and one with none."""
    counts = ds.communities["district"].value_counts()
    solo = counts[counts == 1].index
    empty = [d for d in config.codes("districts") if d not in counts.index]
    return (str(solo[0]) if len(solo) else None), empty[0]


# --- the cheap property: figures, charts and the briefing's words -------------------------------------------------


def _finite_chart(name: str, chart) -> None:
    if chart is None:
        return
    spec = json.dumps(chart.to_dict(validate=False), allow_nan=True)  # the pages' st.altair_chart validates it
    assert "NaN" not in spec and "Infinity" not in spec, f"the {name} chart carries NaN or Infinity"


def check_figures(ds: Dataset, lang: str) -> None:
    """The figures and charts of every page for the city and each district, and the briefing's text.

    The quick profile takes the city, the one-community district, the largest one and an empty one only.
    """
    known = data_strings(ds)
    solo, empty = districts_by_size(ds)
    districts = sorted(set(ds.communities["district"]))
    if QUICK:
        districts = [d for d in districts if d in {solo, *ds.communities["district"].value_counts().index[:1]}]
    for district in [None, *districts, empty]:
        f = Filters(districts=(district,) if district else ())
        scoped = apply_filters(ds, f, dates=False)
        day = default_period(ds).end
        headline = queries.headline(scoped, day)
        assert all(fig.value is None or math.isfinite(fig.value) for fig in headline.values()), headline
        progress = queries.district_progress(scoped, day)
        for name, chart in (
            ("district progress", charts.district_progress_chart(progress, lang)),
            ("funnel", charts.funnel_chart(queries.funnel(scoped), lang)),
            ("monthly", charts.monthly_chart(queries.monthly_activity(scoped), lang, measure="participants")),
            ("satisfaction", charts.satisfaction_chart(queries.satisfaction_trend(scoped), lang)),
            ("type mix", charts.type_mix_chart(scoped.communities, lang)),
            *_stage_charts(scoped, day, lang),
        ):
            _finite_chart(name, chart)
        if district not in (None, solo, empty):
            continue  # the briefing's words: for the city, a one-community district and an empty one
        briefing = content.build(ds, default_period(ds, district), lang)
        words = [briefing.title, briefing.dates, briefing.source, *briefing.summary]
        for slide in briefing.slides:
            words += [slide.title, slide.subtitle, slide.notes, *slide.bullets]
            words += [f"{c.label} {c.value} {' '.join(c.details)}" for c in slide.cards]
        assert not bad_words("\n".join(words), known), [w for w in words if bad_words(w, known)][:5]
    for community_id in ds.communities["community_id"]:
        assert profiles.build(ds, community_id) is not None
    assert solo is None or (ds.communities["district"] == solo).sum() == 1


def _stage_charts(scoped: Dataset, day, lang: str) -> list[tuple[str, object]]:
    """The stage views of a scope as at ``day`` (and the figures command's numbers, which must add up)."""
    named = pace.naming_pace(scoped, day)
    figures = snapshot.figures_at(scoped, day)
    assert figures["communities"] == sum(figures["stages"].values()) == len(stage_dating.as_at(scoped, day))
    assert len(stages.stuck(scoped, day)) <= len(scoped.communities)
    found = [
        ("funnel as at", charts.funnel_chart(queries.funnel(scoped, day), lang)),
        ("naming pace", pace_charts.naming_pace_chart(named.total, named.target, named.projected, day, lang)),
        (
            "naming by district",
            pace_charts.naming_pace_by_district(named.by_district, named.targets, named.projections, day, lang),
        ),
        ("stages by month", stage_charts.funnel_over_time_chart(stages.stage_counts_by_month(scoped, day), lang)),
    ]
    for by in ("district", "characteristic"):
        summary = stages.time_in_stage(scoped, by)
        found.append(("time in stage", stage_charts.time_in_stage_chart(summary, by, lang, stages.step_order())))
    for community_id in scoped.communities["community_id"][:2]:
        dated = stages.milestones(scoped, community_id).dropna(subset=["date"])
        acts = scoped.activities[scoped.activities["community_id"] == community_id]
        found.append(("profile time line", stage_charts.profile_timeline_chart(dated, acts, lang)))
    return found


@CHEAP
@with_kept([path for path in KEPT if path.stem.startswith("found-") or not QUICK])  # ci: issue-* run in full below
@given(spec=specs(), lang=hs.sampled_from(["zh", "en"]))
def test_every_valid_dataset_imports_and_its_figures_compute(spec, lang, tmp_path_factory):
    note(spec.to_json())
    url = f"sqlite:///{tmp_path_factory.mktemp('gen') / 'gen.db'}"
    check_figures(imported(spec, url), lang)


# --- the dear property: every page under AppTest, and the briefing's files -----------------------------------------


@pytest.fixture
def served(monkeypatch):
    """Pages run through app.py as on a server past its first run (tests/test_desk.py says why); cheap passwords."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    monkeypatch.setattr(auth, "_hasher", FAST_ARGON2)
    monkeypatch.delenv("DASHBOARD_LANG", raising=False)


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    database.engine_for.cache_clear()


def shown_text(at: AppTest) -> str:
    """What the page says: headings, Markdown, captions, notices, figures, labels, choices, table cells and HTML."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "text", "code"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    parts += [e.label for kind in ("expander", "tabs", "button", "selectbox", "multiselect", "radio") for e in getattr(at, kind)]
    parts += [str(o) for kind in ("selectbox", "multiselect", "radio") for e in getattr(at, kind) for o in e.options]
    parts += [str(e.value) for e in at.toast]
    parts += [re.sub(r"<[^>]+>", " ", e.proto.body) for e in at.get("html")]
    for element in at.dataframe:  # what the table shows: a Styler's display values where it has one
        styled = element.proto.arrow_data.styler.display_values
        parts += [(pa.ipc.open_stream(styled).read_pandas() if styled else element.value).to_string()]
    return "\n".join(parts)


def assert_page_fine(at: AppTest, where: str, known: list[str]) -> None:
    """No exception, no error box, no NaN or inf where a figure belongs (tables, maps and charts included)."""
    assert not at.exception, (where, [e.value for e in at.exception])
    assert not at.error, (where, [e.value for e in at.error])
    text = bad_text(shown_text(at), known)
    found = [text[max(0, m.start() - 80) : m.end() + 20] for m in NOT_A_FIGURE.finditer(text)]
    assert not found, (where, found)
    for frame in (e.value for e in at.dataframe):
        numbers = frame.select_dtypes("number")
        assert not numbers.isin([math.inf, -math.inf]).any().any(), (where, "a table shows inf")
    for element in at.get("component_instance"):
        assert not re.search(r"\bNaN\b|\bInfinity\b", bad_text(element.proto.json_args, known)), (where, "a map carries NaN")
    for element in at.get("vega_lite_chart"):  # inline values; the charts' datasets are checked by check_figures
        assert not re.search(r"\bNaN\b|\bInfinity\b", bad_text(element.proto.spec, known)), (where, "a chart carries NaN")


@pytest.mark.parametrize(
    ("shown", "caught"),
    [
        ('st.metric("满意度", "nan")', True),
        ('st.selectbox("社区", ["None"])', True),
        ('st.expander("<NA> 户")', True),
        ('st.dataframe({"完成率": [float("inf")]})', True),
        ('st.markdown("Infinity%")', True),
        ('st.markdown("社区 None 的满意度 —")', False),  # a community named "None" is the data's, not a placeholder
        ('st.markdown("information, nanometre, Nanjing")', False),
    ],
)
def test_the_page_check_catches_placeholders_but_not_the_datas_own_words(shown, caught):
    at = AppTest.from_string(f"import streamlit as st\n{shown}").run()
    try:
        assert_page_fine(at, "sample", ["社区 None"])
    except AssertionError:
        assert caught, shown
    else:
        assert not caught, shown


def bad_text(text: str, known: list[str]) -> str:
    for value in known:
        text = text.replace(value, " ")
    return text


class Reader:
    """One reader going from page to page in one session (one AppTest), as through the menu.

    A new AppTest first scans every installed package for Streamlit components (about 0.7 s of CPU here);
    one per dataset instead of one per page keeps the page runs at about a third of their cost. The first
    page read is a first visit; the page's own parameters (layer, community, slide) are set for each page.
    """

    def __init__(self, lang: str) -> None:
        self.at = AppTest.from_file(str(APP), default_timeout=90)
        self.at.query_params["lang"] = lang

    def open(self, page: str, **params: str) -> AppTest:
        at = self.at
        for key in state.PAGE_PARAMS:
            at.query_params.pop(key, None)
        at.query_params.update(params)
        at.switch_page(f"pages/{page}.py")
        return at.run()


def check_pages(spec: Spec, ds: Dataset, lang: str) -> None:
    """Every page for this dataset: none raises, shows an error, or shows NaN or inf."""
    known, reader = data_strings(ds), Reader(lang)
    for layer in ("type", "stage", "progress"):
        assert_page_fine(reader.open("map", layer=layer), f"map {layer}", known)
    for page in ("overview", "progress"):
        assert_page_fine(reader.open(page), page, known)
    for community_id in ds.communities["community_id"]:
        at = reader.open("profile", community=community_id)
        assert_page_fine(at, f"profile {community_id}", known)
        row = ds.communities.set_index("community_id").loc[community_id]
        assert [t.value for t in at.title] == [md_escape(community_name(row, lang))]
    slides = len(content.build(ds, default_period(ds), lang).slides)
    for number in range(1, slides + 1):
        at = reader.open("present", slide=str(number))
        assert_page_fine(at, f"slide {number}", known)
    at = reader.open("history")
    for table in TABLES:
        at.segmented_control(key="hist_tbl").set_value(table).run()
        assert_page_fine(at, f"history {table}", known)
    check_desk(reader, spec, lang, known)
    check_staff_views(reader, known)


def check_desk(reader: Reader, spec: Spec, lang: str, known: list[str]) -> None:
    """An admin signs in and uploads each generated file again: the preview shows, with no error."""
    at = reader.open("desk")
    at.text_input(key="signin_name").input("ed")
    at.text_input(key="signin_password").input(PASSWORD)
    next(b for b in at.button if b.label == t("desk.sign_in", lang)).click()
    at.run()
    assert len(at.file_uploader) == 1, [e.value for e in at.error]
    for file in spec.files:
        at.file_uploader[0].set_value((file.name, file.data(), "application/octet-stream"))
        at.run()
        assert_page_fine(at, f"desk {file.table}", known)
        assert at.success, f"the desk did not accept {file.table} again"


def check_staff_views(reader: Reader, known: list[str]) -> None:
    """The signed-in reader's reporting status (every district a row) and audit log (the imports and checks listed)."""
    at = reader.open("reporting")
    assert_page_fine(at, "reporting", known)
    assert len(at.dataframe) == 2 and len(at.dataframe[0].value) == len(config.codes("districts"))
    at = reader.open("audit")
    assert_page_fine(at, "audit", known)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) > 0, "the audit log lists no checks or sign-ins"


def check_briefings(ds: Dataset, lang: str) -> None:
    """The briefing's PPTX, PDF and ZIP for the city, a district with one community and one with none."""
    from dashboard.briefing.deck import deck_bytes
    from dashboard.briefing.pdf import pdf_bytes

    solo, empty = districts_by_size(ds)
    for district in dict.fromkeys([None, solo, empty]):
        briefing = content.build(ds, default_period(ds, district), lang)
        images = bundle.chart_images(briefing, scale=1)  # the pictures at screen size: the same charts, quicker
        assert deck_bytes(briefing, images).startswith(b"PK")
        assert pdf_bytes(briefing, images).startswith(b"%PDF")
        assert bundle.zip_bytes(briefing, images).startswith(b"PK")


def check_everything(spec: Spec, lang: str, folder: Path, files: bool = True) -> None:
    url = f"sqlite:///{folder / 'every.db'}"
    ds = imported(spec, url)
    engine = database.engine_for(url)
    auth.add_user(engine, "ed", PASSWORD, "admin")  # the desk, the reporting status and the audit log
    for file in spec.files:  # the history page's downloads: every table as CSV and Excel, formula cells neutralised
        frame = contract_frame(file.table, store.load_table(engine, file.table))
        assert table_bytes(frame, "csv") and table_bytes(frame, "xlsx", sheet=file.table).startswith(b"PK")
    engine.dispose()
    _clear_caches()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_DATABASE_URL", url)
        try:
            check_pages(spec, ds, lang)
            if files:
                check_briefings(ds, lang)
        finally:
            _clear_caches()


@DEAR
@with_kept([path for path in KEPT if path.stem.startswith("issue-")], files=True)
@with_kept([path for path in KEPT if path.stem.startswith("page-")], files=False)
@given(spec=specs(), lang=hs.sampled_from(["zh", "en"]), files=hs.just(not QUICK))
def test_every_valid_dataset_renders_on_every_page_and_in_every_file(spec, lang, files, served, tmp_path_factory):
    """The briefing's files for the kept datasets always, for generated ones in the deep profile (their text: above)."""
    note(spec.to_json())
    check_everything(spec, lang, tmp_path_factory.mktemp("every"), files)
