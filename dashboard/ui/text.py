"""Text shown inside Markdown: text from data escaped so it is never markup or HTML; a heading with its count."""

from dashboard.i18n import fmt_int

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def md_escape(text: object) -> str:
    """Backslash-escape every character Markdown (or Streamlit's extensions) would interpret."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))


def counted_heading(title: str, count: float | None, lang: str) -> str:
    """A list's bold heading with its count after it, "**Quiet communities** · 1,234" (the count through ``fmt_int``)."""
    return f"**{title}** · {fmt_int(count, lang)}"
