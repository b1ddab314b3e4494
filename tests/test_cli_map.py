"""`python -m dashboard map`: a standalone, offline map of the filtered communities."""

import re

from dashboard.cli.main import main
from dashboard.config import SAMPLE_DIR
from dashboard.ingest.importing import import_path


def _load(engine):
    import_path(engine, SAMPLE_DIR / "communities.csv", table="communities", mode="replace", user="test")


def test_map_writes_one_offline_file_with_the_filtered_communities(sqlite_engine, tmp_path, capsys):
    _load(sqlite_engine)
    out = tmp_path / "chengzhong.html"
    assert main(["map", "--out", str(out), "--district", "chengzhong", "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html)
    assert "Qianying Street Community" in html or "前营街社区" in html
    assert "Wrote a map of 29 communities" in capsys.readouterr().out


def test_map_by_type_and_a_wrong_extension(sqlite_engine, tmp_path, capsys):
    _load(sqlite_engine)
    assert main(["map", "--out", str(tmp_path / "m.html"), "--type", "harmony"]) == 0
    assert main(["map", "--out", str(tmp_path / "m.png")]) == 2
    assert main(["map", "--out", str(tmp_path / "m.html"), "--district", "nowhere"]) == 2
    assert "Traceback" not in capsys.readouterr().err
