"""The README's layout section matches the tree, so a newcomer's map of the code is never stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dashboard"
LISTED_BY_MODULE = ("ingest", "storage", "figures", "render", "cli")  # ui/ and briefing/ are described as a whole


def layout_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def modules(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))


@pytest.mark.parametrize(
    "name", [*modules(PACKAGE), *(p.name + "/" for p in sorted(PACKAGE.iterdir()) if (p / "__init__.py").is_file())]
)
def test_every_top_level_module_and_subpackage_is_in_the_layout(name):
    assert re.search(rf"(?<![\w/]){re.escape(name)}", layout_block()), f"README layout does not mention dashboard/{name}"


@pytest.mark.parametrize("path", [f"{pkg}/{name}" for pkg in LISTED_BY_MODULE for name in modules(PACKAGE / pkg)])
def test_every_module_of_the_pipeline_is_in_the_layout(path):
    assert re.search(rf"\b{re.escape(path.split('/')[1])}", layout_block()), f"README layout does not mention dashboard/{path}"


def test_every_python_file_the_layout_names_exists():
    named = set(re.findall(r"\b([a-z_]+\.py)\b", layout_block()))
    existing = {p.name for p in ROOT.glob("*.py")} | {p.name for p in PACKAGE.rglob("*.py")}
    assert named <= existing, f"README layout names files that are gone: {sorted(named - existing)}"
