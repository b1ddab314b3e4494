"""While the desk refuses hostile files, another reader's page still draws at its usual speed.

One ``streamlit run serve.py`` on the bundled sample, an editor (made with ``python -m dashboard users add``)
and two browser contexts: the reader opens the Overview three times for its usual drawing time; then,
for each hostile file (a 3 MB .xlsx that unpacks to 1 GB, a CSV of 100,000 columns, a tidy CSV with one
row of 100,000 fields, a workbook declaring the billion laughs), the editor uploads it and, while the
server is checking it, the reader opens the Overview again. Each file is refused with its message, the
reader's drawing times stay near the usual ones, and the server's resident memory never grows by 300 MB.
The figures are printed (``-s``) for the README's benchmark section.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from appserver import running_app
from harness import ROOT, Visit, app_env, expect, require_chromium, settle, visiting

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_files import ragged_csv, wide_csv, with_entities, zip_bomb

pytestmark = [pytest.mark.browser, pytest.mark.alone]  # it times another reader's page

PASSWORD = "Hostile-browser-42"
FILES = {
    "bomb.xlsx": (lambda: zip_bomb(1000), "unpacks to 1,000.0 MB"),  # 999.97 MB: one decimal, as sizes not whole are
    "wide.csv": (wide_csv, "100,000 columns"),
    "ragged.csv": (ragged_csv, "100,000 columns"),
    "laughs.xlsx": (with_entities, "declares XML entities"),
}
MEMORY_MB = 300


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("hostile-browser")
    env = app_env(folder / "hostile.db", "en")
    made = subprocess.run(
        [sys.executable, "-m", "dashboard", "users", "add", "ed", "--role", "editor"],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    with running_app(env, folder / "streamlit.log") as base:
        yield base, _server_pid(base)


def _server_pid(base: str) -> int:
    """The PID of the server listening on ``base``'s port (its command line names the port)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and port.encode() in command:
            return int(entry.name)
    raise AssertionError(f"no streamlit process on port {port}")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class PeakRss:
    """The server's resident memory, sampled every 20 ms in the background."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, _rss_mb(pid), True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss_mb(self.pid))
            time.sleep(0.02)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return self.peak


def draw_seconds(reader: Visit) -> float:
    """Open the Overview and wait until its script has finished and every chart is drawn."""
    started = time.perf_counter()
    reader.page.goto(reader.base + "/?lang=en")
    settle(reader.page)
    reader.page.wait_for_selector('[data-testid="stMetric"]')
    return time.perf_counter() - started


def test_refusing_hostile_files_keeps_other_readers_at_their_usual_speed(browser, hostile_server, request):
    base, pid = hostile_server
    with (
        visiting(browser, base, request.node, locale=None) as reader,
        visiting(browser, base, request.node, locale=None, fresh=True) as editor,  # another browser: its sign-in is its own
    ):
        draw_seconds(reader)  # the first view loads the sample and warms the caches
        usual = [draw_seconds(reader) for _ in range(3)]
        page = editor.open("/desk?lang=en")
        page.get_by_label("Account", exact=True).fill("ed")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        editor.settle()
        idle = _rss_mb(pid)
        peak = PeakRss(pid)
        during, refused_in = [], {}
        try:
            for name, (make, words) in FILES.items():
                data = make()
                started = time.perf_counter()
                page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
                    files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
                )
                during.append(draw_seconds(reader))  # the reader's page while the server checks the upload
                refusal = page.locator('[data-testid="stAlertContentError"]').filter(has_text=name)
                expect(refusal.first).to_be_visible(timeout=30_000)
                expect(page.get_by_text(words).first).to_be_attached(timeout=30_000)  # in the problems table's cell
                refused_in[name] = time.perf_counter() - started  # the reader's page ran meanwhile
        finally:
            top = peak.stop()
        editor.shot("hostile-refused")
    print(
        f"\nusual draw {statistics.median(usual):.2f} s (of {', '.join(f'{s:.2f}' for s in usual)}); "
        f"during refusals {statistics.median(during):.2f} s (of {', '.join(f'{s:.2f}' for s in during)}); "
        f"refusal shown (after the reader's page) in {', '.join(f'{n} {s:.1f} s' for n, s in refused_in.items())}; "
        f"server RSS idle {idle:.0f} MB, peak {top:.0f} MB (+{top - idle:.0f} MB)"
    )
    assert max(refused_in.values()) < 15, refused_in  # upload, check and the page's rerun, in the browser
    assert statistics.median(during) < 2 * statistics.median(usual) + 1.0, (usual, during)
    assert top - idle < MEMORY_MB, (idle, top)
