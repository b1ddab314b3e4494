"""Configuration and translations are complete: every setting documented, every message in both languages."""

import re

import pytest

from dashboard import config, i18n

README = (config.ROOT_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.name}`" in README
    assert setting.help


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
