"""Text shown inside Markdown: text from data escaped so it is never markup or HTML; a heading with its count;
a table's name where it stands alone; a stored moment on the campaign's clock."""

from datetime import datetime

from dashboard import config
from dashboard.i18n import fmt_int, pd_isna, t

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def md_escape(text: object) -> str:
    """Backslash-escape every character Markdown (or Streamlit's extensions) would interpret."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))


def counted(title: str, count: float | None, lang: str) -> str:
    """A list's name with its count after it, "Added · 1,234" (the count through ``fmt_int``): an expander's label."""
    return f"{title} · {fmt_int(count, lang)}"


def counted_heading(title: str, count: float | None, lang: str) -> str:
    """The same as a bold heading: "**Quiet communities** · 1,234"."""
    return counted(f"**{title}**", count, lang)


def table_name(table: str, lang: str) -> str:
    """A table's name standing alone, as an option or a tab ("Communities", "社区"); inside a sentence it is
    :func:`table_in_sentence`."""
    return t(f"ui.table_name_{table}", lang)


def table_in_sentence(table: str | None, lang: str) -> str:
    """A table's name inside a sentence ("the communities table", "社区表"); "?" when no table was recognised."""
    return t(f"validation.table_{table}", lang) if table else "?"


def local_stamp(moment: object, *, seconds: bool = False) -> str:
    """A stored moment (kept in UTC: a datetime or ISO text) as Xining reads it, Beijing time: "2026-12-01 15:30";
    "—" when there is none."""
    if not isinstance(moment, (str, datetime)) or not moment or (isinstance(moment, datetime) and pd_isna(moment)):
        return "—"
    return config.campaign_time(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
