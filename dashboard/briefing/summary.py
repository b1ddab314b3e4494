"""The written summary of a period (工作简报): templates filled with checked figures, never guesswork.

It opens the briefing, fills the speaker notes, and can be copied from the page.
"""

from __future__ import annotations

import pandas as pd

from dashboard import config
from dashboard.briefing.period import Facts, scope_label
from dashboard.i18n import community_names, fmt_date, fmt_int, fmt_num, fmt_pct, join_list, t


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


def done(f: Facts, lang: str) -> str:
    p = f.period
    return _b(
        "done",
        lang,
        start=fmt_date(p.start, lang),
        end=fmt_date(p.end, lang),
        communities=fmt_int(f.communities, lang),
        scope=scope_label(p.district, lang),
        activities=fmt_int(f.activities, lang),
        participants=fmt_int(f.participants, lang),
        party_members=fmt_int(f.party_members, lang),
        hours=fmt_int(f.volunteer_hours, lang),
    )


def moved(f: Facts, lang: str) -> list[str]:
    change = f.activities - f.activities_before
    key = "moved_up" if change >= 0 else "moved_down"
    lines = [_b(key, lang, change=fmt_int(abs(change), lang), days=f.period.days, before=fmt_int(f.activities_before, lang))]
    if f.named_target:
        lines.append(
            _b(
                "named",
                lang,
                named=fmt_int(f.named, lang),
                share=fmt_pct(f.named / f.named_target, lang),
                target=fmt_int(f.named_target, lang),
            )
        )
    else:
        lines.append(_b("named_no_target", lang, named=fmt_int(f.named, lang)))
    if f.satisfaction is not None and f.satisfaction_before is not None:
        diff = f.satisfaction - f.satisfaction_before
        lines.append(
            _b("satisfaction", lang, value=fmt_num(f.satisfaction, lang), change=("+" if diff >= 0 else "") + fmt_num(diff, lang))
        )
    return lines


def leads_and_lags(f: Facts, lang: str) -> list[str]:
    lines = []
    if not f.most_active.empty:
        lines.append(_b("leads", lang, names=names(f.most_active, lang)))
    if f.behind.empty:
        lines.append(_b("on_pace_one" if f.period.district else "none_lag", lang))
    else:
        lines.append(_b("lags", lang, names=district_names(f.behind["district"].tolist(), lang)))
    return lines


def to_watch(f: Facts, lang: str) -> list[str]:
    lines = []
    if not f.inactive.empty:
        lines.append(_b("watch_inactive", lang, count=fmt_int(len(f.inactive), lang), names=names(f.inactive, lang)))
    if not f.falling.empty:
        lines.append(_b("watch_falling", lang, count=fmt_int(len(f.falling), lang), names=names(f.falling, lang)))
    return lines or [_b("watch_none", lang)]


def summary(f: Facts, lang: str) -> list[str]:
    """The summary as paragraphs: done, moved, leads and lags, to watch."""
    sep = "" if lang == "zh" else " "
    return [done(f, lang), sep.join(moved(f, lang)), sep.join(leads_and_lags(f, lang)), sep.join(to_watch(f, lang))]
