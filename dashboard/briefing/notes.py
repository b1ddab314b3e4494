"""Speaker notes as talking points: the slide's one message, the figures to say aloud, and the way into the next slide.

Notes that repeat the slide do not help a presenter; these say what to stress
(``message``), give the figures spelled out with their units (``figures``),
and end on a transition naming the next slide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.i18n import t


@dataclass(frozen=True)
class Talk:
    """What the presenter says on one slide; ``extra`` follows (the full written summary on 工作概况)."""

    message: str
    figures: list[str] = field(default_factory=list)
    extra: str = ""


def render(talk: Talk, next_title: str | None, lang: str) -> str:
    """The notes text: "要点：…" / "数字：…" / "过渡：…" (Message / Say aloud / Next), one per line."""
    sep = "；" if lang == "zh" else "; "
    lines = [t("brief.notes_message", lang, text=talk.message)]
    if talk.figures:
        said = [figure.rstrip("。.；; ") for figure in talk.figures]  # one stop at the end, not "。；" between
        lines.append(t("brief.notes_figures", lang, text=sep.join(said) + ("。" if lang == "zh" else ".")))
    if next_title:
        lines.append(t("brief.notes_next", lang, title=next_title))
    else:
        lines.append(t("brief.notes_end", lang))
    if talk.extra:
        lines.append(t("brief.notes_full", lang, text=talk.extra))
    return "\n".join(lines)
