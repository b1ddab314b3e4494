"""Benchmark: the Overview and Map pages in headless Chromium, at three data sizes, against a naive baseline.

Not a test: run it by hand (``.venv/bin/python benchmarks/bench_pages.py``;
about 6 minutes on 2 cores, most of it the baseline at country size). For
each size it builds a scratch SQLite database once
(``datagen.build_database``): the bundled sample (~180 communities, ~40,000
activities), a province (2,000 communities, 200,000 activities) and a
country (10,000 communities, 1,000,000 activities). Then, for the dashboard
(``streamlit run serve.py``) and for the baseline (``baseline_app.py``:
reads the database on every rerun, one folium.Marker per community) in turn,
it starts the server with ``DASHBOARD_TIMING=1`` and measures:

* **load**: from navigation (the page's ``performance.timeOrigin``) until the
  page is *fully drawn*, each time in a new tab: a new Streamlit session.
  *Cold* is the first Overview after the server started, in a new browser
  context (nothing cached in the browser; the server loads the data), then
  the first Map; *warm* is the median of the next ``--reps`` loads of each
  page in that same context (the browser has Streamlit's scripts cached, as
  a returning visitor has; the server has the data). Each warm load is also
  split at the app's script state: navigation to the first run starting,
  the run(s), and the end of the last run to fully drawn.
* **filter rerun**: on a drawn Overview, a district (then another, then a
  type) chosen in the sidebar: a filter set not seen before each time, so
  nothing is served from a cache of that filter set. *Server* is the
  script's own time as the app logs it (``DASHBOARD_TIMING=1``: wall and
  CPU of the script thread); *browser, to script end* is from the press on
  the option until the app's script state is back to ``notRunning`` and the
  status widget is gone; *browser, to redrawn* until the page is fully
  drawn again with the new map.
* **after an import elsewhere**: after the filter reruns, a few activities are
  appended by ``python -m dashboard import`` (another process, as an upload
  on another replica: a new data version this server learns of only from
  the database); ``--settle-after-import`` seconds later (25) an Overview in
  a new tab: drawn, and its server run. With the server's look at the
  version (``DASHBOARD_WATCH_SECONDS``) the data is loaded by then; before
  it, this visitor paid the load.
* **after a restart, browser cached**: last, the server is stopped and a
  new one started on the same port (as at a deploy), and an Overview opens
  in the same browser context as soon as it answers: the server cold (its
  start-up load still running), the browser holding Streamlit's scripts,
  as for a returning visitor. *Drawn, cold* above has both cold.
* **memory**: the resident memory (VmRSS, and its peak VmHWM, from
  ``/proc/PID/status``) of the server process after the runs, and with
  ``--sessions`` tabs open on the Overview (country size by default).

*Fully drawn* means, all at once: the app's ``data-test-script-state`` is
``notRunning``; no ``[data-testid="stStatusWidget"]``; no
``[data-testid="stException"]``; 7 ``[data-testid="stMetric"]`` (Overview);
every ``[data-testid="stVegaLiteChart"]`` holds ``svg.marks`` or a canvas;
every ``[data-testid="stDataFrame"]`` holds its canvas; and in the map
iframe (``iframe[src*="streamlit_folium.st_folium"]``) a
``.leaflet-container`` whose points are drawn: at least one
``path.leaflet-interactive`` per community in the overlay pane (SVG, up to
3,000 points), or for more points a non-empty overlay canvas plus the legend
(added after the points layer); for the baseline one
``img.leaflet-marker-icon`` per community.

Goals (the issue): Overview and Map drawn within 1.5 s (sample) and 3 s
(country); a filter rerun within 200 ms (sample) and 1 s (country); under
1 GB of server memory at country size with 20 sessions. Province figures are
reported without a goal. The load goals are judged on the warm median; the
rerun goal on the median server time (the issue's "server time of a rerun")
and, separately, on the browser's time to the end of the script.

Timings on a shared machine vary with its load: the CPU figures of the
script thread, and the load average printed at the end, tell how busy it was.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import datagen  # noqa: E402
from processes import keep_bytecode  # noqa: E402

from dashboard import config  # noqa: E402
from scripts import headless  # noqa: E402
from scripts.headless import SERVER_SCRIPT, ServerDown, free_port, launch_options, streamlit_command, wait_healthy  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}
SIZES = {"sample": None, "province": (2_000, 200_000), "country": (10_000, 1_000_000)}
GOALS = {  # size -> (load seconds, filter rerun seconds); None: no goal
    "sample": (1.5, 0.2),
    "province": (None, None),
    "country": (3.0, 1.0),
}
COLD_GOALS = {"country": (1.5, 3.0)}  # size -> (cold Overview server run, cold Overview drawn), issue 14
MEMORY_GOAL = 1024  # MB at country size with --sessions sessions
CANVAS_THRESHOLD = 3000  # dashboard.render.maps: above this many points Leaflet draws on canvas
TIMEOUT_MS = 180_000
FILTERS_OURS = [(0, "chengxi", "districts"), (0, "chengdong", "districts"), (1, "caring", "types")]
FILTERS_BASELINE = FILTERS_OURS[:2]

DRAWN = """({metrics, points, markers, canvas}) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (document.querySelector('[data-testid="stException"]')) return 'error';
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelectorAll('[data-testid="stMetric"]').length < metrics) return false;
  for (const chart of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    if (!chart.querySelector('svg.marks, canvas')) return false;
  }
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!grid.querySelector('canvas')) return false;
  }
  const frame = document.querySelector('iframe[src*="streamlit_folium.st_folium"]:not([data-bench-stale])');
  const doc = frame && frame.contentDocument;
  const box = doc && doc.querySelector('.leaflet-container');
  if (!box) return false;
  if (markers) {
    if (box.querySelectorAll('img.leaflet-marker-icon').length < points) return false;
  } else if (canvas) {
    if (!box.querySelector('.ju-map-legend')) return false;
    const surface = box.querySelector('.leaflet-overlay-pane canvas');
    if (!surface || !surface.width || !surface.height) return false;
    const pixels = surface.getContext('2d').getImageData(0, 0, surface.width, surface.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4 * 97) { if (pixels[i]) { painted++; } }
    if (painted < 50) return false;
  } else {
    if (box.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length < points) return false;
  }
  return performance.now();
}"""

WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__benchStates = [];
  window.__benchPress = null;
  document.addEventListener('pointerdown', () => { window.__benchPress = performance.now(); }, {capture: true, once: true});
  new MutationObserver(() => {
    window.__benchStates.push([app.getAttribute('data-test-script-state'), performance.now()]);
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  document.querySelectorAll('iframe[src*="streamlit_folium.st_folium"]').forEach(f => f.setAttribute('data-bench-stale', '1'));
  return performance.now();
}"""

RERUN_DONE = """(t0) => {
  const states = window.__benchStates || [];
  let ran = false;
  for (const [state, at] of states) {
    if (at < t0) continue;
    if (state === 'running') ran = true;
    if (ran && state === 'notRunning' && !document.querySelector('[data-testid="stStatusWidget"]')) return at;
  }
  return false;
}"""


@dataclass
class Server:
    """A running app: its process, URL and log of script-run times."""

    kind: str
    process: subprocess.Popen
    base: str
    log: Path
    scratch: Path | None = None
    _offset: int = 0

    def mark(self) -> None:
        self._offset = self.log.stat().st_size

    def runs_since_mark(self) -> list[tuple[float, float]]:
        """(wall seconds, CPU seconds) of the script runs logged since ``mark``.

        CPU is the whole process's during the run where the app logs it (``process_cpu``: a data load in a
        background thread that the run waited for counts), else the script thread's (earlier code, the baseline).
        """
        with self.log.open("rb") as handle:
            handle.seek(self._offset)
            text = handle.read().decode("utf-8", "replace")
        runs = []
        for line in text.splitlines():
            if "[dashboard timing] page=" in line:  # not the background loads' lines ("preload")
                fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
                runs.append((float(fields["seconds"]), float(fields.get("process_cpu", fields.get("cpu", "nan")))))
        return runs

    def memory_mb(self) -> tuple[float, float]:
        """(VmRSS, VmHWM) of the server process in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        values = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
        return values["VmRSS"] / 1024, values["VmHWM"] / 1024

    def stop(self) -> None:
        headless.stop(self.process)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def start_server(kind: str, url: str, logs: Path, before: Path | None = None, port: int | None = None) -> Server:
    """The dashboard (``kind="ours"``; ``"before"``: its code in ``before``) or the baseline on a port (default: a free
    one), logging run times."""
    port = port or free_port()
    env = {
        **os.environ,
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_TIMING": "1",
        "DASHBOARD_LANG": "zh",
        "DASHBOARD_BASEMAP": "none",
        "BENCH_REPO": str(ROOT),
    }
    scratch = None
    if kind == "ours":
        command, cwd = streamlit_command(SERVER_SCRIPT, port), ROOT
    elif kind == "before" and before is not None:  # the dashboard as an earlier commit had it (before serve.py: app.py)
        command, cwd = streamlit_command(SERVER_SCRIPT if (before / SERVER_SCRIPT).exists() else "app.py", port), before
        env["PYTHONPATH"] = str(before)
    else:  # Streamlit serves the static/ folder next to the main script: give the baseline the repository's
        scratch = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
        shutil.copy(Path(__file__).with_name("baseline_app.py"), scratch / "baseline_app.py")
        (scratch / "static").symlink_to(ROOT / "static", target_is_directory=True)
        command = streamlit_command(
            str(scratch / "baseline_app.py"), port, "--server.enableStaticServing", "true", "--client.toolbarMode", "minimal"
        )
        cwd = scratch
    log = logs / f"server-{kind}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    server = Server(kind, process, f"http://127.0.0.1:{port}", log, scratch)
    try:
        wait_healthy(server.base, process, log, timeout=90)
    except ServerDown as down:
        server.stop()
        raise SystemExit(f"{kind} server: {down}") from None
    return server


@dataclass
class Figures:
    """What one app showed at one size (seconds; server runs as (wall, CPU) pairs)."""

    cold: dict[str, float] = field(default_factory=dict)
    cold_server: dict[str, list] = field(default_factory=dict)
    warm: dict[str, list[float]] = field(default_factory=dict)
    warm_server: dict[str, list] = field(default_factory=dict)
    filter_browser: list[float] = field(default_factory=list)
    filter_server: list = field(default_factory=list)
    filter_drawn: list[float] = field(default_factory=list)
    after_import: float | None = None
    after_import_server: tuple = ()
    after_restart: float | None = None
    after_restart_server: tuple = ()
    memory: tuple[float, float] | None = None
    sessions_memory: tuple[float, float] | None = None
    sessions: int = 0


def page_path(kind: str, page: str) -> str:
    if kind != "baseline":
        return "/" if page == "overview" else f"/{page}"  # the default page answers at /
    return "/?page=map" if page == "map" else "/"


def drawn_args(kind: str, page: str, points: int) -> dict:
    return {
        "metrics": 7 if page == "overview" else 0,
        "points": points,
        "markers": kind == "baseline",
        "canvas": kind != "baseline" and points > CANVAS_THRESHOLD,
    }


def wait_drawn(pg, args: dict) -> float:
    """performance.now() when the page was first seen fully drawn."""
    result = pg.wait_for_function(DRAWN, arg=args, polling=50, timeout=TIMEOUT_MS).json_value()
    if result == "error":
        raise SystemExit(f"the page shows an exception: {pg.url}")
    return float(result)


PHASES = """(() => {
  window.__benchPhases = [];
  new MutationObserver(records => {
    for (const r of records) {
      window.__benchPhases.push([r.target.getAttribute('data-test-script-state'), performance.now()]);
    }
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
})();"""


def new_context(browser):
    """A browser context whose pages note when the app's script starts and ends running."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(PHASES)
    return context


def phases(pg, drawn_ms: float) -> tuple[float, float, float]:
    """(navigation → first run starts, → last run ends, → drawn) in seconds."""
    states = pg.evaluate("() => window.__benchPhases || []")
    started = next((at for state, at in states if state == "running"), float("nan"))
    ended = max((at for state, at in states if state == "notRunning" and at <= drawn_ms), default=float("nan"))
    return started / 1000, (ended - started) / 1000, (drawn_ms - ended) / 1000


def load(context, server: Server, page: str, points: int, *, keep: bool = False) -> tuple[float, list]:
    """Seconds from navigation until fully drawn in a new tab (a new session), and the server runs it caused."""
    pg = context.new_page()
    server.mark()
    pg.goto(server.base + page_path(server.kind, page))
    drawn = wait_drawn(pg, drawn_args(server.kind, page, points))
    time.sleep(0.2)  # a run the page's components would trigger after drawing shows in the log
    runs = server.runs_since_mark()
    split = phases(pg, drawn)
    if not keep:
        pg.close()
    return drawn / 1000, [*runs, ("phases", split)]


def choose(pg, which: int, label: str):
    """Open the sidebar multiselect number ``which``; the option ``label``, to click."""
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(which)
    box.locator("input").first.click()
    option = pg.get_by_role("option", name=label, exact=False).first
    option.wait_for()
    return option


def filter_reruns(context, server: Server, counts: dict, figures: Figures, changes: list) -> None:
    """Choose filters one after another on a drawn Overview; time each rerun."""
    pg = context.new_page()
    pg.goto(server.base + page_path(server.kind, "overview"))
    wait_drawn(pg, drawn_args(server.kind, "overview", counts["all"]))
    chosen: dict[str, set[str]] = {"districts": set(), "types": set()}
    for which, code, vocab in changes:
        chosen[vocab].add(code)
        option = choose(pg, which, config.label(vocab, code, "zh"))
        server.mark()
        t0 = pg.evaluate(WATCH)
        option.click()
        done = pg.wait_for_function(RERUN_DONE, arg=t0, polling=10, timeout=TIMEOUT_MS).json_value()
        drawn = wait_drawn(pg, drawn_args(server.kind, "overview", counts["match"](chosen)))
        t0 = pg.evaluate("() => window.__benchPress") or t0  # the press on the option, not the call to click it
        time.sleep(0.2)
        figures.filter_browser.append((done - t0) / 1000)
        figures.filter_drawn.append((drawn - t0) / 1000)
        figures.filter_server.append(total(server.runs_since_mark()))
        pg.keyboard.press("Escape")
    pg.close()


def total(runs: list) -> tuple[float, ...]:
    """The runs' summed (wall, CPU) seconds, and the page's phases when noted."""
    logged = [r for r in runs if r[0] != "phases"]
    split = next((r[1] for r in runs if r[0] == "phases"), ())
    return (sum(r[0] for r in logged), sum(r[1] for r in logged), *split)


def import_elsewhere(url: str, folder: Path) -> None:
    """A few new activities appended through the command line (another process, as a district's upload on another
    replica would be): a new data version the server learns of only from the database."""
    from sqlalchemy import create_engine  # noqa: PLC0415

    engine = create_engine(url)
    with engine.connect() as conn:
        community = conn.exec_driver_sql("SELECT community_id FROM communities WHERE vto IS NULL LIMIT 1").scalar_one()
    engine.dispose()
    stamp = int(time.time())
    rows = "".join(f"BENCH{stamp}{i},{community},2025-05-0{i + 1},patrol,巡逻,{i + 2}\n" for i in range(3))
    path = folder / f"elsewhere-{stamp}.csv"
    path.write_text("activity_id,community_id,date,category,title,participants\n" + rows, encoding="utf-8")
    command = [sys.executable, "-m", "dashboard", "import", str(path), "--table", "activities", "--mode", "append"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "DASHBOARD_DATABASE_URL": url}, check=True, capture_output=True)  # noqa: S603


def measure(
    browser,
    server: Server,
    counts: dict,
    *,
    reps: int,
    sessions: int,
    changes: list,
    elsewhere: tuple[str, float] | None = None,
    restart: Callable[[Server], Server] | None = None,
) -> Figures:
    """Every figure of one app at one size.

    The first Overview opens in a new browser context (nothing cached in the
    browser; the server loads the data); its context, now holding
    Streamlit's scripts in its cache, serves every later load, each in a new
    tab, so a new Streamlit session. With ``restart`` (which stops the server
    and starts a new one on its port), the last figure is the first Overview
    after a restart in that context: a returning visitor after a deploy, the
    server cold and the browser not.
    """
    figures = Figures()
    context = new_context(browser)
    try:
        for page in ("overview", "map"):
            seconds, runs = load(context, server, page, counts["all"])
            figures.cold[page], figures.cold_server[page] = seconds, total(runs)
        for page in ("overview", "map"):
            figures.warm[page], figures.warm_server[page] = [], []
            for _ in range(reps):
                seconds, runs = load(context, server, page, counts["all"])
                figures.warm[page].append(seconds)
                figures.warm_server[page].append(total(runs))
        filter_reruns(context, server, counts, figures, changes)
        if elsewhere:  # the first Overview after a version committed elsewhere: loaded in the background meanwhile?
            url, settle = elsewhere
            import_elsewhere(url, server.log.parent)
            time.sleep(settle)
            figures.after_import, runs = load(context, server, "overview", counts["all"])
            figures.after_import_server = total(runs)
        figures.memory = server.memory_mb()
        if sessions:
            pages = []
            for _ in range(sessions):
                load(context, server, "overview", counts["all"], keep=True)
            time.sleep(1)
            figures.sessions_memory, figures.sessions = server.memory_mb(), sessions
            del pages
        if restart:
            server = restart(server)
            figures.after_restart, runs = load(context, server, "overview", counts["all"])
            figures.after_restart_server = total(runs)
    finally:
        context.close()
    return figures


def community_counts(url: str) -> dict:
    """How many communities there are, and a function counting those a filter keeps."""
    from sqlalchemy import create_engine  # noqa: PLC0415

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT district, characteristic FROM communities WHERE vto IS NULL AND vfrom = (SELECT max(vfrom) FROM communities)"
        ).all()
    engine.dispose()

    def match(chosen: dict[str, set[str]]) -> int:
        return sum(
            1
            for district, kind in rows
            if (not chosen["districts"] or district in chosen["districts"]) and (not chosen["types"] or kind in chosen["types"])
        )

    return {"all": len(rows), "match": match}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(value: float, goal: float | None) -> str:
    if goal is None:
        return ""
    return f"{'PASS' if value <= goal else 'MISS'} (goal ≤ {goal:g})"


def _cell(value: float | None, unit: str) -> str:
    return f"{value:9.2f}{unit}" if value is not None and value == value else f"{'-':>10}"  # noqa: PLR0124 - NaN check


def _row(size: str, name: str, values: tuple[float | None, float | None, float | None], goal: float | None, unit: str) -> str:
    """One line: ours, before, baseline, the baseline's ratio to ours, and the goal's verdict on ours."""
    mine, before, theirs = values
    ratio = f"{theirs / mine:7.1f}x" if theirs is not None and mine else "       -"
    cells = " ".join(_cell(v, unit) for v in (mine, before, theirs))
    return f"{size:<9} {name:<46} {cells} {ratio}  {verdict(mine, goal) if mine is not None else ''}".rstrip()


def _one_load_rows(name: str, of: Callable[[Figures], tuple[float | None, tuple]]) -> list:
    """The table rows of one measured load: drawn, and its server run's wall and CPU seconds."""
    return [
        (f"{name}: drawn", lambda f: of(f)[0], None, "s"),
        (f"{name}: server (wall)", lambda f: of(f)[1][0] if of(f)[1] else None, None, "s"),
        (f"{name}: server (CPU)", lambda f: of(f)[1][1] if of(f)[1] else None, None, "s"),
    ]


def _figure_rows(size: str, ours: Figures) -> list[tuple[str, Callable[[Figures], float | None], float | None, str]]:
    """(name, how to read it from one app's figures, goal, unit) for every line of one size."""
    load_goal, rerun_goal = GOALS[size]
    cold_server, cold_drawn = COLD_GOALS.get(size, (None, None))

    def warm(page: str, index: int) -> Callable[[Figures], float | None]:
        return lambda f: median([r[index] for r in f.warm_server[page]]) if f.warm[page] else None

    rows: list[tuple[str, Callable[[Figures], float | None], float | None, str]] = []
    for page in ("overview", "map"):
        overview = page == "overview"
        rows += [
            (f"{page}: drawn, warm (median of {len(ours.warm[page])})", lambda f, p=page: median(f.warm[p]), load_goal, "s"),
            (f"{page}: drawn, cold", lambda f, p=page: f.cold.get(p), cold_drawn if overview else None, "s"),
            (f"{page}: server run, cold (wall)", lambda f, p=page: f.cold_server[p][0], cold_server if overview else None, "s"),
            (f"{page}: server run, cold (CPU)", lambda f, p=page: f.cold_server[p][1], None, "s"),
            (f"{page}: server run, warm (wall)", warm(page, 0), None, "s"),
            (f"{page}: server run, warm (CPU)", warm(page, 1), None, "s"),
        ]
        rows += [
            (f"{page}: warm, browser: {phase}", warm(page, index), None, "s")
            for index, phase in ((2, "to script start"), (3, "script running"), (4, "script end to drawn"))
        ]
    rows += [
        (
            f"filter rerun: server wall (median of {len(ours.filter_server)})",
            lambda f: median([r[0] for r in f.filter_server]),
            rerun_goal,
            "s",
        ),
        ("filter rerun: server CPU (median)", lambda f: median([r[1] for r in f.filter_server]), None, "s"),
        ("filter rerun: browser, to script end (median)", lambda f: median(f.filter_browser), rerun_goal, "s"),
        ("filter rerun: browser, to redrawn (median)", lambda f: median(f.filter_drawn), None, "s"),
        *_one_load_rows("overview after an import elsewhere", lambda f: (f.after_import, f.after_import_server)),
        *_one_load_rows("overview after a restart, browser cached", lambda f: (f.after_restart, f.after_restart_server)),
        ("server RSS after the runs", lambda f: f.memory[0] if f.memory else None, None, "MB"),
    ]
    return rows


def report(results: dict) -> list[str]:
    """The table of figures: ours, before (``--before``) and the baseline (ratio = baseline / ours), each goal's verdict."""
    head = f"{'size':<9} {'figure':<46} {'ours':>10} {'before':>10} {'baseline':>10} {'ratio':>8}  goal"
    lines = [head, "-" * (len(head) + 16)]
    for size, (ours, base, meta, before) in results.items():
        lines.append(f"{size:<9} {meta}")
        for name, read, goal, unit in _figure_rows(size, ours):
            values = (read(ours), read(before) if before else None, read(base) if base else None)
            lines.append(_row(size, name, values, goal, unit))
        if ours.sessions_memory:
            goal = MEMORY_GOAL if size == "country" and ours.sessions >= 20 else None
            name = f"server RSS, {ours.sessions} sessions open"
            lines.append(
                _row(size, name, (ours.sessions_memory[0], None, None), goal, "MB") + f"  (peak {ours.sessions_memory[1]:.0f} MB)"
            )
    return lines


def measure_app(browser, kind: str, size: str, *, url: str, counts: dict, args, scratch: Path) -> Figures:
    """Start one app on one database, measure it, stop it."""
    t = time.perf_counter()
    before = Path(args.before).resolve() if args.before else None
    server = start_server(kind, url, scratch, before)

    def restart(old: Server) -> Server:
        nonlocal server
        old.stop()
        server = start_server(kind, url, scratch, before, port=int(old.base.rsplit(":", 1)[1]))
        return server

    try:
        if kind in ("ours", "before"):
            figures = measure(
                browser,
                server,
                counts,
                reps=min(args.reps, 2) if size == "country" else args.reps,
                sessions=args.sessions if kind == "ours" and size in args.sessions_sizes.split(",") else 0,
                changes=FILTERS_OURS if kind == "ours" else FILTERS_BASELINE,  # type labels have changed since
                elsewhere=(url, args.settle_after_import) if args.settle_after_import > 0 else None,
                restart=restart,
            )
        else:  # no cache, so its loads all cost the same: fewer of them where each takes long
            figures = measure(
                browser,
                server,
                counts,
                reps=args.baseline_reps,
                sessions=0,
                changes=FILTERS_BASELINE[:1] if size == "country" else FILTERS_BASELINE,
            )
    finally:
        server.stop()
    print(
        f"[{size}] {kind} measured in {time.perf_counter() - t:.1f} s (load average {os.getloadavg()[0]:.1f}): "
        f"{json.dumps(figures.__dict__, default=str)}",
        flush=True,
    )
    return figures


def measure_or_skip(browser, kind: str, size: str, **options) -> Figures | None:
    """``measure_app``; for the before and baseline apps a failure (a page that never drew) leaves their column empty."""
    if kind == "ours":
        return measure_app(browser, kind, size, **options)
    try:
        return measure_app(browser, kind, size, **options)
    except Exception as error:  # Playwright's timeouts, an app that exits: ours is still worth its table
        print(f"[{size}] {kind} not measured: {type(error).__name__}: {str(error).splitlines()[0][:200]}", flush=True)
        return None


def main(argv: list[str] | None = None) -> int:
    keep_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="sample,province,country")
    parser.add_argument("--reps", type=int, default=3, help="warm loads per page (country: at most 2)")
    parser.add_argument("--sessions", type=int, default=20, help="contexts kept open for the memory figure")
    parser.add_argument("--sessions-sizes", default="country", help="sizes at which the sessions are opened")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--baseline-reps",
        type=int,
        default=1,
        help="warm loads per page of the baseline (it caches nothing: each load does the same work)",
    )
    parser.add_argument(
        "--settle-after-import",
        type=float,
        default=25.0,
        help="seconds between an import by the command line and the next Overview (0: no such import)",
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the databases and server logs here")
    parser.add_argument("--reuse", action="store_true", help="with --keep: use the databases already there")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--before", metavar="DIR", help="also measure the dashboard with the code in DIR (an earlier commit)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    started = time.perf_counter()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="bench-pages-"))
    scratch.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_options())
            for size in args.sizes.split(","):
                t = time.perf_counter()
                shape = SIZES[size]
                db = scratch / f"{size}.db"
                url = f"sqlite:///{db}" if args.reuse and db.is_file() else datagen.build_database(db, *(shape or (None,)))
                counts = community_counts(url)
                meta = f"{counts['all']:,} communities" + (f", {shape[1]:,} activities" if shape else " (the sample)")
                print(f"[{size}] database built in {time.perf_counter() - t:.1f} s: {meta}", flush=True)
                figures = {
                    kind: measure_or_skip(browser, kind, size, url=url, counts=counts, args=args, scratch=scratch)
                    for kind in ("ours", *(("before",) if args.before else ()), *(() if args.no_baseline else ("baseline",)))
                }
                results[size] = (figures["ours"], figures.get("baseline"), meta, figures.get("before"))
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print()
    for line in report(results):
        print(line)
    print(
        f"\nwhole run: {time.perf_counter() - started:.0f} s; load average (1, 5, 15 min): "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + f" on {os.cpu_count()} CPUs"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    size: {
                        "ours": o.__dict__,
                        "before": e.__dict__ if e else None,
                        "baseline": b.__dict__ if b else None,
                        "data": m,
                    }
                    for size, (o, b, m, e) in results.items()
                },
                default=str,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
