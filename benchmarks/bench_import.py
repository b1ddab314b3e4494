"""Benchmark: importing a million activities against a bare ``read_csv`` of the same file.

Not a test: run it by hand (``python benchmarks/bench_import.py``). It writes a
deterministic CSV of activity rows for the bundled sample communities, then
times, in one run,

(a) ``pandas.read_csv(path, engine="pyarrow")`` of that file, in this process;
(b) ``python -m dashboard import FILE --table activities --mode replace`` in a
    subprocess, into a fresh SQLite database that already holds the sample
    communities (and, with ``--postgres URL``, the same against PostgreSQL,
    whose dashboard tables are dropped first: use a scratch database).

The goal is an import within 3x the bare read on SQLite and a peak resident
memory under 2 GB. Peak memory is the child's ``ru_maxrss`` as ``os.wait4``
reports it (what ``resource.getrusage(RUSAGE_CHILDREN)`` accumulates, but
per import instead of the maximum over every child so far). Each line also
gives the import's CPU time (steadier than wall time on a busy machine) and
how long ``store.load_dataset`` then takes. ``--stages`` adds where the time
goes (read, validate, hash, commit), measured in this process; ``--repeat N``
keeps the fastest of N imports. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the dashboard package is beside this folder

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from dashboard.ingest.importing import import_path  # noqa: E402
from dashboard.ingest.reading import read_upload  # noqa: E402
from dashboard.ingest.validation import validate  # noqa: E402
from dashboard.storage import database, store  # noqa: E402

COMMUNITIES = ROOT / "data" / "sample" / "communities.csv"
CATEGORIES = (
    "cleanup",
    "patrol",
    "elderly_care",
    "child_care",
    "policy_outreach",
    "culture",
    "health_service",
    "ethnic_unity",
    "party_building",
    "other",
)
TITLES = (
    "楼道清扫",
    "夜间治安巡逻",
    "高龄老人生日会",
    "四点半课堂",
    "政策宣讲进小区",
    "社区篮球友谊赛",
    "义诊进社区",
    "民族团结联欢会",
    "主题党日",
    "邻里议事会",
    "5号院环境整治",
    "",
)
SEED = 20250305


def make_activities(rows: int, path: Path, seed: int = SEED) -> Path:
    """Write ``rows`` activity rows (same seed, same file) for the sample communities."""
    rng = np.random.default_rng(seed)
    communities = pd.read_csv(COMMUNITIES, dtype=str)["community_id"].to_numpy()
    days = pd.date_range("2023-01-01", "2025-12-31", freq="D").strftime("%Y-%m-%d").to_numpy()
    hours = rng.integers(0, 4000, rows) / 2
    frame = pd.DataFrame(
        {
            "activity_id": [f"B{i:07d}" for i in range(1, rows + 1)],
            "community_id": communities[rng.integers(0, len(communities), rows)],
            "date": days[rng.integers(0, len(days), rows)],
            "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)],
            "title": np.array(TITLES)[rng.integers(0, len(TITLES), rows)],
            "participants": rng.integers(0, 300, rows),
            "volunteer_hours": hours,
            "party_members": rng.integers(0, 40, rows),
        }
    )
    frame.to_csv(path, index=False)
    return path


@dataclass
class Run:
    """One ``python -m dashboard`` run: wall and CPU seconds, peak resident memory, output."""

    seconds: float
    cpu: float
    peak: int  # bytes
    output: str


def run_cli(args: list[str], database_url: str) -> Run:
    """Run ``python -m dashboard ARGS`` against ``database_url``; exit on failure."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": database_url}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(  # noqa: S603 - our own module, our own arguments
            [sys.executable, "-m", "dashboard", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"python -m dashboard {' '.join(args)} failed:\n{text}")
    # ru_maxrss is in KiB on Linux
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text)


def reset(url: str) -> None:
    """An empty database at ``url``: SQLite files removed, PostgreSQL's dashboard tables dropped."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        database.metadata.drop_all(conn)
    engine.dispose()


def load_seconds(url: str) -> float:
    """How long ``store.load_dataset`` takes on what was imported (best of two, in this process)."""
    engine = database.engine_for(url.replace("postgresql://", "postgresql+psycopg://", 1))
    best = min(_timed(lambda: store.load_dataset(engine)) for _ in range(2))
    engine.dispose()
    return best


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bench_import(label: str, path: Path, url: str, bare: float, repeat: int) -> None:
    """Into an empty database holding the sample communities, time the replace import of ``path``."""
    runs = []
    for _ in range(repeat):
        reset(url)
        run_cli(["import", str(COMMUNITIES), "--table", "communities"], url)
        runs.append(run_cli(["import", str(path), "--table", "activities", "--mode", "replace"], url))
    run = min(runs, key=lambda r: r.seconds)
    print(
        f"bare read_csv(pyarrow): {bare:.2f} s | import ({label}): {run.seconds:.2f} s | "
        f"ratio {run.seconds / bare:.1f}x | peak RSS {run.peak / 2**20:.0f} MB | "
        f"import CPU {run.cpu:.2f} s | load_dataset {load_seconds(url):.2f} s",
        flush=True,
    )


def print_stages(path: Path) -> None:
    """Where an import spends its time, stage by stage, in this process (wall and CPU seconds)."""
    data = path.read_bytes()
    stages = {}

    def stage(name: str, work):
        start, cpu = time.perf_counter(), time.process_time()
        result = work()
        stages[name] = (time.perf_counter() - start, time.process_time() - cpu)
        return result

    raw = stage("reading.read_upload", lambda: read_upload(data, path.name))
    report = stage("validation.validate", lambda: validate(raw, "activities", None))
    stage("hashlib.sha256", lambda: hashlib.sha256(data).hexdigest())
    with tempfile.TemporaryDirectory() as folder:
        engine = database.engine_for(f"sqlite:///{folder}/stages.db")
        import_path(engine, COMMUNITIES, table="communities")
        meta = store.ImportMeta("bench", path.name, "")
        stage("store.commit_frame (SQLite)", lambda: store.commit_frame(engine, "activities", report.frame, "replace", meta))
        engine.dispose()
    for name, (seconds, cpu) in stages.items():
        print(f"  {name:<30} {seconds:6.2f} s  (CPU {cpu:.2f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", metavar="URL", help="also import into this PostgreSQL database (tables are dropped!)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--repeat", type=int, default=1, help="import this many times and keep the fastest")
    parser.add_argument("--stages", action="store_true", help="also time read, validate and commit in this process")
    parser.add_argument("--keep", metavar="DIR", help="write the CSV and SQLite file here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        path = make_activities(args.rows, folder / "activities_bench.csv")
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        bare = min(_timed(lambda: pd.read_csv(path, engine="pyarrow")) for _ in range(3))
        if not args.no_sqlite:
            bench_import("SQLite", path, f"sqlite:///{folder / 'bench.db'}", bare, args.repeat)
        if args.postgres:
            bench_import("PostgreSQL", path, args.postgres, bare, args.repeat)
        if args.stages:
            print_stages(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
