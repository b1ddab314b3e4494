"""What each page shows, through Streamlit's AppTest, on a small dataset whose figures are known.

The fixture data (tests/fixtures/p_*.csv) has 8 communities in 3 districts
and a last activity on 2025-06-20, which is the reference day:

- chengdong: 晨光 (health, named), 朝阳 (caring, building), 绿水 (green, applied)
- chengzhong: 清风 (clean_government, named), 仁和 (caring, assessed),
  静安 (harmony, building, silent since 2025-03-15: 97 days)
- chengxi: 金桥 (caring, named), 和睦 (ethnic_unity, applied)

Activities (10 participants and 2 volunteer hours each): 9 from 1 to 20 June,
6 from 1 to 20 May, none from 1 to 20 April. Year to date 12 / 8 / 9 against
targets 20 / 40 / 15 (chengzhong is behind pace). Satisfaction averages 81.0
in June and 80.5 in May; 仁和 fell from 82 (March) to 76 (June).

Every test opens the app the way a visitor's first request does: the URL's
page and query parameters, then one run of app.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.ingest import importing
from dashboard.storage import database

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(path.name for path in (ROOT / "pages").glob("*.py"))
TABLES = ("communities", "activities", "surveys", "targets")

NO_SIDEBAR = {"present.py"}  # app.py leaves the projector without a sidebar
CJK = re.compile(r"[\u4e00-\u9fff]")

JINQIAO, CHENGUANG, JINGAN, RENHE = "630104009001", "630102009001", "630103009003", "630103009002"


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> str:
    """A SQLite file holding the p_*.csv fixture data, as the data desk would import it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.db'}"
    engine = database.engine_for(url)
    for table in TABLES:
        result = importing.import_path(engine, FIXTURES / f"p_{table}.csv", table=table, mode="replace", user="test")
        assert result.version, result.report.as_dict("en")
    engine.dispose()
    database.engine_for.cache_clear()
    return url


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    database.engine_for.cache_clear()


@pytest.fixture(autouse=True)
def app_database(fixture_db, monkeypatch):
    """Every test reads the fixture database, with no figure cached by another test."""
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", fixture_db)
    monkeypatch.delenv("DASHBOARD_LANG", raising=False)
    _clear_caches()
    yield
    _clear_caches()


def open_page(page: str = "overview", **params: str) -> AppTest:
    """The app as a visitor opening ``/<page>?<params>`` sees it."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- reading what is shown -------------------------------------------------------------------------------------


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """Label → (value, delta) of every metric."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.main.subheader]


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown]


def folium_maps(at: AppTest) -> list[dict]:
    """The json arguments of every st_folium element."""
    return [
        json.loads(e.proto.json_args)
        for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    ]


def map_points(args: dict) -> list[str]:
    """The community ids drawn as points on one map (district outlines have no id).

    The points' data is a JSON block in the map's HTML, read by the script by its id.
    """
    ids = []
    for block_id in re.findall(r'getElementById\("([^"]+)"\)', args["script"]):
        block = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', args["html"], re.S)
        assert block, f"the map's script reads a data block that is not in its HTML: {block_id}"
        data = json.loads(block.group(1))
        ids += [f["properties"]["id"] for f in data.get("features", []) if f["geometry"]["type"] == "Point"]
    return ids


def map_legend_title(args: dict) -> str:
    literal = re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', args["script"])
    assert literal, "the map has no legend"
    title = re.search(r'font-weight:700;margin-bottom:3px">([^<]*)</div>', json.loads(literal.group(1)))
    assert title
    return title.group(1)


def charts(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of the page's charts."""
    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def title_text(title) -> str:
    """A spec's title as one line: its text, the lines joined (a chart in a narrow column has its title in lines;
    they break at a space, which comes back, or between CJK characters, where none was)."""
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, str):
        return title
    joined = ""
    for line in title if isinstance(title, list) else []:
        gap = "" if not joined or CJK.search(joined[-1] + line[:1]) else " "
        joined += gap + line
    return joined


def chart_titles(at: AppTest) -> list[str]:
    return [title_text(spec.get("title")) for spec in charts(at)]


def table(at: AppTest, *columns: str):
    """The one table shown with all these column headers (tables without selection carry no key)."""
    found = [e.value for e in at.main.dataframe if set(columns) <= set(e.value.columns)]
    assert len(found) == 1, f"{len(found)} tables with columns {columns}"
    return found[0]


# --- every page ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_from_a_bookmark(page):
    """A first visit to ``/<page>?lang=en&district=chengxi`` runs app.py: its language, filters and sidebar.

    Streamlit runs a file of pages/ by itself on a first visit unless the page
    calls ``state.require_app()`` first.
    """
    at = open_page(page.removesuffix(".py"), lang="en", district="chengxi")
    headings = [h.value for h in (*at.main.title, *at.main.header, *at.main.subheader)]
    assert headings, "nothing titles the page"
    ran_app = "lang" in at.session_state and at.session_state["lang"] == "en"
    assert ran_app, f"{page} ran without app.py (no language from the URL): call state.require_app() first"
    assert at.session_state["filters"].districts == ("chengxi",)
    assert not CJK.search(headings[0]), f"{page} is not in English: {headings[0]}"
    if page not in NO_SIDEBAR:
        assert [m.label for m in at.sidebar.multiselect] == ["District", "Characteristic type", "Stage"]
        assert at.sidebar.multiselect(key="f_district").value == ["chengxi"]


@pytest.mark.parametrize(
    "page, lang, name, value, words",
    [
        ("overview", "en", "DASHBOARD_UPLOAD_LIMIT_MB", "abc", ["DASHBOARD_UPLOAD_LIMIT_MB=abc", "a number greater than 0"]),
        ("map", "zh", "DASHBOARD_BASEMAP", "foo", ["DASHBOARD_BASEMAP=foo", "none, osm, gaode, tianditu 之一"]),
        ("desk", "en", "DASHBOARD_LANG", "fr", ["DASHBOARD_LANG=fr", "one of zh, en"]),
    ],
)
def test_a_refused_setting_stops_the_app_with_one_message(monkeypatch, page, lang, name, value, words):
    monkeypatch.setenv(name, value)
    at = open_page(page, lang=lang)
    [error] = at.error
    assert all(w in error.value for w in words), error.value
    assert not at.title and not at.metric  # stopped before any page ran


PROBE_APP = """
import streamlit as st
st.session_state["app_runs"] = st.session_state.get("app_runs", 0) + 1
st.navigation([st.Page("pages/home.py", default=True), st.Page("pages/probe.py")]).run()
"""
PROBE_PAGE = """
import streamlit as st
{guard}
st.write("app runs: " + str(st.session_state.get("app_runs", 0)))
"""


@pytest.mark.parametrize(("guard", "runs_after_switch"), [("", 1), ("from dashboard.ui import state; state.require_app()", 2)])
def test_require_app_still_means_what_streamlit_means(tmp_path, monkeypatch, guard, runs_after_switch):
    """state.require_app leans on ``PagesManager.uses_pages_directory``, which is not public API.

    Its meaning, checked on a two-page probe app: while the flag is set (a
    ``pages/`` folder beside the main script, before ``st.navigation`` ran),
    Streamlit runs a page file on its own, without the main script (the probe
    counts the main script's runs); a page that calls ``require_app`` first
    is run through the main script instead. If Streamlit changes what the flag
    does, one of the two cases fails.
    """
    from streamlit.runtime.pages_manager import PagesManager

    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text(PROBE_APP, encoding="utf-8")
    (tmp_path / "pages" / "home.py").write_text('import streamlit as st\nst.write("home")\n', encoding="utf-8")
    (tmp_path / "pages" / "probe.py").write_text(PROBE_PAGE.format(guard=guard), encoding="utf-8")
    monkeypatch.syspath_prepend(str(ROOT))

    PagesManager.uses_pages_directory = None
    PagesManager(str(tmp_path / "app.py"))
    assert PagesManager.uses_pages_directory is True, "Streamlit no longer flags an app with a pages/ folder"

    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=30).run()
    assert PagesManager.uses_pages_directory is False, "st.navigation no longer clears the flag"
    at.switch_page("pages/probe.py").run()
    assert not at.exception
    assert [m.value for m in at.markdown] == [f"app runs: {runs_after_switch}"]


# --- overview --------------------------------------------------------------------------------------------------


def test_overview_headline_figures():
    at = open_page()
    assert titles(at) == ["总览"]
    assert at.main.caption[0].value.startswith("西宁市全部区县 · 数据截至 2025年6月20日")
    assert metrics(at) == {
        "参与社区": ("8", ""),
        "已命名品牌": ("3", ""),
        "2025年命名目标完成率": ("60%", ""),  # 3 named of a target of 2 + 2 + 1
        "平均满意度": ("81.0", "+0.5"),
        "本月活动": ("9", "+3"),  # 1-20 June against 1-20 May
        "本月参与人次": ("90", "+30"),
        # 29 activities this year; the 170 days before reach back past the first activity (10 October 2024), so
        # there is nothing to compare with: no change is shown rather than one against days nobody recorded.
        "2025年志愿服务时长": ("58", ""),
    }


@pytest.mark.parametrize("page", ["overview", "progress"])
def test_a_type_or_stage_filter_says_targets_are_per_district(page):
    note = "目标按区县设定，不分特色类型和创建阶段"
    assert not any(note in c.value for c in open_page(page).main.caption)
    assert not any(note in c.value for c in open_page(page, district="chengzhong").main.caption)
    for chosen in ({"type": "caring"}, {"stage": "building"}):
        assert any(note in c.value for c in open_page(page, **chosen).main.caption), chosen
    english = open_page(page, lang="en", type="caring")
    assert any("Targets are set per district, not per type or stage" in c.value for c in english.main.caption)


def test_overview_volunteer_hours_of_a_chosen_period_against_the_one_before():
    """1 March - 20 June (112 days) against 9 November - 28 February, which the data covers."""
    at = open_page(**{"from": "2025-03-01", "to": "2025-06-20"})
    assert metrics(at)["期间志愿服务时长"] == ("46", "+24")


def test_changing_a_district_keeps_the_default_period():
    """The date box shows the whole range until one is picked: a district alone adds no dates to the link."""
    at = open_page()
    at.sidebar.multiselect(key="f_district").select("chengzhong").run()
    assert "from" not in at.query_params and "to" not in at.query_params
    assert "2025年志愿服务时长" in metrics(at)


def test_overview_needs_attention_lists():
    at = open_page()
    assert subheaders(at)[-1] == "需要关注"
    assert "**连续 60 天以上无活动** · 1" in markdown(at)
    silent = table(at, "间隔天数", "档案")
    assert silent["社区"].tolist() == ["静安社区"]
    assert silent["间隔天数"].tolist() == [97]
    assert silent["档案"].tolist() == [f"./profile?community={JINGAN}&lang=zh"]

    assert "**2025年进度落后于目标的区县** · 1" in markdown(at)
    behind = table(at, "年内已开展")
    assert behind["区县"].tolist() == ["城中区"]
    assert behind["年内已开展"].tolist() == [8]

    assert "**满意度下降（近3个月）** · 1" in markdown(at)
    falling = table(at, "变化")
    assert falling["社区"].tolist() == ["仁和社区"]
    assert falling["变化"].tolist() == [-6.0]


def test_overview_map_and_chart():
    at = open_page()
    [overview_map] = folium_maps(at)
    assert sorted(map_points(overview_map)) == sorted(
        ["630102009001", "630102009002", "630102009003", "630103009001", "630103009002", JINGAN, JINQIAO, "630104009002"]
    )
    assert all(link.startswith("../../app/static/") for link in overview_map["js_links"] + overview_map["css_links"])
    assert len(charts(at)) == 1
    chart_files = [(b.key, b.label) for b in at.get("download_button") if b.key.startswith("overview_progress_")]
    # a layered chart: its CSV holds the bars' rows (its first layer's)
    assert chart_files == [("overview_progress_png", "PNG"), ("overview_progress_svg", "SVG"), ("overview_progress_csv", "CSV")]


def test_a_rerun_shows_the_same_map_without_serialising_the_points_again(monkeypatch):
    """The points are serialised once per content and st_folium sends the very same component on a rerun.

    A different script or key on the second run would remount the map in the
    browser and lose a click.
    """
    from dashboard.render import maps

    at = open_page("map")
    first = [e.proto for e in at.get("component_instance")]
    made = []
    monkeypatch.setattr(maps, "point_payload", lambda *a, **k: made.append(1))
    at.run()
    again = [e.proto for e in at.get("component_instance")]
    assert made == [], "the points were serialised again for the same content"
    assert [(p.id, p.json_args) for p in again] == [(p.id, p.json_args) for p in first]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"district": "chengxi"},
            {
                "参与社区": ("2", ""),
                "已命名品牌": ("1", ""),
                "2025年命名目标完成率": ("100%", ""),
                "平均满意度": ("81.0", "+2.0"),
                "本月活动": ("3", "+1"),
            },
        ),
        ({"type": "caring"}, {"参与社区": ("3", ""), "已命名品牌": ("1", ""), "本月活动": ("5", "+2")}),
        ({"stage": "named"}, {"参与社区": ("3", ""), "已命名品牌": ("3", ""), "本月活动": ("6", "+3")}),
        ({"district": "chengdong,chengxi", "stage": "applied"}, {"参与社区": ("2", ""), "已命名品牌": ("0", "")}),
        ({"to": "2025-05-20"}, {"参与社区": ("8", ""), "本月活动": ("6", "+6"), "平均满意度": ("80.5", "+0.2")}),
        ({"from": "2025-06-01"}, {"期间志愿服务时长": ("18", "+10")}),  # 9 activities; 4 in the 19 days before
    ],
)
def test_url_filters_change_the_figures(params, expected):
    shown = metrics(open_page(**params))
    assert {label: shown[label] for label in expected} == expected


def test_date_range_moves_the_reference_day():
    """Up to 20 May, 绿水 (last activity 25 January) is silent too, and the caption says so."""
    at = open_page(to="2025-05-20")
    assert "数据截至 2025年5月20日" in at.main.caption[0].value
    assert table(at, "间隔天数", "档案")["社区"].tolist() == ["绿水社区", "静安社区"]


def test_district_filter_empties_attention_lists():
    at = open_page(district="chengxi")
    assert at.main.caption[0].value.startswith("城西区 · ")
    assert [s.value for s in at.success] == [
        "所有社区在近 60 天内均有活动。",
        "所有区县均达到或超过目标进度。",
        "没有社区满意度下降 3 分以上。",
    ]
    assert len(map_points(folium_maps(at)[0])) == 2


# --- map ---------------------------------------------------------------------------------------------------------


def test_map_shows_every_community_by_type():
    at = open_page("map")
    assert titles(at) == ["地图"]
    [main_map] = folium_maps(at)
    assert len(map_points(main_map)) == 8
    assert main_map["returned_objects"] == ["last_active_drawing"]
    assert map_legend_title(main_map) == "特色类型"
    assert "共 8 个社区" in at.main.caption[1].value


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"district": "chengxi"}, {JINQIAO, "630104009002"}),
        ({"type": "caring"}, {"630102009002", RENHE, JINQIAO}),
        ({"district": "chengzhong", "stage": "building"}, {JINGAN}),
    ],
)
def test_map_points_follow_the_url_filters(params, ids):
    [main_map] = folium_maps(open_page("map", **params))
    assert set(map_points(main_map)) == ids
    assert len(map_points(main_map)) == len(ids)


@pytest.mark.parametrize(
    ("layer", "legend_zh", "legend_en", "chart"),
    [
        ("type", "特色类型", "Characteristic type", "各特色类型社区数"),
        ("stage", "创建阶段", "Brand-creation stage", "品牌创建进程：各区县社区所处阶段"),
        ("progress", "品牌创建进度", "Brand-creation progress", "各区县命名社区目标完成率"),
    ],
)
def test_map_layer_switch_changes_the_legend_and_the_chart(layer, legend_zh, legend_en, chart):
    at = open_page("map")
    at.segmented_control(key="w_layer").set_value(layer).run()
    assert map_legend_title(folium_maps(at)[0]) == legend_zh
    assert chart_titles(at) == [chart]  # the chart under the map says in figures what the map shows
    assert at.query_params["layer"] == layer
    assert len(map_points(folium_maps(at)[0])) == 8

    english = open_page("map", lang="en", layer=layer)  # the layer is bookmarkable
    assert map_legend_title(folium_maps(english)[0]) == legend_en


# --- progress ------------------------------------------------------------------------------------------------------


def test_progress_sections_and_charts():
    at = open_page("progress")
    assert titles(at) == ["创建进度"]
    assert subheaders(at) == [
        "各区县品牌创建漏斗",
        "2025年活动数与目标进度对比",
        "2025年命名进度",
        "各阶段逐月进展",
        "阶段用时",
        "各类别每月参与情况",
        "居民满意度：平均值与分布",
        "社区排名",
    ]
    assert len(charts(at)) == 8  # naming pace for the scope and per district, stages by month, time in stage among them
    assert all(" — " in spec.get("description", "") for spec in charts(at))  # each named: title — figure
    assert all(e.proto.alt == "" for e in at.get("vega_lite_chart"))  # one name only (alt= too: a logged warning)
    ranked = table(at, "#")
    assert len(ranked) == 8
    assert ranked.iloc[0][["社区", "活动次数", "间隔天数"]].tolist() == ["金桥社区", 7, 0]
    assert "共 8 个社区" in [c.value for c in at.main.caption]
    naming_files = [b.label for b in at.get("download_button") if b.key.rsplit("_", 1)[0] == "chart_naming_pace"]
    assert naming_files == ["PNG", "SVG", "CSV"]  # the pace table behind the chart as CSV too
    for chart_key in ("chart_funnel", "chart_pace", "chart_monthly", "chart_satisfaction"):  # layered ones too
        assert [b.label for b in at.get("download_button") if b.key.rsplit("_", 1)[0] == chart_key] == ["PNG", "SVG", "CSV"]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"district": "chengxi"}, 2),
        ({"type": "caring"}, 3),
        ({"district": "chengxi", "type": "caring"}, 1),
        ({"stage": "applied,building"}, 4),
    ],
)
def test_progress_ranking_has_one_row_per_filtered_community(params, count):
    at = open_page("progress", **params)
    assert len(table(at, "#")) == count
    assert f"共 {count} 个社区" in [c.value for c in at.main.caption]
    assert len(charts(at)) == (7 if "district" in params else 8)  # one district: no naming pace per district


def test_progress_date_range_counts_activities_in_range():
    ranked = table(open_page("progress", **{"from": "2025-06-01", "to": "2025-06-20"}), "#")
    assert ranked.set_index("社区")["活动次数"].to_dict() == {
        "金桥社区": 3,
        "晨光社区": 2,
        "朝阳社区": 1,
        "绿水社区": 1,
        "清风社区": 1,
        "仁和社区": 1,
        "静安社区": 0,
        "和睦社区": 0,
    }


def test_progress_measure_switch_changes_the_monthly_chart():
    at = open_page("progress")
    before = charts(at)[-2]  # the monthly chart, before the satisfaction chart
    at.segmented_control(key="w_measure").set_value("volunteer_hours").run()
    after = charts(at)[-2]
    assert json.dumps(before["encoding"]) != json.dumps(after["encoding"])
    assert "volunteer_hours" in json.dumps(after["encoding"])


# --- profile -------------------------------------------------------------------------------------------------------


def test_profile_of_a_community():
    at = open_page("profile", community=JINQIAO)
    assert titles(at) == ["金桥社区"]
    assert at.main.caption[0].value == "Jinqiao Community"
    assert "**品牌:** 爱心之家  \n**街道:** 城西区 · 西关大街街道" in markdown(at)
    assert ":violet-badge[♥ 关爱帮扶]" in markdown(at)
    assert metrics(at) == {
        "户数": ("3,000", ""),
        "累计活动": ("7", ""),
        "最近一次活动": ("2025-06-20", ""),
        "最新满意度": ("82.0", ""),
    }
    assert len(table(at, "日期")) == 7
    assert len(charts(at)) == 3  # activities, stages and activities on one time line, satisfaction
    [small_map] = folium_maps(at)
    assert len(map_points(small_map)) == 8
    assert f'"id": "{JINQIAO}"' in small_map["html"] and '"sel": 1' in small_map["html"]
    assert at.query_params["community"] == JINQIAO


def test_profile_in_english():
    at = open_page("profile", community=CHENGUANG, lang="en")
    assert titles(at) == ["Chenguang Community"]
    assert at.main.caption[0].value == "晨光社区"
    assert metrics(at)["Activities (all time)"] == ("6", "")
    assert "**Brand:** 康乐小屋  \n**Subdistrict:** Chengdong · 东关大街街道" in markdown(at)


def test_profile_of_an_unknown_community():
    at = open_page("profile", community="999999999999")
    assert titles(at) == ["社区档案"]
    assert [e.value for e in at.error] == ["没有编号为 999999999999 的社区。"]
    assert not at.metric and not charts(at)


def test_profile_search_finds_and_opens_a_community():
    at = open_page("profile")
    assert titles(at) == ["社区档案"] and at.info
    at.text_input(key="profile_search").input("康乐").run()
    picker = at.selectbox(key="profile_pick")
    assert picker.options == ["晨光社区 · 城东区"]
    picker.select(CHENGUANG).run()
    assert titles(at) == ["晨光社区"]
    assert at.query_params["community"] == CHENGUANG

    at.text_input(key="profile_search").input("Jinqiao").run()
    assert at.selectbox(key="profile_pick").options == ["金桥社区 · 城西区"]
    at.text_input(key="profile_search").input("没有这个").run()
    assert [w.value for w in at.warning] == ["没有与“没有这个”匹配的社区。"]


# --- filters that match nothing, and the language ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["overview", "map", "progress"])
def test_filters_matching_nothing_show_the_notice_and_no_charts(page):
    at = open_page(page, district="chengxi", type="green")
    assert [i.value for i in at.info] == ["没有符合筛选条件的社区。请在侧边栏放宽筛选条件或重置。"]
    assert not at.metric and not charts(at) and not folium_maps(at)


@pytest.mark.parametrize(
    ("page", "zh", "en"),
    [
        ("overview", "总览", "Overview"),
        ("map", "地图", "Map"),
        ("progress", "创建进度", "Progress"),
        ("profile", "社区档案", "Community profile"),
    ],
)
def test_language_from_the_url(page, zh, en):
    chinese, english = open_page(page), open_page(page, lang="en")
    assert titles(chinese) == [zh] and titles(english) == [en]
    assert [m.label for m in chinese.sidebar.multiselect] == ["区县", "特色类型", "创建阶段"]
    assert [m.label for m in english.sidebar.multiselect] == ["District", "Characteristic type", "Stage"]


def test_english_overview_labels_and_charts():
    at = open_page(lang="en")
    assert list(metrics(at)) == [
        "Communities enrolled",
        "Named brands",
        "Named target met (2025)",
        "Average satisfaction",
        "Activities this month",
        "Participants this month",
        "Volunteer hours in 2025",
    ]
    assert subheaders(at) == ["Where the communities are", "Progress by district", "Needs attention"]
    assert at.main.caption[0].value.startswith("Xining, all districts · Data as of 20 Jun 2025")
    silent = table(at, "Days since", "Profile")
    assert silent.columns.tolist() == ["Community", "Days since", "District", "Profile"]
    assert silent["Community"].tolist() == ["Jing'an Community"]
    assert silent["Profile"].tolist() == [f"./profile?community={JINGAN}&lang=en"]  # a link opens a new session
    assert all(chart_titles(at)) and not CJK.search(" ".join(chart_titles(at)))


def test_language_switch_in_the_sidebar():
    at = open_page("progress")
    at.sidebar.segmented_control(key="w_lang").set_value("en").run()
    assert titles(at) == ["Progress"]
    assert subheaders(at)[0] == "Brand-creation funnel by district"
    assert at.query_params["lang"] == "en"
    assert all(chart_titles(at)) and not CJK.search(" ".join(chart_titles(at)))
    at.sidebar.segmented_control(key="w_lang").set_value("zh").run()
    assert titles(at) == ["创建进度"]
    assert at.query_params["lang"] == "zh"


def test_sidebar_filters_write_the_url_and_change_the_page():
    at = open_page("progress")
    at.sidebar.multiselect(key="f_district").select("chengxi").run()
    assert at.query_params["district"] == "chengxi"
    assert len(table(at, "#")) == 2
    at.sidebar.button(key="f_reset").click().run()
    assert "district" not in at.query_params
    assert len(table(at, "#")) == 8
