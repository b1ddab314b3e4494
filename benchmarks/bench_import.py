"""Benchmark: importing a million activities against a bare ``read_csv`` of the same file.

Not a test: run it by hand (``python benchmarks/bench_import.py``). It writes a
deterministic CSV of activity rows for the bundled sample communities, then
times, in one run,

(a) ``python -c "import pandas; pandas.read_csv(path, engine='pyarrow')"``: the
    bare read, in a fresh process like the import (best of three);
(b) ``python -m dashboard import FILE --table activities --mode replace`` in a
    subprocess, into a fresh SQLite database that already holds the sample
    communities (and, with ``--postgres URL``, the same against PostgreSQL,
    whose dashboard tables are dropped first: use a scratch database);
(c) with ``--before DIR``, the same import with the code in DIR (a checkout of
    an earlier commit, e.g. ``git archive REV | tar -x -C DIR``), side by side.

The goals (issue 14): an import within 3x the bare read on SQLite and 4x on
PostgreSQL, under 1 GB of peak resident memory. Peak memory is the child's
``ru_maxrss`` as ``os.wait4`` reports it. Each line also gives the import's CPU
time (steadier than wall time on a busy machine) and how long
``store.load_dataset`` then takes. ``--stages`` adds where the time goes (start
and imports, read, validate, the desk's preview, commit), measured in this process;
``--repeat N`` keeps the fastest of N runs. See README.md beside this file.
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
from processes import keep_bytecode  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from dashboard.ingest import diff  # noqa: E402
from dashboard.ingest.importing import import_path  # noqa: E402
from dashboard.ingest.reading import read_upload  # noqa: E402
from dashboard.ingest.validation import validate  # noqa: E402
from dashboard.storage import database, store, tables  # noqa: E402

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
GOALS = {"SQLite": 3.0, "PostgreSQL": 4.0}  # import wall time / bare read; peak memory under 1 GB


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


def run_cli(args: list[str], database_url: str, code: Path = ROOT) -> Run:
    """Run ``python -m dashboard ARGS`` (the code in ``code``) against ``database_url``; exit on failure."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": database_url, "PYTHONPATH": str(code)}
    env["DASHBOARD_UPLOAD_LIMIT_MB"] = "1000"  # the command line keeps the desk's 50 MB limit; the file is about 70 MB
    return run_process([sys.executable, "-m", "dashboard", *args], env, code)


def run_process(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command``; its wall and CPU time, peak memory and output. Exit on failure."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - our own
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{text}")
    # ru_maxrss is in KiB on Linux
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text)


def bare_read(path: Path, repeat: int = 3) -> Run:
    """The bare read in a fresh process (interpreter start and ``import pandas`` included, as for the import)."""
    script = f"import pandas; pandas.read_csv({str(path)!r}, engine='pyarrow')"
    runs = [run_process([sys.executable, "-c", script], dict(os.environ), ROOT) for _ in range(repeat)]
    return min(runs, key=lambda r: r.seconds)


def reset(url: str) -> None:
    """An empty database at ``url``: SQLite files removed, PostgreSQL's dashboard tables dropped."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        tables.metadata.drop_all(conn)
    engine.dispose()


def load_seconds(url: str, code: Path = ROOT) -> float:
    """How long ``store.load_dataset`` takes on what was imported (best of two), with the code in ``code``."""
    script = (
        "import sys, time; from dashboard.storage import database, store; "
        f"engine = database.engine_for({url.replace('postgresql://', 'postgresql+psycopg://', 1)!r}); times = []\n"
        "for _ in range(2):\n"
        "    start = time.perf_counter(); store.load_dataset(engine); times.append(time.perf_counter() - start)\n"
        "print(min(times))"
    )
    run = run_process([sys.executable, "-c", script], {**os.environ, "PYTHONPATH": str(code)}, code)
    return float(run.output.strip().splitlines()[-1])


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bench_import(label: str, path: Path, url: str, bare: Run, repeat: int, *, code: Path = ROOT) -> None:
    """Into an empty database holding the sample communities, time the replace import of ``path``."""
    runs = []
    for _ in range(repeat):
        reset(url)
        run_cli(["import", str(COMMUNITIES), "--table", "communities"], url, code)
        runs.append(run_cli(["import", str(path), "--table", "activities", "--mode", "replace"], url, code))
    run = min(runs, key=lambda r: r.seconds)
    goal = GOALS["PostgreSQL" if "PostgreSQL" in label else "SQLite"]
    print(
        f"bare read_csv(pyarrow), new process: {bare.seconds:.2f} s (CPU {bare.cpu:.2f} s) | import ({label}): "
        f"{run.seconds:.2f} s | ratio {run.seconds / bare.seconds:.1f}x (goal {goal:g}x) | CPU {run.cpu:.2f} s, "
        f"ratio {run.cpu / bare.cpu:.1f}x | peak RSS {run.peak / 2**20:.0f} MB | load_dataset {load_seconds(url, code):.2f} s",
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

    started = run_process([sys.executable, "-c", "import dashboard.cli.main, dashboard.ingest.importing"], dict(os.environ), ROOT)
    stages["start and imports (a new process)"] = (started.seconds, started.cpu)
    raw = stage("reading.read_upload", lambda: read_upload(data, path.name))
    report = stage("validation.validate", lambda: validate(raw, "activities", None))
    stage("hashlib.sha256", lambda: hashlib.sha256(data).hexdigest())
    frame = stage("Report.frame (for the preview)", lambda: report.frame)
    with tempfile.TemporaryDirectory() as folder:
        engine = database.engine_for(f"sqlite:///{folder}/stages.db")
        import_path(engine, COMMUNITIES, table="communities")
        active = stage("store.load_table (active, empty)", lambda: store.load_table(engine, "activities"))
        stage("diff.preview (replace)", lambda: diff.preview("activities", active, frame, "replace"))
        meta = store.ImportMeta("bench", path.name, "")
        stage("store.commit_frame (SQLite)", lambda: store.commit_frame(engine, "activities", report.arrow, "replace", meta))
        engine.dispose()
    for name, (seconds, cpu) in stages.items():
        print(f"  {name:<36} {seconds:6.2f} s  (CPU {cpu:.2f} s)")


def main(argv: list[str] | None = None) -> int:
    keep_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", metavar="URL", help="also import into this PostgreSQL database (tables are dropped!)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--repeat", type=int, default=1, help="import this many times and keep the fastest")
    parser.add_argument("--stages", action="store_true", help="also time read, validate and commit in this process")
    parser.add_argument("--keep", metavar="DIR", help="write the CSV and SQLite file here and keep them")
    parser.add_argument("--before", metavar="DIR", help="also import with the code in DIR (an earlier commit), side by side")
    args = parser.parse_args(argv)
    before = Path(args.before).resolve() if args.before else None
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        path = make_activities(args.rows, folder / "activities_bench.csv")
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        bare = bare_read(path)
        runs = [("SQLite", f"sqlite:///{folder / 'bench.db'}")] if not args.no_sqlite else []
        runs += [("PostgreSQL", args.postgres)] if args.postgres else []
        for label, url in runs:
            bench_import(label, path, url, bare, args.repeat)
            if before:
                bench_import(f"{label}, before", path, url, bare, args.repeat, code=before)
        if args.stages:
            print_stages(path)
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
