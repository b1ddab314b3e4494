"""A briefing as a sequence of slides: one model for the presentation page, the deck and the PDF.

The order is a 工作简报's: cover, 工作概况, headline figures (同比 and 环比),
the district ranking, the map, stages (as at the period's end), naming pace, target pace, activities by category,
satisfaction, 典型案例, 存在问题, 下步工作打算, and a closing slide. Each
chart slide also carries the rows it draws (``data``), which the ZIP ships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import config
from dashboard.briefing import chart_data, followup, naming, ranking, talks, wording
from dashboard.briefing import summary as text
from dashboard.briefing.notes import Talk, render
from dashboard.briefing.period import Facts, Period, gather, scope_label, stage_counts
from dashboard.briefing.ranking import Table
from dashboard.briefing.static_map import static_map
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.i18n import community_name, fmt_date, fmt_pct, join_list, t
from dashboard.render import bars, chart_text, charts
from dashboard.render.chart_style import Chart

SATISFACTION_MONTHS = 13  # the latest month and the same month a year earlier are both on the chart


@dataclass
class Card:
    """A headline figure: its label, the value with its unit, and the comparisons under it."""

    label: str
    value: str
    details: list[str] = field(default_factory=list)


@dataclass
class Slide:
    """One slide: a title, then cards, a table, a chart or bullet points, and what the presenter says."""

    key: str
    title: str
    subtitle: str = ""
    cards: list[Card] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    bullets: list[str] = field(default_factory=list)
    notes: str = ""
    data: pd.DataFrame | None = None  # the rows behind the chart or table, with headings in the deck's language
    talk: Talk | None = None

    def picture_text(self) -> str:
        """The text alternative of the slide's picture (page, PPTX, PDF): its chart's title, subtitle and main figure."""
        return self.title if self.chart is None else chart_text.alt_text(self.chart, fallback=self.title)


@dataclass(frozen=True)
class Cover:
    """What the cover says beyond the data: 汇报单位, the meeting and its date (defaults filled in by :func:`build`)."""

    org: str = ""
    meeting: str = ""
    day: date | None = None


@dataclass
class Briefing:
    """Everything a district meeting takes away, in one language."""

    lang: str
    period: Period
    facts: Facts
    title: str
    dates: str
    source: str
    summary: list[str]
    slides: list[Slide]
    org: str
    meeting: str
    meeting_date: str
    ranking: pd.DataFrame


def _b(key: str, lang: str, **values: object) -> str:
    return t(f"brief.{key}", lang, **values)


def _chain_line(f: Facts, measure: str, unit: str, lang: str) -> str:
    """环比 under a card: "11月312次，环比下降3.1%" when the period is a year to date, else the change alone."""
    chain = f.changes[measure]["chain"]
    if chain.span == f.period:
        return wording.change_text(chain, lang)
    month = wording.month_name(chain.span.start, lang)
    return _b(
        "card_month", lang, month=month, amount=wording.amount(chain.now, unit, lang), change=wording.change_text(chain, lang)
    )


def cards(f: Facts, lang: str) -> list[Card]:
    """The six headline figures with units, each flow with its 同比 and 环比."""
    subdistricts = (
        [_b("card_subdistricts", lang, count=wording.amount(f.subdistricts, "subdistricts", lang))] if f.subdistricts else []
    )
    if f.named_target:
        target = wording.amount(f.named_target, "communities", lang)
        named = [_b("card_named_target", lang, target=target, share=fmt_pct(f.named / f.named_target, lang))]
    else:
        named = [_b("card_no_target", lang)]
    out = [
        Card(_b("fig_communities", lang), wording.amount(f.communities, "communities", lang), subdistricts),
        Card(_b("fig_named", lang), wording.amount(f.named, "communities", lang), named),
    ]
    for measure, unit, key in (
        ("activities", "activities", "fig_activities"),
        ("participants", "participants", "fig_participants"),
        ("volunteer_hours", "hours", "fig_hours"),
    ):
        value = getattr(f, measure)
        yoy = wording.change_text(f.changes[measure]["yoy"], lang)
        out.append(Card(_b(key, lang), wording.amount(value, unit, lang), [yoy, _chain_line(f, measure, unit, lang)]))
    if f.satisfaction_changes is None:
        out.append(Card(_b("fig_satisfaction", lang), _b("no_figure", lang), [_b("no_surveys", lang)]))
    else:
        c = f.satisfaction_changes
        label = _b("fig_satisfaction_month", lang, month=wording.month_name(c["chain"].span.start, lang))
        details = [wording.change_text(c["chain"], lang, points=True), wording.change_text(c["yoy"], lang, points=True)]
        out.append(Card(label, wording.amount(f.satisfaction, "points", lang), details))
    return out


def _with_brand(name: str, brand: object, lang: str) -> str:
    """ "前营街社区（好邻居）" / "Qianying Street Community (好邻居)"; the name alone without a brand."""
    if not isinstance(brand, str) or not brand.strip():
        return name
    return f"{name}（{brand}）" if lang == "zh" else f"{name} ({brand})"


def recent_line(row: pd.Series, lang: str) -> str:
    """One notable activity: its title as written (the category when untitled), glossed by category in English."""
    title = row["title"] if isinstance(row["title"], str) and row["title"].strip() else ""
    named = (
        title + (wording.gloss(row["category"], lang) if lang != "zh" else "")
        if title
        else config.label("categories", row["category"], lang)
    )
    day = row["date"].date()
    when = f"{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%b}"
    return _b(
        "recent_item",
        lang,
        when=when,
        who=community_name(row, lang),
        title=named,
        people=wording.amount(row["participants"], "participants", lang),
    )


def highlights(f: Facts, lang: str) -> list[str]:
    """典型案例: named brands, the most active communities, and the largest recent activities (titles as written)."""
    named = [_with_brand(community_name(row, lang), row["brand_name"], lang) for _, row in f.named_list.head(4).iterrows()]
    active = [
        _b("active_item", lang, name=community_name(row, lang), amount=wording.amount(row["activities"], "activities", lang))
        for _, row in f.most_active.head(3).iterrows()
    ]
    none = _b("none", lang)
    lines = [
        _b("named_brands_line", lang, names=join_list(named, lang) or none),
        _b("most_active_line", lang, names=join_list(active, lang) or none),
    ]
    return lines + [recent_line(row, lang) for _, row in f.recent.head(3).iterrows()]


def _satisfaction_trend(scoped: Dataset, end: date) -> pd.DataFrame:
    months = scoped.surveys["period"][scoped.surveys["period"] <= pd.Timestamp(end)]
    if months.empty:
        return queries.satisfaction_trend(scoped).iloc[:0]
    first = months.max() - pd.DateOffset(months=SATISFACTION_MONTHS - 1)
    s = scoped.surveys
    kept = s[(s["period"] >= first) & (s["period"] <= months.max())]
    return queries.satisfaction_trend(Dataset(scoped.communities, scoped.activities, kept, scoped.targets, scoped.version))


def _source(ds: Dataset, period: Period, data_date: date | None, lang: str) -> str:
    if data_date is not None:
        return _b("source", lang, day=fmt_date(data_date, lang))
    return _b("source_data", lang, day=fmt_date(period.end, lang))


def build(ds: Dataset, period: Period, lang: str, cover: Cover | None = None, data_date: date | None = None) -> Briefing:
    """The briefing of ``period`` for its district (or the city), in ``lang``; ``data_date`` is the last import's day."""
    cover = cover or Cover()
    f = gather(ds, period)
    scoped, within = f.scoped, f.within
    scope = scope_label(period.district, lang)
    dates = _b("period", lang, start=fmt_date(period.start, lang), end=fmt_date(period.end, lang))
    ranked = ranking.district_ranking(ds, period, f.progress if period.district is None else None)
    org = cover.org or config.ORG_NAME.value() or _b("default_org", lang, scope=scope)
    meeting = cover.meeting or _b("default_meeting", lang, scope=scope)
    meeting_day = fmt_date(cover.day or config.today(), lang)
    trend = _satisfaction_trend(scoped, period.end)
    table = ranking.table(ranked, lang, period.district)
    stages = stage_counts(ds, period)
    slides = [
        Slide(
            "cover",
            _b("deck_title", lang, scope=scope),
            dates,
            bullets=[org, _b("cover_meeting", lang, meeting=meeting, day=meeting_day)],
        ),
        Slide("overview", _b("slide_overview", lang), dates, bullets=text.short(f, lang)),
        Slide("headline", _b("slide_headline", lang), dates, cards=cards(f, lang)),
        Slide(
            "ranking",
            _b("slide_ranking", lang),
            talks.ranking_subtitle(ranked, period, lang),
            table=table,
            data=ranking.data_frame(ranked, lang),
        ),
        Slide(
            "map",
            _b("slide_map", lang),
            scope,
            chart=static_map(scoped.communities, lang, period.district),
            data=chart_data.map_data(scoped, period, lang),
        ),
        Slide(
            "stages",
            _b("slide_stages", lang),
            scope,
            chart=charts.funnel_chart(stages, lang, subtitle=t("stage_charts.as_at", lang, day=fmt_date(period.end, lang))),
            data=chart_data.stage_data(stages, lang),
        ),
        Slide(
            "naming",
            t("brief_stages.slide_naming", lang),
            dates,
            chart=naming.chart(f, lang),
            data=naming.data(f, lang),
        ),
        Slide(
            "pace",
            _b("slide_pace", lang),
            dates,
            chart=bars.pace_chart(scoped, period.end, lang, progress=f.progress),
            data=chart_data.pace_data(f.progress, period, lang),
        ),
        Slide(
            "categories",
            _b("slide_categories", lang),
            dates,
            chart=bars.category_chart(within.activities, lang),
            data=chart_data.category_data(within.activities, lang),
        ),
        Slide(
            "satisfaction",
            _b("slide_satisfaction", lang),
            scope,
            chart=charts.satisfaction_chart(trend, lang),
            data=chart_data.trend_data(trend, lang),
        ),
        Slide("highlights", _b("slide_highlights", lang), dates, bullets=highlights(f, lang)),
        Slide("problems", _b("slide_problems", lang), dates, bullets=followup.problems(f, lang)),
        Slide("next_steps", _b("slide_next_steps", lang), dates, bullets=followup.next_steps(f, lang)),
        Slide("closing", _b("closing_title", lang), _b("closing_subtitle", lang), bullets=[org, meeting_day]),
    ]
    paragraphs = text.summary(f, lang)
    for number, slide in enumerate(slides):
        slide.talk = talks.talk(slide, f, ranked, paragraphs, lang)
        following = slides[number + 1].title if number + 1 < len(slides) else None
        slide.notes = render(slide.talk, following, lang)
    title = _b("deck_title", lang, scope=scope)
    return Briefing(
        lang, period, f, title, dates, _source(ds, period, data_date, lang), paragraphs, slides, org, meeting, meeting_day, ranked
    )
