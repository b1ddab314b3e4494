"""A briefing as a sequence of slides: one model for the presentation page, the deck and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import config
from dashboard.briefing import summary as text
from dashboard.briefing.period import Facts, Period, gather, scope_label
from dashboard.briefing.static_map import static_map
from dashboard.dataset import Dataset
from dashboard.figures import queries
from dashboard.figures.filters import apply_filters
from dashboard.i18n import community_name, fmt_date, fmt_int, fmt_num, join_list, t
from dashboard.render import charts


@dataclass
class Slide:
    """One slide: a title, then figures, a chart or bullet points, and what the presenter says."""

    key: str
    title: str
    subtitle: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    chart: charts.Chart | None = None
    bullets: list[str] = field(default_factory=list)
    notes: str = ""


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


def _b(key: str, lang: str, **values: object) -> str:
    return t(f"brief.{key}", lang, **values)


def _join(sentences: list[str], lang: str) -> str:
    """Sentences run on as one text: Chinese puts no space after "。", English does."""
    return ("" if lang == "zh" else " ").join(sentences)


def headline_figures(f: Facts, lang: str) -> list[tuple[str, str]]:
    named = fmt_int(f.named, lang) + (f" / {fmt_int(f.named_target, lang)}" if f.named_target else "")
    return [
        (_b("fig_communities", lang), fmt_int(f.communities, lang)),
        (_b("fig_named", lang), named),
        (_b("fig_activities", lang), fmt_int(f.activities, lang)),
        (_b("fig_participants", lang), fmt_int(f.participants, lang)),
        (_b("fig_hours", lang), fmt_int(f.volunteer_hours, lang)),
        (_b("fig_satisfaction", lang), fmt_num(f.satisfaction, lang)),
    ]


def _figures_note(f: Facts, lang: str) -> str:
    return _b(
        "notes_figures",
        lang,
        communities=fmt_int(f.communities, lang),
        named=fmt_int(f.named, lang),
        activities=fmt_int(f.activities, lang),
        participants=fmt_int(f.participants, lang),
        hours=fmt_int(f.volunteer_hours, lang),
        satisfaction=fmt_num(f.satisfaction, lang),
    )


def _with_brand(name: str, brand: str | None, lang: str) -> str:
    """ "前营街社区（好邻居）" / "Qianying Street Community (好邻居)"; the name alone without a brand."""
    if not brand:
        return name
    return f"{name}（{brand}）" if lang == "zh" else f"{name} ({brand})"


def highlights(f: Facts, lang: str) -> list[str]:
    """Named brands, the most active communities and those needing attention, one line each."""
    named = [_with_brand(community_name(row, lang), row["brand_name"], lang) for _, row in f.named_list.head(4).iterrows()]
    active = [
        f"{community_name(row, lang)} · {_b('activities_count', lang, count=int(row['activities']))}"
        for _, row in f.most_active.head(3).iterrows()
    ]
    attention = [
        f"{community_name(row, lang)} · {_b('silent_days', lang, days=int(row['days_since']))}"
        for _, row in f.inactive.head(2).iterrows()
        if row["days_since"] == row["days_since"]
    ]
    attention += [
        f"{community_name(row, lang)} · {_b('fell', lang, change=fmt_num(row['change'], lang))}"
        for _, row in f.falling.head(2).iterrows()
    ]
    none, colon = _b("none", lang), "：" if lang == "zh" else ": "
    return [
        f"{_b('named_brands', lang)}{colon}{join_list(named, lang) or none}",
        f"{_b('most_active', lang)}{colon}{join_list(active, lang) or none}",
        f"{_b('needs_attention', lang)}{colon}{join_list(attention, lang) or none}",
    ]


def recent_lines(f: Facts, lang: str) -> list[str]:
    lines = []
    for _, row in f.recent.iterrows():
        who = community_name(row, lang)
        title = (
            row["title"] if isinstance(row["title"], str) and row["title"] else config.label("categories", row["category"], lang)
        )  # an untitled activity is named by its category
        lines.append(f"{row['date']:%m-%d} · {who} · {title} · {fmt_int(row['participants'], lang)}")
    return lines


def build(ds: Dataset, period: Period, lang: str) -> Briefing:
    """The briefing of ``period`` for its district (or the city), in ``lang``."""
    f = gather(ds, period)
    scoped = apply_filters(ds, period.filters(), dates=False)
    within = apply_filters(ds, period.filters())
    scope = scope_label(period.district, lang)
    dates = _b("period", lang, start=fmt_date(period.start, lang), end=fmt_date(period.end, lang))
    paragraphs = text.summary(f, lang)
    slides = [
        Slide("title", _b("deck_title", lang, scope=scope), dates, bullets=paragraphs[:1], notes=_join(paragraphs, lang)),
        Slide(
            "headline",
            _b("slide_headline", lang),
            dates,
            figures=headline_figures(f, lang),
            bullets=paragraphs[1:2],
            notes=_join([_figures_note(f, lang), paragraphs[1]], lang),
        ),
        Slide(
            "map", _b("slide_map", lang), scope, chart=static_map(scoped.communities, lang, period.district), notes=paragraphs[0]
        ),
        Slide(
            "funnel",
            _b("slide_funnel", lang),
            scope,
            chart=charts.funnel_chart(queries.funnel(scoped), lang),
            notes=text.moved(f, lang)[1] if len(text.moved(f, lang)) > 1 else "",
        ),
        Slide(
            "pace",
            _b("slide_pace", lang),
            dates,
            chart=charts.pace_chart(scoped, period.end, lang),
            notes=_join(text.leads_and_lags(f, lang), lang),
        ),
        Slide(
            "satisfaction",
            _b("slide_satisfaction", lang),
            dates,
            chart=charts.satisfaction_chart(queries.satisfaction_trend(within), lang),
            notes=_join(text.moved(f, lang)[2:], lang) or _figures_note(f, lang),
        ),
        Slide("highlights", _b("slide_highlights", lang), dates, bullets=highlights(f, lang), notes=_join(paragraphs[2:4], lang)),
        Slide(
            "recent",
            _b("slide_recent", lang),
            dates,
            bullets=recent_lines(f, lang) or [_b("none", lang)],
            notes=("；" if lang == "zh" else "; ").join(recent_lines(f, lang)) or _b("none", lang),
        ),
    ]
    source = _b("source", lang, version=ds.version, day=fmt_date(period.end, lang))
    return Briefing(lang, period, f, _b("deck_title", lang, scope=scope), dates, source, paragraphs, slides)
