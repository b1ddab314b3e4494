"""The security audit log for admins: filters, the records, and a CSV download (itself recorded)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.auth import User
from dashboard.i18n import fmt_int, t
from dashboard.render.exports import table_bytes
from dashboard.storage import audit
from dashboard.ui import data, flow
from dashboard.ui.text import local_stamp

SHOWN = 5000  # records shown at once; the filters narrow them, the download has them all
OUTCOMES = [o.value for o in audit.Outcome]
EVENTS = [e.value for e in audit.Event]


def day_start(day: date) -> datetime:
    """The first moment of ``day`` on the campaign's clock (the days an admin picks are Beijing days)."""
    return datetime.combine(day, time.min, tzinfo=config.CAMPAIGN_TZ)


def _any_of(name: str, one: str, options: list[str], lang: str) -> list[str]:
    """A multiselect of ``audit.<one>_<option>`` names; none chosen is any, said 全部 / All (not Streamlit's
    English "Choose options", nor its "Select all")."""
    return st.multiselect(
        t(f"audit.{name}", lang),
        options,
        key=f"audit_{name}",
        format_func=lambda option: t(f"audit.{one}_{option}", lang),
        placeholder=t("ui.all", lang),
        select_all=False,
    )


def filters(lang: str) -> dict:
    """The admin's filters: days (Beijing time), account, events, outcomes and source."""
    # the date range needs 250 px for both its days (at 800 px a third of the page showed "2026/11/02 – 2")
    left, middle, right = flow.row("audit_filters", [flow.Part(1, 250), flow.Part(1, 170), flow.Part(1, 170)])
    today = config.today()
    days = left.date_input(t("audit.days", lang), (today - timedelta(days=30), today), key="audit_days", max_value=today)
    user = middle.text_input(t("audit.user", lang), key="audit_user", placeholder=t("audit.anyone", lang)).strip()
    source = right.selectbox(
        t("audit.source", lang),
        [None, *audit.SOURCES],
        key="audit_source",
        format_func=lambda s: t(f"audit.source_{s or 'any'}", lang),
    )
    events = _any_of("events", "event", EVENTS, lang)
    outcomes = _any_of("outcomes", "outcome", OUTCOMES, lang)
    first, last = (days[0], days[-1]) if isinstance(days, tuple) and days else (today, today)
    return {
        "since": day_start(first),
        "until": day_start(last + timedelta(days=1)),
        "user": user or None,
        "events": events,
        "outcomes": outcomes,
        "source": source,
    }


def records(chosen: dict) -> list[dict]:
    entries = audit.entries(
        data.engine(), since=chosen["since"], until=chosen["until"], user=chosen["user"], events=chosen["events"] or None
    )
    return [
        e
        for e in entries
        if (not chosen["outcomes"] or e["outcome"] in chosen["outcomes"])
        and (not chosen["source"] or e["source"] == chosen["source"])
    ]


def frame(entries: list[dict], lang: str) -> pd.DataFrame:
    """The records as a table in the reader's language (details as JSON text, never markup)."""
    return pd.DataFrame(
        {
            t("audit.col_time", lang): [local_stamp(e["time"], seconds=True) for e in entries],
            t("audit.col_user", lang): [e["user"] for e in entries],
            t("audit.col_event", lang): [
                t(f"audit.event_{e['event']}", lang) if e["event"] in EVENTS else e["event"] for e in entries
            ],
            t("audit.col_outcome", lang): [
                t(f"audit.outcome_{e['outcome']}", lang) if e["outcome"] in OUTCOMES else e["outcome"] for e in entries
            ],
            t("audit.col_source", lang): [t(f"audit.source_{e['source']}", lang) for e in entries],
            t("audit.col_details", lang): [json.dumps(e["details"], ensure_ascii=False, sort_keys=True) for e in entries],
        }
    )


def _download(entries: list[dict], user: User) -> bytes:
    """The filtered records as CSV (formula cells neutralised); the download is recorded too."""
    plain = pd.DataFrame([{**e, "details": json.dumps(e["details"], ensure_ascii=False, sort_keys=True)} for e in entries])
    details = {"table": "audit_log", "format": "csv", "rows": len(entries)}
    audit.record(data.engine(), audit.Actor(user.name, "desk"), audit.Event.EXPORT, audit.Outcome.SUCCESS, details)
    return table_bytes(plain, "csv")


def log(user: User, lang: str) -> None:
    """Filters, the records (newest first) and their CSV."""
    entries = records(filters(lang))
    st.caption(t("audit.count", lang, count=fmt_int(len(entries), lang), shown=fmt_int(min(len(entries), SHOWN), lang)))
    st.dataframe(frame(entries[:SHOWN], lang), hide_index=True, key="audit_table", width="stretch")
    st.download_button(
        t("audit.download", lang),
        lambda: _download(entries, user),
        file_name="audit-log.csv",
        mime="text/csv",
        key="audit_csv",
        on_click="ignore",
        icon=":material/download:",
        disabled=not entries,
    )
