"""Configuration and translations are complete: every setting documented, every message in both languages."""

import re

import pytest

from dashboard import config, i18n

README = (config.ROOT_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.name}`" in README
    assert setting.help


def _readme_default(name: str) -> str:
    """The default the README's settings table shows for ``name`` ("(empty)" is the empty text)."""
    row = re.search(rf"^\| `{name}` \| (.+?) \|", README, re.MULTILINE)
    assert row, name
    return "" if row[1] == "(empty)" else row[1].strip("`")


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_the_readme_shows_each_setting_default_and_the_kind_allows_it(setting):
    text = _readme_default(setting.name)
    assert (setting.kind.parse(text) if text else "") == setting.default


@pytest.fixture
def clean_settings(monkeypatch):
    """No DASHBOARD_* variable from the environment the tests run in."""
    for declared in config.SETTINGS:
        monkeypatch.delenv(declared.name, raising=False)
    return monkeypatch


def test_unset_settings_are_their_typed_defaults(clean_settings):
    assert config.check_settings() == []
    types = {config.Text: str, config.Choice: str, config.Number: float, config.Whole: int, config.Flag: bool}
    assert {s.name: type(s.value()) for s in config.SETTINGS} == {s.name: types[type(s.kind)] for s in config.SETTINGS}
    assert config.PUBLIC.value() is True and config.REMOVAL_LIMIT_PERCENT.value() == 10.0
    assert config.PASSWORD_MIN_LENGTH.value() == 10
    assert config.UPLOAD_LIMIT_MB.value() == 50.0 and config.LOCKOUT_ATTEMPTS.value() == 5 and config.TIMING.value() is False


@pytest.mark.parametrize(
    "setting, text, expected",
    [
        (config.DATABASE_URL, "sqlite:///x.db", "sqlite:///x.db"),
        (config.LANG, "en", "en"),
        (config.LANG, " EN ", "en"),
        (config.LANG, "", "zh"),
        (config.BASEMAP, "OSM", "osm"),
        (config.BASEMAP, "tianditu", "tianditu"),
        (config.TIANDITU_KEY, "k123", "k123"),
        (config.UPLOAD_LIMIT_MB, "0.002", 0.002),
        (config.UPLOAD_LIMIT_MB, "200", 200.0),
        (config.LOCKOUT_ATTEMPTS, "3", 3),
        (config.LOCKOUT_ATTEMPTS, "1", 1),
        (config.LOCKOUT_MINUTES, "2", 2.0),
        (config.SESSION_MINUTES, "0.5", 0.5),
        (config.TIMING, "1", True),
        (config.TIMING, "Yes", True),
        (config.TIMING, "on", True),
        (config.TIMING, "0", False),
        (config.TIMING, "false", False),
        (config.TIMING, "", False),
    ],
)
def test_good_values_parse_to_the_setting_type(clean_settings, setting, text, expected):
    clean_settings.setenv(setting.name, text)
    value = setting.value()
    assert value == expected and type(value) is type(expected)
    assert config.check_settings() == []


BAD_VALUES = [
    ("DASHBOARD_UPLOAD_LIMIT_MB", "abc", "a number greater than 0"),
    ("DASHBOARD_UPLOAD_LIMIT_MB", "0", "a number greater than 0"),
    ("DASHBOARD_UPLOAD_LIMIT_MB", "-5", "a number greater than 0"),
    ("DASHBOARD_UPLOAD_LIMIT_MB", "nan", "a number greater than 0"),
    ("DASHBOARD_UPLOAD_LIMIT_MB", "inf", "a number greater than 0"),
    ("DASHBOARD_LOCKOUT_ATTEMPTS", "0", "a whole number of at least 1"),
    ("DASHBOARD_LOCKOUT_ATTEMPTS", "2.5", "a whole number of at least 1"),
    ("DASHBOARD_LOCKOUT_ATTEMPTS", "five", "a whole number of at least 1"),
    ("DASHBOARD_LOCKOUT_MINUTES", "-1", "a number greater than 0"),
    ("DASHBOARD_SESSION_MINUTES", "0", "a number greater than 0"),
    ("DASHBOARD_SESSION_MINUTES", "8h", "a number greater than 0"),
    ("DASHBOARD_LANG", "fr", "one of zh, en"),
    ("DASHBOARD_BASEMAP", "foo", "one of none, osm, gaode, tianditu"),
    ("DASHBOARD_TIMING", "maybe", "1, true, yes, on"),
    ("DASHBOARD_TIMING", "2", "1, true, yes, on"),
]


@pytest.mark.parametrize("name, text, allowed", BAD_VALUES)
def test_a_bad_value_is_refused_naming_the_setting_its_value_and_what_is_allowed(clean_settings, name, text, allowed):
    clean_settings.setenv(name, text)
    [error] = config.check_settings()
    assert (error.name, error.value) == (name, text)
    english = i18n.t(error.key, "en", **error.values)
    assert f"{name}={text}" in english and allowed in english and "\n" not in english
    assert f"{name}={text}" in i18n.t(error.key, "zh", **error.values)
    setting = next(s for s in config.SETTINGS if s.name == name)
    with pytest.raises(config.SettingError):
        setting.value()


def test_every_refused_setting_is_listed_at_once(clean_settings):
    clean_settings.setenv("DASHBOARD_UPLOAD_LIMIT_MB", "abc")
    clean_settings.setenv("DASHBOARD_BASEMAP", "foo")
    assert [e.name for e in config.check_settings()] == ["DASHBOARD_BASEMAP", "DASHBOARD_UPLOAD_LIMIT_MB"]


@pytest.mark.parametrize("key", sorted(i18n.catalogue()))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    texts = i18n.catalogue()[key]
    assert texts.get("en") and texts.get("zh"), key
    fields = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in ("en", "zh")}
    assert fields["en"] == fields["zh"], key


@pytest.mark.parametrize("kind", ["types", "stages", "districts", "categories", "metrics", "coord_systems", "basemaps"])
def test_every_term_has_labels_in_both_languages(kind):
    terms = config.terms(kind)
    assert terms
    for term in terms:
        assert term.code and term.en and term.zh


@pytest.mark.parametrize("kind", ["types", "stages", "categories"])
def test_colours_are_distinct_hex_codes(kind):
    colours = list(config.colors(kind).values())
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)


def test_every_type_has_an_icon():
    assert all(t.icon for t in config.terms("types"))


def test_stage_progress_rises_to_one():
    shares = [t.progress for t in config.terms("stages")]
    assert shares == sorted(shares) and shares[-1] == 1.0


@pytest.mark.parametrize("value, expected", [("en", "en"), ("EN", "en"), ("zh", "zh"), ("", "zh"), ("fr", "zh")])
def test_default_language_comes_from_configuration(monkeypatch, value, expected):
    monkeypatch.setenv("DASHBOARD_LANG", value)
    assert config.default_lang() == expected


@pytest.mark.parametrize("key", sorted(k for k, v in i18n.catalogue().items() if "en_one" in v))
def test_singular_forms_are_used_for_a_count_of_one(key):
    texts = i18n.catalogue()[key]
    fields = set(re.findall(r"{(\w+)}", texts["en"])) - {"count"}
    values = dict.fromkeys(fields, "x")
    assert i18n.t(key, "en", count=1, **values) == texts["en_one"].format(**values)
    assert "1" in i18n.t(key, "en", count=1, **values)
    assert i18n.t(key, "en", count=2, **values) == texts["en"].format(count=2, **values)
