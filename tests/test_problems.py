"""Problem codes are one enum: each has its message in both languages, no message is left without a code,
every problem is made from the enum, and the JSON reports still carry the codes as plain strings."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import config, i18n
from dashboard.ingest.importing import check_bytes
from dashboard.ingest.problems import Issue, Problem
from dashboard.schema import TABLES

# validation.toml's keys that are not problem codes: where a problem is, the overflow line, labels.
NOT_CODES = {"where_row_column", "where_row", "where_column", "more_problems"}
NOT_CODES |= {f"kind_{kind}" for kind in config.ENUM_VOCAB} | {f"table_{name}" for name in TABLES}


@pytest.mark.parametrize("problem", list(Problem), ids=str)
def test_every_problem_has_a_message_in_both_languages(problem):
    texts = i18n.catalogue().get(f"validation.{problem.value}", {})
    assert texts.get("en") and texts.get("zh"), problem


def test_every_message_of_a_problem_has_a_code():
    keys = {key.removeprefix("validation.") for key in i18n.catalogue() if key.startswith("validation.")}
    assert keys - NOT_CODES == {p.value for p in Problem}
    assert keys >= NOT_CODES  # the list of exceptions names real keys


def test_no_problem_is_made_from_a_bare_string():
    sources = (config.PACKAGE_DIR / "ingest").glob("*.py")
    made = [m[0] for path in sources for m in re.finditer(r"\b(?:Issue|FileProblem)\(\s*[fr]?[\"']", path.read_text("utf-8"))]
    assert made == []


def test_reports_carry_codes_as_plain_strings():
    report = check_bytes(None, "district,year,metric,target\n城中区,2025,named,many\n".encode(), "t.csv")
    as_json = json.loads(json.dumps(report.as_dict("en")))
    assert [e["code"] for e in as_json["errors"]] == ["not_number"]
    assert type(report.as_dict("en")["errors"][0]["code"]) is str
    assert report.errors[0].code is Problem.NOT_NUMBER and report.errors[0].code == "not_number"


def test_a_problem_message_is_the_code_message_with_its_place():
    issue = Issue(Problem.REQUIRED, row=3, column="name_zh")
    assert issue.message("en") == i18n.t("validation.where_row_column", "en", row=3, column="name_zh") + i18n.t(
        "validation.required", "en", column="name_zh", value=""
    )
