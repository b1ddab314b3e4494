"""The campaign's vocabulary and the deployment's settings, declared once; paths and the campaign's clock.

Vocabulary (types, stages, districts, categories, metrics, coordinate systems,
base maps) lives in ``campaign.toml`` (read by ``vocabulary``) so a new type needs no code change.
Settings come from environment variables (their kinds in ``setting_kinds``); each is declared in ``SETTINGS``
with its kind (text, number, whole number, choice, flag), typed default and help,
and the README documents every one (a test checks). ``UPLOAD_LIMIT_MB.value()``
is a float; ``check_settings()`` names every refused value at start-up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from dashboard.setting_kinds import Choice, Flag, Kind, Number, Setting, SettingError, Text, Whole
from dashboard.vocabulary import ENUM_VOCAB, Term, codes, colors, label, labels, term, terms

__all__ = [  # the vocabulary and the settings' kinds, re-exported: callers read both through ``config``
    "ENUM_VOCAB",
    "Choice",
    "Flag",
    "Kind",
    "Number",
    "Setting",
    "SettingError",
    "Term",
    "Text",
    "Whole",
    "codes",
    "colors",
    "label",
    "labels",
    "term",
    "terms",
]

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


# --- Settings: each declared once with its kind, typed default and help ------------------------------------------

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
