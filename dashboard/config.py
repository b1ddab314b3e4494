"""The campaign's vocabulary and the deployment's settings, declared once.

Vocabulary (types, stages, districts, categories, metrics, coordinate systems,
base maps) lives in ``campaign.toml`` so a new type needs no code change.
Settings come from environment variables; each is declared in ``SETTINGS``
with its kind (text, number, whole number, choice, flag), typed default and help,
and the README documents every one (a test checks). ``UPLOAD_LIMIT_MB.value()``
is a float; ``check_settings()`` names every refused value at start-up.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Generic, Protocol, TypeVar

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

# Bounding box of Xining municipality (WGS84), from DOMAIN.md: the bounds of the contract's latitude and
# longitude columns (schema.py), which the validator checks each community's point against.
LAT_RANGE = (36.0, 37.7)
LON_RANGE = (100.8, 102.1)
CITY_CENTER = (36.62, 101.78)
# The campaign's clock: Xining keeps China Standard Time (UTC+8, no summer time). "Today" in the stage-date rules and
# the day of a stored version's time (a derived stage date) are read on it, whatever the server's own time zone.
CAMPAIGN_TZ = timezone(timedelta(hours=8), "CST")


def campaign_time(moment: datetime | str) -> datetime:
    """A stored moment (UTC, or ISO text; a naive one is UTC) on the campaign's clock: what Xining's staff read."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(CAMPAIGN_TZ)


def today() -> date:
    """Today in Xining."""
    return datetime.now(CAMPAIGN_TZ).date()


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


# --- Settings ----------------------------------------------------------------------------------------------------
# Each setting is declared once below with its kind, typed default and help; ``Setting.value()`` gives the typed
# value and ``check_settings()`` (run when the app or the CLI starts) lists every value that is refused.

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Kind(Protocol[T_co]):
    """How a setting's text becomes its value: ``parse`` raises ValueError for a value that is not allowed."""

    @property
    def refusal(self) -> str: ...  # the message key (messages/settings.toml) that says what is allowed

    def limits(self) -> dict[str, object]: ...  # the values that message names

    def parse(self, text: str) -> T_co: ...


@dataclass(frozen=True)
class Text:
    """Any text."""

    refusal: str = "settings.not_text"

    def limits(self) -> dict[str, object]:
        return {}

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class Number:
    """A finite number greater than ``above`` (fractions allowed)."""

    above: float = 0.0
    refusal: str = "settings.not_number"

    def limits(self) -> dict[str, object]:
        return {"above": f"{self.above:g}"}

    def parse(self, text: str) -> float:
        value = float(text)  # ValueError for "abc"
        if not (math.isfinite(value) and value > self.above):
            raise ValueError(text)
        return value


@dataclass(frozen=True)
class Whole:
    """A whole number of at least ``low``."""

    low: int = 1
    refusal: str = "settings.not_whole"

    def limits(self) -> dict[str, object]:
        return {"low": self.low}

    def parse(self, text: str) -> int:
        value = int(text)
        if value < self.low:
            raise ValueError(text)
        return value


@dataclass(frozen=True)
class Choice:
    """One of ``values``, or of the codes of the vocabulary ``vocabulary`` (any letter case)."""

    values: tuple[str, ...] = ()
    vocabulary: str = ""
    refusal: str = "settings.not_choice"

    def options(self) -> tuple[str, ...]:
        return tuple(codes(self.vocabulary)) if self.vocabulary else self.values

    def limits(self) -> dict[str, object]:
        return {"allowed": ", ".join(self.options())}

    def parse(self, text: str) -> str:
        if text.lower() not in self.options():
            raise ValueError(text)
        return text.lower()


@dataclass(frozen=True)
class Flag:
    """On or off: 1/true/yes/on or 0/false/no/off (any letter case)."""

    refusal: str = "settings.not_flag"
    ON = ("1", "true", "yes", "on")
    OFF = ("0", "false", "no", "off")

    def limits(self) -> dict[str, object]:
        return {}

    def parse(self, text: str) -> bool:
        if text.lower() not in self.ON + self.OFF:
            raise ValueError(text)
        return text.lower() in self.ON


class SettingError(ValueError):
    """A setting whose value is refused; ``t(error.key, lang, **error.values)`` says so in one line."""

    def __init__(self, name: str, value: str, key: str, limits: dict[str, object]) -> None:
        super().__init__(f"{name}={value!r} is not allowed ({key}: {limits})")
        self.name, self.value, self.key = name, value, key
        self.values: dict[str, object] = {"name": name, "value": value, **limits}


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A deployment setting read from the environment: an empty or unset variable means ``default``."""

    name: str
    default: T
    help: str
    kind: Kind[T]

    def value(self) -> T:
        """The typed value; SettingError when the environment holds one the kind refuses."""
        text = os.environ.get(self.name, "").strip()
        if not text:
            return self.default
        try:
            return self.kind.parse(text)
        except ValueError:
            raise SettingError(self.name, text, self.kind.refusal, self.kind.limits()) from None


DATABASE_URL = Setting(
    "DASHBOARD_DATABASE_URL", "", "SQLAlchemy URL of the database; empty means the SQLite file instance/dashboard.db.", Text()
)
LANG = Setting("DASHBOARD_LANG", "zh", "Default language of the interface: zh or en.", Choice(values=("zh", "en")))
BASEMAP = Setting(
    "DASHBOARD_BASEMAP", "none", "Base map under the map pages: none, osm, gaode or tianditu.", Choice(vocabulary="basemaps")
)
TIANDITU_KEY = Setting(
    "DASHBOARD_TIANDITU_KEY", "", "Key for Tianditu tiles (required when DASHBOARD_BASEMAP=tianditu); never commit it.", Text()
)
UPLOAD_LIMIT_MB = Setting("DASHBOARD_UPLOAD_LIMIT_MB", 50.0, "Largest file staff may upload, in megabytes (> 0).", Number())
MAX_ROWS = Setting(
    "DASHBOARD_MAX_ROWS",
    1_048_575,
    "Most data rows one staff file may have (>= 1; the default is a full Excel sheet); counted before the file is parsed.",
    Whole(),
)
MAX_COLUMNS = Setting(
    "DASHBOARD_MAX_COLUMNS", 200, "Most columns a row of a staff file may have (>= 1; the contract has 14 at most).", Whole()
)
MAX_CELL_CHARS = Setting("DASHBOARD_MAX_CELL_CHARS", 2000, "Most characters one cell of a staff file may hold (>= 1).", Whole())
XLSX_MAX_UNPACKED_MB = Setting(
    "DASHBOARD_XLSX_MAX_UNPACKED_MB",
    100.0,
    "Most megabytes an .xlsx may unpack to (> 0); read from the ZIP's directory before the workbook is opened.",
    Number(),
)
XLSX_MAX_RATIO = Setting(
    "DASHBOARD_XLSX_MAX_RATIO",
    100.0,
    "Most times a part of an .xlsx may unpack larger than it is packed (> 1): Excel's sheets stay near 15, ZIP bombs near 1000.",
    Number(above=1.0),
)
LOCKOUT_ATTEMPTS = Setting(
    "DASHBOARD_LOCKOUT_ATTEMPTS", 5, "Failed sign-ins in a row from one client address that block it (>= 1).", Whole()
)
LOCKOUT_MINUTES = Setting(
    "DASHBOARD_LOCKOUT_MINUTES", 15.0, "How long a blocked client address waits, in minutes (> 0).", Number()
)
SESSION_MINUTES = Setting("DASHBOARD_SESSION_MINUTES", 480.0, "How long a staff sign-in lasts, in minutes (> 0).", Number())
PUBLIC = Setting(
    "DASHBOARD_PUBLIC", True, "1: anyone may read the dashboard; 0: every page asks for sign-in first (viewer role).", Flag()
)
REMOVAL_LIMIT_PERCENT = Setting(
    "DASHBOARD_REMOVAL_LIMIT_PERCENT",
    10.0,
    "Removing more than this share of the rows in scope (in percent, > 0) needs the number removed typed to confirm.",
    Number(),
)
PASSWORD_MIN_LENGTH = Setting(
    "DASHBOARD_PASSWORD_MIN_LENGTH", 10, "Fewest characters a staff password may have (>= 8).", Whole(low=8)
)
ORG_NAME = Setting(
    "DASHBOARD_ORG_NAME",
    "",
    "The reporting body (汇报单位) on a briefing's cover and closing slide; empty means the scope's campaign office.",
    Text(),
)
STUCK_DAYS = Setting(
    "DASHBOARD_STUCK_DAYS",
    180,
    "Days a community may stay in one stage (short of named) before it is listed as stuck (>= 1).",
    Whole(),
)
WATCH_SECONDS = Setting(
    "DASHBOARD_WATCH_SECONDS",
    10,
    "Seconds between a server's looks at the data version (>= 0): a version committed elsewhere (another replica, the "
    "command line) is then loaded in the background before this server's next visitor; 0 turns the looks off.",
    Whole(low=0),
)
TIMING = Setting(
    "DASHBOARD_TIMING",
    False,
    "Log each page run's server time, and each background load's, to stderr (for benchmarks/): 1 or 0.",
    Flag(),
)

SETTINGS: tuple[Setting, ...] = (
    DATABASE_URL,
    LANG,
    BASEMAP,
    TIANDITU_KEY,
    UPLOAD_LIMIT_MB,
    MAX_ROWS,
    MAX_COLUMNS,
    MAX_CELL_CHARS,
    XLSX_MAX_UNPACKED_MB,
    XLSX_MAX_RATIO,
    LOCKOUT_ATTEMPTS,
    LOCKOUT_MINUTES,
    SESSION_MINUTES,
    PUBLIC,
    REMOVAL_LIMIT_PERCENT,
    PASSWORD_MIN_LENGTH,
    ORG_NAME,
    STUCK_DAYS,
    WATCH_SECONDS,
    TIMING,
)


def check_settings() -> list[SettingError]:
    """Every setting whose value is refused (empty when all are fine); the app and the CLI stop on any."""
    refused = []
    for declared in SETTINGS:
        try:
            declared.value()
        except SettingError as error:
            refused.append(error)
    return refused


def default_lang() -> str:
    """The interface language a new visitor sees (the declared default while DASHBOARD_LANG is refused)."""
    try:
        return LANG.value()
    except SettingError:  # start-up stops on it; its message still needs a language
        return LANG.default
