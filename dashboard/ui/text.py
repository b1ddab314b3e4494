"""Text from data shown inside Markdown: escaped so it is never markup or HTML."""

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def md_escape(text: object) -> str:
    """Backslash-escape every character Markdown (or Streamlit's extensions) would interpret."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))
