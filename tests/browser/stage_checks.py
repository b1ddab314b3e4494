"""The stage views in a browser, on the bundled sample: naming pace, stages by month and time in stage (Progress),
stuck communities (Overview), a community's dated stages and time line (Profile), in either language.

These checks run on the page tour's visits (test_accessibility.py): each page is opened once a language, audited,
then checked here, rather than opened again. Expected figures are worked out here from data/sample/communities.csv.
The server loads the sample on its first run, so a blank application date is derived from that import (and kept
no later than the building date).
"""

from __future__ import annotations

import csv
from datetime import date

from harness import DRAWN_CHARTS, ROOT, SAMPLE, expect, wait_for_charts

CHART = '[data-testid="stVegaLiteChart"]'
LAST_DAY = date(2026, 11, 26)  # the sample's last day with activity: the pages' reference day
NAMED_TARGET_2026 = sum(
    int(row["target"])
    for row in csv.DictReader((ROOT / "data/sample/targets.csv").open(encoding="utf-8"))
    if row["year"] == "2026" and row["metric"] == "named_communities"
)
DERIVED = next(row for row in SAMPLE if not row["applied_on"])  # a community whose application date is derived


def _stuck(days: int = 180) -> list[dict]:
    """The sample's communities short of named whose present stage's date is more than ``days`` before LAST_DAY."""
    found = []
    for row in SAMPLE:
        if row["stage"] == "named":
            continue
        since = date.fromisoformat(row[f"{row['stage']}_on"])
        if (LAST_DAY - since).days > days:
            found.append(row)
    return found


def _chart(page, words: str):
    chart = page.locator(CHART, has_text=words)
    expect(chart.locator("svg.marks, canvas").first).to_be_visible()
    return chart.first


PROGRESS_WORDS = {  # the pace chart's title, the monthly and time-in-stage charts, the target, a type and its button
    "zh": ("2026年命名进度：", "品牌创建逐月进展", "阶段用时", f"年度目标 {NAMED_TARGET_2026} 个", "特色类型", "关爱帮扶"),
    "en": (
        "Naming pace 2026:",
        "Brand creation month by month",
        "Time in stage",
        f"Target {NAMED_TARGET_2026}",
        "Characteristic type",
        "Caring",
    ),
}
STUCK_HEADING = {"zh": "同一阶段停留超过 180 天", "en": "In one stage for over 180 days"}
PROFILE_WORDS = {"zh": ("（推算）", "阶段与活动"), "en": ("(derived)", "Stages and activities")}


def progress_draws_the_stage_views(visit, page, lang: str) -> None:
    """The Progress page: the naming pace with its target, by district, by month and time in stage; switching the
    time in stage to characteristic types shows them."""
    pace, by_month, time, target, type_button, type_label = PROGRESS_WORDS[lang]
    wait_for_charts(page, 8)
    naming = _chart(page, pace)
    expect(naming).to_contain_text(target)
    naming.scroll_into_view_if_needed()
    naming.screenshot(path=str(_shot(f"stage-naming-pace-{lang}")))
    districts = _chart(page, "2026年各区县命名进度" if lang == "zh" else "Naming pace 2026 by district")
    districts.screenshot(path=str(_shot(f"stage-naming-pace-districts-{lang}")))
    _chart(page, by_month).screenshot(path=str(_shot(f"stage-funnel-over-time-{lang}")))
    in_stage = _chart(page, time)
    in_stage.screenshot(path=str(_shot(f"stage-time-in-stage-{lang}")))
    page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"] button', has_text=type_button).click()
    visit.settle()
    expect(_chart(page, time)).to_contain_text(type_label)
    assert page.locator(DRAWN_CHARTS).count() >= 8


def overview_lists_the_stuck_communities(page, lang: str) -> None:
    """The Overview: how many communities are in one stage for over 180 days, and their table."""
    heading = STUCK_HEADING[lang]
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text(f"{heading} · {len(_stuck())}")
    table = page.locator('[data-testid="stDataFrame"]').last
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible()
    table.screenshot(path=str(_shot(f"stage-stuck-{lang}")))
    page.locator('[data-testid="stElementContainer"]', has_text=heading).first.screenshot(
        path=str(_shot(f"stage-stuck-heading-{lang}"))
    )


def profile_dates_every_stage_and_draws_the_time_line(page, lang: str) -> None:
    """The profile of DERIVED: its derived application date marked, its building date, the stages' time line."""
    mark, section = PROFILE_WORDS[lang]
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text(mark)
    building = date.fromisoformat(DERIVED["building_on"])
    shown = (
        f"{building.year}年{building.month}月{building.day}日"
        if lang == "zh"
        else f"{building.day} {building:%b} {building.year}"
    )
    expect(main).to_contain_text(shown)
    expect(main.get_by_role("heading", name=section)).to_be_visible()
    timeline = _chart(page, "创建阶段与活动时间轴" if lang == "zh" else "Stages and activities on one")  # its title's first line
    timeline.scroll_into_view_if_needed()
    timeline.screenshot(path=str(_shot(f"stage-profile-timeline-{lang}")))
    steps = page.locator('[data-testid="stHorizontalBlock"]', has_text=mark).first
    steps.screenshot(path=str(_shot(f"stage-profile-steps-{lang}")))


def _shot(name: str):
    folder = ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"
