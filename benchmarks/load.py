"""Load: many readers during a meeting while staff import, against one app server.

Starts the dashboard (``streamlit run serve.py``) on a scratch database with the
bundled sample, then for ``--duration`` seconds runs ``--sessions`` browser
sessions at once (Playwright's async API: one Debian Chromium, one context per
session) that cycle through Overview, Map, Progress and a community's Profile,
each load a new navigation (a new Streamlit session, the old one dropped, as a
reader who opens a link), while ``python -m dashboard import`` adds a file of
new activities every ``--import-every`` seconds.

A load counts as **drawn** when the script has finished (``notRunning``, no
status widget, no skeleton) and the page's own content is there: the
Overview's seven metrics and its chart, the Map's points inside the map frame,
the Progress chart, the Profile's headline metrics. The **drawn time** runs
from the start of the navigation. A load is an **error** when it shows
Streamlit's error element or its "Connection error" box, or fails to draw
within ``--timeout`` seconds, or the navigation itself fails.

Printed: page loads, errors (with the first few), p50 and p95 drawn times
(all pages, then per page), the server's resident memory (VmRSS) when it is
up, when the run starts (after one warm-up visit of each page: the data loaded
and each page's code run once) and at the end, and for every import its exit
code and whether its version and rows are in the database afterwards. Goals:
0 errors, every import landed, RSS growth from the run's start to its end
under 20 %. Exit code 0 when all three are met.

    .venv/bin/python benchmarks/load.py                              # 20 sessions, 3 minutes, SQLite
    .venv/bin/python benchmarks/load.py --sessions 5 --duration 30 --import-every 10
    .venv/bin/python benchmarks/load.py --database postgresql://postgres@127.0.0.1:5432/scratch

``--database`` on PostgreSQL **drops the dashboard's tables** in that database
first: give it a scratch database. The test suite runs a short version
(tests/browser/test_load.py, marked ``load``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import Error as PlaywrightError  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402
from processes import keep_bytecode  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from dashboard import config  # noqa: E402
from dashboard.storage import database, store, tables  # noqa: E402
from scripts.headless import SERVER_SCRIPT, ServerDown, launch_options, stop, streamlit_command, wait_healthy  # noqa: E402

ERRORS = '[data-testid="stException"]'
CHARTS = '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
MAP_FRAME = 'iframe[src*="streamlit_folium.st_folium"]'
# Every shape in the map's overlay pane: 7 district outlines, then one per community (their form varies by type)
SHAPES = ".leaflet-overlay-pane path"
DRAWN_SHAPES = 50  # more than the outlines: the points are drawn
FINISHED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]');
}"""
IMPORT_ROWS = 200


@dataclass
class Load:
    session: int
    page: str
    started: float  # seconds since the run began
    seconds: float
    error: str = ""


@dataclass
class Import:
    at: float
    file: str
    exit_code: int
    seconds: float
    landed: bool = False
    output: str = ""  # the command's last lines, kept when it did not exit 0


@dataclass(frozen=True)
class Run:
    """Where and when: the server's address, the run's start and end (monotonic clock), a load's time limit."""

    base: str
    t0: float
    until: float
    timeout: float
    ramp: float = 0.0  # seconds between two sessions' arrivals


@dataclass
class Result:
    sessions: int
    duration: float
    loads: list[Load] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    warm_up: list[Load] = field(default_factory=list)
    server_runs: list[float] = field(default_factory=list)  # wall seconds of each script run during the run (DASHBOARD_TIMING)
    server_cpu: float = 0.0  # CPU seconds the server process used during the run (user + system)
    rss_mb: dict[str, float] = field(default_factory=dict)
    load_average: dict[str, list[float]] = field(default_factory=dict)

    def errors(self) -> list[Load]:
        return [load for load in self.loads if load.error]

    def drawn(self, page: str | None = None) -> list[float]:
        return sorted(x.seconds for x in self.loads if not x.error and (page is None or x.page == page))

    def growth(self) -> float:
        return self.rss_mb["end"] / self.rss_mb["run start"] - 1

    def goals_met(self) -> bool:
        landed = bool(self.imports) and all(i.landed for i in self.imports)
        return not self.errors() and landed and self.growth() < 0.20


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (values sorted); NaN when there are none."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(share * len(values) + 0.5) - 1))]


# --- the server -------------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_runs(log: Path, skip: int) -> list[float]:
    """Wall seconds of the script runs the server logged (DASHBOARD_TIMING=1), after the first ``skip``."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("[dashboard timing] page=")]
    return [float(line.split("seconds=")[1].split()[0]) for line in lines[skip:]]


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = streamlit_command(SERVER_SCRIPT, port)
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - our own
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server, log, timeout=120)
    except ServerDown as down:
        stop(server)
        raise SystemExit(str(down)) from None
    return server


# --- the readers ------------------------------------------------------------------------------------------


async def drawn(page, name: str, timeout_ms: float) -> None:
    """Until the page's run has ended and its own content is drawn."""
    await page.wait_for_function(FINISHED, timeout=timeout_ms, polling=250)
    if name == "overview":
        await page.wait_for_function(
            f"document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 7 && document.querySelector({CHARTS!r})",
            timeout=timeout_ms,
            polling=250,
        )
    if name in ("overview", "map"):
        shapes = page.frame_locator(MAP_FRAME).first.locator(SHAPES)
        await shapes.nth(DRAWN_SHAPES - 1).wait_for(state="attached", timeout=timeout_ms)
    if name == "progress":
        await page.wait_for_selector(CHARTS, timeout=timeout_ms)
    if name == "profile":
        await page.wait_for_function(
            "document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 4", timeout=timeout_ms, polling=250
        )
    await page.wait_for_function(FINISHED, timeout=timeout_ms, polling=250)


async def problem_shown(page) -> str:
    """The error element's text or Streamlit's connection error, if the page shows either."""
    errors = page.locator(ERRORS)
    if await errors.count():
        return "error element: " + (await errors.first.inner_text())[:200]
    if await page.get_by_text("Connection error", exact=False).count():
        return "connection error box"
    return ""


async def load_once(page, number: int, name: str, path: str, run: Run) -> Load:
    """Open ``path`` in ``page`` and wait until it is drawn; what it took, or what went wrong."""
    started = time.monotonic()
    error = ""
    try:
        await page.goto(run.base + path, wait_until="commit", timeout=run.timeout * 1000)
        await drawn(page, name, run.timeout * 1000)
        error = await problem_shown(page)
    except PlaywrightError as failure:
        error = f"{type(failure).__name__}: {str(failure).splitlines()[0][:200]}"
        error = (await problem_shown(page)) or error
    return Load(number, name, started - run.t0, time.monotonic() - started, error)


async def reader(number: int, browser, pages: list[tuple[str, str]], run: Run, out: list[Load]) -> None:
    """One session: a context of its own, cycling through the pages (starting at a different one each).

    Session ``number`` arrives ``number * run.ramp`` seconds into the run, as readers come into a meeting.
    """
    await asyncio.sleep(number * run.ramp)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = await context.new_page()
    turn = number
    try:
        while time.monotonic() < run.until:
            name, path = pages[turn % len(pages)]
            turn += 1
            out.append(await load_once(page, number, name, path, run))
    finally:
        await context.close()


# --- the importer -----------------------------------------------------------------------------------------


def activities_file(folder: Path, number: int, communities: np.ndarray) -> Path:
    rng = np.random.default_rng(number)
    path = folder / f"load-import-{number:02d}.csv"
    pd.DataFrame(
        {
            "activity_id": [f"LOAD{number:02d}-{i:05d}" for i in range(IMPORT_ROWS)],
            "community_id": communities[rng.integers(0, len(communities), IMPORT_ROWS)],
            "date": pd.Timestamp("2025-06-01").strftime("%Y-%m-%d"),
            "category": "patrol",
            "title": f"负载测试 {number}",
            "participants": rng.integers(1, 50, IMPORT_ROWS),
        }
    ).to_csv(path, index=False)
    return path


async def importer(env: dict[str, str], folder: Path, every: float, run: Run, out: list[Import]) -> None:
    """``python -m dashboard import`` of a new file every ``every`` seconds, first at half the interval."""
    communities = pd.read_csv(config.SAMPLE_DIR / "communities.csv", dtype=str)["community_id"].to_numpy()
    number = 0
    while True:
        due = run.t0 + every / 2 + number * every
        if due >= run.until:
            return
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        path = activities_file(folder, number, communities)
        started = time.monotonic()
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dashboard", "import", str(path), "--table", "activities", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        printed, _ = await child.communicate()
        code = child.returncode if child.returncode is not None else -1
        tail = "" if code == 0 else printed.decode(errors="replace")[-1500:]
        out.append(Import(started - run.t0, path.name, code, time.monotonic() - started, output=tail))
        number += 1


def check_landed(url: str, imports: list[Import]) -> None:
    """An import landed when its version is in the history with its rows, and its rows are active."""
    engine = create_engine(database.engine_for(url).url)
    try:
        history = {v["file"]: v for v in store.list_versions(engine, "activities")}
        active = set(store.load_table(engine, "activities")["activity_id"])
    finally:
        engine.dispose()
    for item in imports:
        version = history.get(item.file)
        ids = {f"LOAD{item.file[12:14]}-{i:05d}" for i in range(IMPORT_ROWS)}
        item.landed = item.exit_code == 0 and version is not None and version["rows"] == IMPORT_ROWS and ids <= active


# --- the run ----------------------------------------------------------------------------------------------


async def drive(args: argparse.Namespace, env: dict[str, str], folder: Path, server: subprocess.Popen, result: Result) -> None:
    base = f"http://127.0.0.1:{args.port}"
    community = pd.read_csv(config.SAMPLE_DIR / "communities.csv", dtype=str)["community_id"].iloc[0]
    pages = [
        ("overview", "/?lang=en"),
        ("map", "/map?lang=en"),
        ("progress", "/progress?lang=en"),
        ("profile", f"/profile?community={community}&lang=en"),
    ]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options())
        context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page = await context.new_page()
        warm_up = Run(base, time.monotonic(), 0, args.timeout)
        warm = result.warm_up = [await load_once(page, -1, name, path, warm_up) for name, path in pages]
        await context.close()
        if any(w.error for w in warm):  # the data loaded and each page's code run once: the run's memory baseline
            raise SystemExit(f"the warm-up failed: {[w.error for w in warm if w.error]}")
        result.rss_mb["run start"] = rss_mb(server.pid)
        cpu_start, logged = cpu_seconds(server.pid), len(timed_runs(folder / "server.log", 0))
        result.load_average["run start"] = list(os.getloadavg())
        t0 = time.monotonic()
        run = Run(base, t0, t0 + args.duration, args.timeout, args.ramp / max(1, args.sessions))
        peak = [result.rss_mb["run start"]]

        async def watch_memory() -> None:
            while time.monotonic() < run.until:
                peak.append(rss_mb(server.pid))
                await asyncio.sleep(2)

        tasks = [reader(i, browser, pages, run, result.loads) for i in range(args.sessions)]
        await asyncio.gather(*tasks, importer(env, folder, args.import_every, run, result.imports), watch_memory())
        result.duration = time.monotonic() - t0
        result.server_cpu = cpu_seconds(server.pid) - cpu_start
        result.server_runs = sorted(timed_runs(folder / "server.log", logged))
        await browser.close()
    result.rss_mb["end"] = rss_mb(server.pid)
    result.rss_mb["peak"] = max([*peak, result.rss_mb["end"]])
    result.load_average["end"] = list(os.getloadavg())
    if args.settle:  # every browser is closed: Streamlit keeps a disconnected session server.disconnectedSessionTTL s
        await asyncio.sleep(args.settle)
        result.rss_mb["after settle"] = rss_mb(server.pid)


def report(result: Result) -> str:
    lines = [
        f"sessions {result.sessions}, {result.duration:.0f} s, page loads {len(result.loads)}, "
        f"errors {len(result.errors())} (error element or connection error: "
        f"{sum(e.error.startswith(('error element', 'connection')) for e in result.errors())})",
    ]
    lines.append("warm-up, one session alone: " + ", ".join(f"{w.page} {w.seconds:.2f} s" for w in result.warm_up))
    times = result.drawn()
    lines.append(f"drawn: p50 {percentile(times, 0.5):.2f} s, p95 {percentile(times, 0.95):.2f} s (all pages)")
    for page in ("overview", "map", "progress", "profile"):
        mine = result.drawn(page)
        lines.append(f"  {page:<9} {len(mine):>4} loads  p50 {percentile(mine, 0.5):6.2f} s  p95 {percentile(mine, 0.95):6.2f} s")
    runs = result.server_runs
    lines.append(
        f"server: {len(runs)} script runs, p50 {percentile(runs, 0.5):.2f} s, p95 {percentile(runs, 0.95):.2f} s; "
        f"{result.server_cpu:.0f} s of CPU in {result.duration:.0f} s ({result.server_cpu / result.duration:.0%} of one core)"
    )
    rss = result.rss_mb
    lines.append(
        f"server RSS: idle {rss['idle']:.0f} MB, run start {rss['run start']:.0f} MB, end {rss['end']:.0f} MB "
        f"(growth {result.growth():+.1%}), peak {rss['peak']:.0f} MB"
    )
    if "after settle" in rss:
        settled = rss["after settle"] / rss["run start"] - 1
        lines.append(f"server RSS with every session closed and expired: {rss['after settle']:.0f} MB ({settled:+.1%})")
    landed = sum(i.landed for i in result.imports)
    lines.append(f"imports: {landed} of {len(result.imports)} landed")
    lines += [
        f"  at {i.at:5.1f} s  {i.file}  exit {i.exit_code}  {i.seconds:.1f} s  {'landed' if i.landed else 'NOT LANDED'}"
        for i in result.imports
    ]
    lines += [f"  {i.file} printed:\n{i.output}" for i in result.imports if i.output]
    for error in result.errors()[:5]:
        lines.append(f"  error: session {error.session} {error.page} at {error.started:.1f} s: {error.error}")
    load = result.load_average
    lines.append(f"load average (1, 5, 15 min): start {load['run start']}, end {load['end']}")
    verdict = "MET" if result.goals_met() else "NOT MET"
    lines.append(f"goals (0 errors, every import landed, RSS growth < 20 %): {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    keep_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=180, help="seconds")
    parser.add_argument("--import-every", type=float, default=30, help="seconds between CLI imports")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a load may take before it counts as an error")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the sessions arrive (one after another)")
    parser.add_argument(
        "--settle",
        type=float,
        default=0,
        help="after the run, seconds to wait with every browser closed before reading the RSS again "
        "(130: past Streamlit's 120 s for a disconnected session)",
    )
    parser.add_argument("--port", type=int, default=8664)
    parser.add_argument("--database", help="SQLAlchemy URL of a scratch database (default: a new SQLite file)")
    parser.add_argument("--json", help="write the result (every load and import) to this file")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="juping-load-"))
    url = args.database or f"sqlite:///{folder / 'load.db'}"
    if args.database and url.startswith("postgresql"):
        engine = create_engine(database.engine_for(url.replace("postgresql://", "postgresql+psycopg://", 1)).url)
        with engine.begin() as conn:
            tables.metadata.drop_all(conn)
        engine.dispose()
    env = {
        **os.environ,
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_LANG": "en",
        "DASHBOARD_BASEMAP": "none",
        "DASHBOARD_TIMING": "1",
        "DASHBOARD_WATCH_SECONDS": "",  # as deployed (the tests set 0 for pages run in-process)
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),  # as deploy/systemd/juping@.service
    }
    subprocess.run([sys.executable, "-m", "dashboard", "sample"], cwd=ROOT, env=env, check=True, capture_output=True)
    result = Result(args.sessions, args.duration)
    server = start_server(env, args.port, folder / "server.log")
    try:
        result.rss_mb["idle"] = rss_mb(server.pid)
        asyncio.run(drive(args, env, folder, server, result))
    finally:
        stop(server)
    check_landed(url.replace("postgresql://", "postgresql+psycopg://", 1), result.imports)
    print(report(result))
    if args.json:
        Path(args.json).write_text(
            json.dumps({**asdict(result), "goals_met": result.goals_met(), "growth": result.growth()}, indent=1),
            encoding="utf-8",
        )
    return 0 if result.goals_met() else 1


if __name__ == "__main__":
    sys.exit(main())
