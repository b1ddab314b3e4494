"""The written summary of a period (工作简报): templates filled with checked figures, never guesswork.

The full text fills the 工作概况 slide's notes, the ZIP's summary.txt and the
page's copy box; :func:`short` is what the slide itself shows, about a minute
to say. Figures carry their units (4,236次, 139.7万小时) and changes are
worded (同比增长12.5%, 环比下降0.4分), never a bare "+1.9".
"""

from __future__ import annotations

import pandas as pd

from dashboard import config
from dashboard.briefing import wording
from dashboard.briefing.period import Facts, scope_label
from dashboard.i18n import community_names, fmt_date, fmt_int, fmt_pct, join_list, t


def _b(key: str, lang: str, **values: object) -> str:
    return t(f"brief.{key}", lang, **values)


def names(frame: pd.DataFrame, lang: str, limit: int = 3) -> str:
    """Up to ``limit`` community names; with more, "A、B、C等12个" / "A, B, C and 9 more"."""
    shown = join_list(community_names(frame.head(limit), lang), lang)
    if len(frame) <= limit:
        return shown
    if lang == "zh":
        return shown + _b("and_more", lang, count=fmt_int(len(frame), lang))
    return f"{shown} " + _b("and_more", lang, count=fmt_int(len(frame) - limit, lang))


def district_names(codes: list[str], lang: str) -> str:
    return join_list((config.label("districts", c, lang) for c in codes), lang)


def _amounts(f: Facts, lang: str) -> dict[str, str]:
    return {
        "communities": wording.amount(f.communities, "communities", lang),
        "activities": wording.amount(f.activities, "activities", lang),
        "participants": wording.amount(f.participants, "participants", lang),
        "party_members": wording.amount(f.party_members, "participants", lang),
        "hours": wording.amount(f.volunteer_hours, "hours", lang),
    }


def done(f: Facts, lang: str) -> str:
    p = f.period
    return _b(
        "done",
        lang,
        start=fmt_date(p.start, lang),
        end=fmt_date(p.end, lang),
        scope=scope_label(p.district, lang),
        **_amounts(f, lang),
    )


def activities_change(f: Facts, lang: str) -> str:
    """活动次数同比增长12.5%；其中11月开展活动312次，环比下降3.1%。 (the month named when the period is a year to date)."""
    yoy, chain = f.changes["activities"]["yoy"], f.changes["activities"]["chain"]
    values = {"yoy": wording.change_text(yoy, lang), "chain": wording.change_text(chain, lang)}
    if chain.span != f.period:
        month = wording.month_name(chain.span.start, lang)
        return _b("moved_month", lang, month=month, amount=wording.amount(chain.now, "activities", lang), **values)
    return _b("moved", lang, **values)


def named(f: Facts, lang: str) -> str:
    count = wording.amount(f.named, "communities", lang)
    if not f.named_target:
        return _b("named_no_target", lang, named=count)
    target = wording.amount(f.named_target, "communities", lang)
    return _b("named", lang, named=count, share=fmt_pct(f.named / f.named_target, lang), target=target)


def satisfaction(f: Facts, lang: str) -> str | None:
    changes = f.satisfaction_changes
    if changes is None:
        return None
    return _b(
        "satisfaction",
        lang,
        month=wording.month_name(changes["chain"].span.start, lang),
        value=wording.amount(f.satisfaction, "points", lang),
        chain=wording.change_text(changes["chain"], lang, points=True),
        yoy=wording.change_text(changes["yoy"], lang, points=True),
    )


def moved(f: Facts, lang: str) -> list[str]:
    return [s for s in (activities_change(f, lang), named(f, lang), satisfaction(f, lang)) if s]


def leads_and_lags(f: Facts, lang: str) -> list[str]:
    lines = []
    if not f.most_active.empty:
        lines.append(_b("leads", lang, names=names(f.most_active, lang)))
    if f.behind.empty:
        if f.period.district:
            lines.append(_b("on_pace_one", lang, self=wording.self_name(f.period.district, lang)))
        else:
            lines.append(_b("none_lag", lang))
    else:
        lines.append(_b("lags", lang, names=district_names(f.behind["district"].tolist(), lang)))
    return lines


def to_watch(f: Facts, lang: str) -> list[str]:
    lines = []
    if not f.inactive.empty:
        lines.append(_b("watch_inactive", lang, count=len(f.inactive), names=names(f.inactive, lang)))
    if not f.falling.empty:
        lines.append(_b("watch_falling", lang, count=len(f.falling), names=names(f.falling, lang)))
    return lines or [_b("watch_none", lang)]


def summary(f: Facts, lang: str) -> list[str]:
    """The summary as paragraphs: done, moved, leads and lags, to watch."""
    sep = "" if lang == "zh" else " "
    return [done(f, lang), sep.join(moved(f, lang)), sep.join(leads_and_lags(f, lang)), sep.join(to_watch(f, lang))]


def short(f: Facts, lang: str) -> list[str]:
    """The 工作概况 slide: four or five short lines, about a minute to say (the full text is in the notes)."""
    a = _amounts(f, lang)
    lines = [
        _b("short_done", lang, scope=scope_label(f.period.district, lang), **a),
        activities_change(f, lang),
        named(f, lang),
    ]
    if (line := satisfaction(f, lang)) is not None:
        lines.append(line)
    lines.append(leads_and_lags(f, lang)[-1])
    return lines
