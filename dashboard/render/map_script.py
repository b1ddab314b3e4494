"""Text from the data put safely into the map's scripts: as JavaScript literals, or as plain text branca leaves alone.

Names of communities and subdistricts reach the browser inside ``<script>`` elements that branca renders from Jinja
templates. Both helpers keep whatever a name holds (``<``, quotes, ``{{``, line separators) text, never markup, code
or template syntax.
"""

from __future__ import annotations

import json
import re

from branca.element import Element

_JINJA_OPENER = re.compile(r"\{(?=[{%#])")  # "{{", "{%" and "{#": only ever inside strings in compact JSON


def js_literal(value: object) -> str:
    """A JSON literal safe inside ``<script>`` and inside a Jinja template, Chinese kept readable.

    branca compiles the script a MacroElement renders as a Jinja template once more (``Element(script(...))``):
    a subdistrict named "{% 居和 %}" broke the map, and "{{ ... }}" in a name would run on the server. A brace
    that opens Jinja syntax is written ``\\u007b``, which JSON and JavaScript read as the same "{".
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("'", "\\u0027"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return _JINJA_OPENER.sub(r"\\u007b", text)


class PlainText(Element):
    """Text put into the page as it is, where branca would compile it as a Jinja template first.

    It renders as that template would (newlines made ``\\n``, one trailing
    newline dropped), without the compiling, and whatever braces the data holds.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:
        text = self._text
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.removesuffix("\n")
