"""The campaign's vocabulary and the deployment's settings, declared once.

Vocabulary (types, stages, districts, categories, metrics, coordinate systems,
base maps) lives in ``campaign.toml`` so a new type needs no code change.
Settings come from environment variables; each is declared in ``SETTINGS``
with its default and help, and the README documents every one (a test checks).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_DIR = PACKAGE_DIR.parent
DATA_DIR = ROOT_DIR / "data"
SAMPLE_DIR = DATA_DIR / "sample"
DISTRICTS_GEOJSON = DATA_DIR / "xining_districts.geojson"
INSTANCE_DIR = ROOT_DIR / "instance"
STATIC_DIR = ROOT_DIR / "static"

# Where the CJK font (Debian's fonts-noto-cjk, or another system's Noto CJK) is looked for:
# chart pictures (vl-convert) and PDFs/decks all use it.
CJK_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian/Ubuntu fonts-noto-cjk
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),  # Fedora, Arch
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)

# Bounding box of Xining municipality (WGS84), from DOMAIN.md.
LAT_RANGE = (36.0, 37.7)
LON_RANGE = (100.8, 102.1)
CITY_CENTER = (36.62, 101.78)


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
    raw = tomllib.loads((PACKAGE_DIR / "campaign.toml").read_text(encoding="utf-8"))
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


@dataclass(frozen=True)
class Setting:
    """A deployment setting read from the environment."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DASHBOARD_DATABASE_URL", "", "SQLAlchemy URL of the database; empty means the SQLite file instance/dashboard.db."),
    Setting("DASHBOARD_LANG", "zh", "Default language of the interface: zh or en."),
    Setting("DASHBOARD_BASEMAP", "none", "Base map under the map pages: none, osm, gaode or tianditu."),
    Setting("DASHBOARD_TIANDITU_KEY", "", "Key for Tianditu tiles (required when DASHBOARD_BASEMAP=tianditu); never commit it."),
    Setting("DASHBOARD_UPLOAD_LIMIT_MB", "50", "Largest file staff may upload, in megabytes."),
    Setting("DASHBOARD_LOCKOUT_ATTEMPTS", "5", "Failed sign-ins in a row that lock an account."),
    Setting("DASHBOARD_LOCKOUT_MINUTES", "15", "How long a locked account stays locked."),
    Setting("DASHBOARD_SESSION_MINUTES", "480", "How long a staff sign-in lasts."),
)


def setting(name: str) -> str:
    """The value of a declared setting: the environment, else its default."""
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(name, s.default).strip() or s.default
    raise KeyError(name)


def default_lang() -> str:
    """The interface language a new visitor sees."""
    return "en" if setting("DASHBOARD_LANG").lower().startswith("en") else "zh"
