"""The campaign's vocabulary: types, stages, districts, categories, metrics, coordinate systems and base maps.

Declared in ``campaign.toml`` so a new type needs no code change; read once per process. Callers use it through
``config`` (``config.label``, ``config.terms``...), which re-exports it with the settings.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CAMPAIGN_TOML = Path(__file__).resolve().parent / "campaign.toml"


@dataclass(frozen=True)
class Term:
    """One entry of an enumerated vocabulary: a code and its labels."""

    code: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    color: str = "#999999"
    icon: str = ""
    progress: float = 0.0
    adcode: str = ""
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def label(self, lang: str) -> str:
        """The label shown to a reader of ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en


_TERM_FIELDS = {"code", "en", "zh", "aliases", "color", "icon", "progress", "adcode"}


@cache
def _vocabulary() -> dict[str, tuple[Term, ...]]:
    raw = tomllib.loads(CAMPAIGN_TOML.read_text(encoding="utf-8"))
    vocab: dict[str, tuple[Term, ...]] = {}
    for kind, entries in raw.items():
        terms = []
        for entry in entries:
            known = {k: v for k, v in entry.items() if k in _TERM_FIELDS}
            known["aliases"] = tuple(known.get("aliases", ()))
            extra = {k: v for k, v in entry.items() if k not in _TERM_FIELDS}
            terms.append(Term(**known, extra=extra))
        vocab[kind] = tuple(terms)
    return vocab


def terms(kind: str) -> tuple[Term, ...]:
    """All terms of a vocabulary: "types", "stages", "districts", "categories", ..."""
    return _vocabulary()[kind]


def codes(kind: str) -> list[str]:
    """The codes of a vocabulary in their declared order."""
    return [t.code for t in terms(kind)]


def term(kind: str, code: str) -> Term:
    """The term with ``code``; KeyError if there is none."""
    for t in terms(kind):
        if t.code == code:
            return t
    raise KeyError(f"{kind}: {code}")


def label(kind: str, code: str, lang: str) -> str:
    """The label of ``code`` in ``lang``, or the code itself when unknown."""
    try:
        return term(kind, code).label(lang)
    except KeyError:
        return str(code)


# Column kinds of the data contract → the vocabulary they draw from.
ENUM_VOCAB = {
    "district": "districts",
    "type": "types",
    "stage": "stages",
    "category": "categories",
    "metric": "metrics",
    "coord_system": "coord_systems",
}


def labels(kind_of_column: str, lang: str) -> list[str]:
    """The labels a reader may choose from for a column kind (e.g. "stage")."""
    return [t.label(lang) for t in terms(ENUM_VOCAB[kind_of_column])]


def colors(kind: str) -> dict[str, str]:
    """Code → colour, the one mapping every map, legend and chart uses."""
    return {t.code: t.color for t in terms(kind)}
