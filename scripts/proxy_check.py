"""Two replicas on one PostgreSQL database behind nginx under /juping/, checked in headless Chromium.

What runs is what ships: nginx gets ``deploy/nginx/juping.conf`` with only its
ports (listen 80 → a local port, 8501/8502 → the replicas') and the upload
ceiling (from this run's DASHBOARD_UPLOAD_LIMIT_MB, by the file's own rule: the
limit plus 1 MB) rewritten, plus one response header naming the replica, so
the check can tell which one answered. The replicas start with the ExecStart
line and the Environment= lines of ``deploy/systemd/juping@.service`` (its Python and ``%i`` filled in),
and ``deploy/healthcheck.py`` says when each one serves. nginx runs as this
user on a local port, with its pid, logs and temp folders in a temp folder.

Checked, through the proxy only:

* the sticky cookie: a first answer sets ``juping_replica``, and one cookie
  always reaches one replica; two cookies are found that reach A and B;
* every page loads under /juping/ without an error element, with the map's
  Leaflet from /juping/app/static/vendor/ and its points drawn, no request
  failing and none leaving 127.0.0.1, the page's WebSocket on /juping/_stcore/stream;
* a chart's PNG and CSV downloads (they live in one replica's memory);
* the Data desk through replica A: sign in, upload, commit; then a profile open
  on replica B shows the new activities at its next rerun;
* a sign-in kept across replicas: the browser signed in through A, moved to B, is still signed in;
* the upload ceiling: the desk refuses a file over DASHBOARD_UPLOAD_LIMIT_MB
  (its uploader knows the limit), and nginx refuses a body over the ceiling (413).

Run: ``.venv/bin/python scripts/proxy_check.py`` (nginx from Debian's package,
/usr/bin/chromium, PostgreSQL at DASHBOARD_TEST_POSTGRES_URL or the local
server). It makes and drops a scratch database of its own. Exit 0 when every
check passed; screenshots in test-artifacts/screenshots/proxy-*.png.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from scripts.headless import launch_options  # noqa: E402

DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "juping.conf"
UNIT = DEPLOY / "systemd" / "juping@.service"
BASE_PATH = "juping"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "Proxy-check-pass-1"  # noqa: S105 - the scratch account of this check
UPLOAD_LIMIT_MB = 1  # small, so that refusing a file over it costs little
SHIPPED_LIMIT_MB = 50  # DASHBOARD_UPLOAD_LIMIT_MB's default, which the shipped site's ceiling follows
MAP_FRAME = 'iframe[src*="streamlit_folium.st_folium"]'  # its title is the map's name in the reader's language
# Every shape in the map's overlay pane: 7 district outlines, then one per community (their form varies by type)
SHAPES = ".leaflet-overlay-pane path"
DRAWN_SHAPES = 50  # more than the outlines: the points are drawn
PAGES = ["", "map", "progress", "profile?community={community}", "present", "history", "desk"]
REPLICA_HEADER = "x-juping-replica"
# Streamlit's page finds its server's base path by trying the page's own path first (/juping/map/_stcore/health,
# then /juping/_stcore/health): those first tries answer 404 behind any proxy and without one.
PROBE = re.compile(rf"/{BASE_PATH}/[^/?]+/_stcore/(health|host-config)$")


class CheckFailed(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- the stack: a scratch database, two replicas, nginx --------------------------------------------------


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new database on the PostgreSQL server, dropped afterwards."""
    name = f"juping_proxy_{os.getpid()}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    command = [sys.executable, "-m", "dashboard", *args]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300)  # noqa: S603
    check(done.returncode == 0, f"python -m dashboard {' '.join(args)} failed: {done.stderr[-1500:]}")
    return done.stdout


def unit_command(port: int) -> list[str]:
    """The replica's command line as the shipped unit has it, with this Python and ``%i`` = port."""
    lines = [line for line in UNIT.read_text(encoding="utf-8").splitlines() if line.startswith("ExecStart=")]
    check(len(lines) == 1, f"{UNIT.name} must have one ExecStart line")
    words = shlex.split(lines[0].removeprefix("ExecStart="))
    check(words[0].endswith("/python"), f"{UNIT.name}: ExecStart should start with the venv's python, not {words[0]}")
    return [sys.executable, *(word.replace("%i", str(port)) for word in words[1:])]


def unit_environment() -> dict[str, str]:
    """The ``Environment=`` settings of the shipped unit (the environment file's are the check's own); a line may
    hold several, quoted as systemd allows: ``Environment="A=1" "B=2"``."""
    text = UNIT.read_text(encoding="utf-8")
    lines = [line.removeprefix("Environment=") for line in text.splitlines() if line.startswith("Environment=")]
    words = [word for line in lines for word in shlex.split(line)]
    return dict(word.split("=", 1) for word in words)


def healthcheck(port: int, wait: float) -> bool:
    """``deploy/healthcheck.py`` as the units run it."""
    command = [sys.executable, str(DEPLOY / "healthcheck.py"), "--port", str(port), "--wait", str(wait)]
    return subprocess.run(command, check=False, cwd=ROOT, capture_output=True, timeout=wait + 30).returncode == 0  # noqa: S603


@contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """A child process with its output in ``log``, stopped by PID at the end."""
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - our own
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def site_for_test(proxy_port: int, replica_ports: tuple[int, int], ceiling_mb: int) -> str:
    """The shipped site with this run's ports and ceiling, and the header that names the replica."""
    site = SITE.read_text(encoding="utf-8")
    shipped_ceiling = f"client_max_body_size {SHIPPED_LIMIT_MB + 1}m;"
    edits = {
        "listen 80;": f"listen 127.0.0.1:{proxy_port};",
        "server 127.0.0.1:8501 ": f"server 127.0.0.1:{replica_ports[0]} ",
        "server 127.0.0.1:8502 ": f"server 127.0.0.1:{replica_ports[1]} ",
        shipped_ceiling: f"client_max_body_size {ceiling_mb}m;",
    }
    for old, new in edits.items():
        check(site.count(old) == 1, f"{SITE.name} should have {old!r} once (the check rewrites it)")
        site = site.replace(old, new)
    marker = "add_header Set-Cookie $juping_set_cookie always;"
    check(site.count(marker) == 2, f"{SITE.name}: both locations should set the sticky cookie")
    return site.replace(marker, f"{marker}\n        add_header X-Juping-Replica $upstream_addr always;")


def nginx_conf(folder: Path, site: str) -> Path:
    """A whole nginx.conf around the site: in the foreground, everything it writes under ``folder``."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir()
    folder.chmod(0o755)  # nginx's workers run as nobody when started by root: they must reach the temp folders
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    default_type application/octet-stream;
    include /etc/nginx/mime.types;
{site}
}}
""",
        encoding="utf-8",
    )
    return conf


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    return found


@contextmanager
def stack(args: argparse.Namespace, folder: Path) -> Iterator[dict[str, Any]]:
    """Scratch database with the sample and an editor, two replicas, nginx in front; yields what the checks need."""
    proxy_port, port_a, port_b = args.ports
    with scratch_database(args.postgres) as url:
        env = {
            **os.environ,
            "DASHBOARD_DATABASE_URL": url,
            "DASHBOARD_LANG": "en",
            "DASHBOARD_BASEMAP": "none",
            "DASHBOARD_UPLOAD_LIMIT_MB": str(UPLOAD_LIMIT_MB),
            "DASHBOARD_WATCH_SECONDS": "",  # as deployed (the tests set 0 for pages run in-process)
        }
        run_cli(env, "sample")
        run_cli(env, "users", "add", "ed", "--role", "editor", stdin=PASSWORD + "\n")
        run_cli(env, "export", "--table", "communities", "--out", str(folder / "communities.csv"))
        community = (folder / "communities.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
        conf = nginx_conf(folder, site_for_test(proxy_port, (port_a, port_b), UPLOAD_LIMIT_MB + 1))
        nginx = [nginx_binary(), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
        tested = subprocess.run([*nginx, "-t"], check=False, capture_output=True, text=True, timeout=30)  # noqa: S603
        check(tested.returncode == 0, f"nginx -t refused the site: {tested.stderr}")
        with (
            process(unit_command(port_a), folder / "replica-a.log", {**env, **unit_environment()}),
            process(unit_command(port_b), folder / "replica-b.log", {**env, **unit_environment()}),
            process(nginx, folder / "nginx.out"),
        ):
            for port in (port_a, port_b):
                check(healthcheck(port, 120), f"the replica on {port} never answered /{BASE_PATH}/_stcore/health")
            check(healthcheck(proxy_port, 30), "nginx never answered /juping/_stcore/health")
            yield {
                "base": f"http://127.0.0.1:{proxy_port}/{BASE_PATH}",
                "replicas": {"A": f"127.0.0.1:{port_a}", "B": f"127.0.0.1:{port_b}"},
                "community": community,
                "folder": folder,
                "env": env,
            }


# --- the browser ------------------------------------------------------------------------------------------


class Tab:
    """One browser context (one sticky cookie, so one replica) with one page, recording what went wrong."""

    def __init__(self, browser: Any, base: str, cookie: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        self.context.set_default_timeout(60_000)
        self.context.add_cookies([{"name": "juping_replica", "value": cookie, "url": base + "/"}])
        self.failures: list[str] = []
        self.foreign: list[str] = []
        self.ok_urls: list[str] = []
        self.sockets: list[str] = []
        self.context.on("requestfailed", self._failed)
        self.context.on("response", self._response)
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: self.sockets.append(ws.url))

    def _failed(self, request: Any) -> None:
        """A request the proxy did not answer; one the page itself cancelled by moving on (a download button's
        file still loading when the check opens the next page: net::ERR_ABORTED) is not the proxy's failure."""
        if request.failure != "net::ERR_ABORTED":
            self.failures.append(f"{request.url} ({request.failure})")

    def _response(self, response: Any) -> None:
        host = response.url.split("/")[2] if "://" in response.url else ""
        if response.url.startswith("http") and not host.startswith("127.0.0.1"):
            self.foreign.append(response.url)
        if response.status >= 400 and not (response.status == 404 and PROBE.search(response.url)):
            self.failures.append(f"{response.url} → {response.status}")
        else:
            self.ok_urls.append(response.url)

    def replica(self) -> str:
        return self.context.request.get(f"{self.base}/_stcore/health").headers.get(REPLICA_HEADER, "")

    def open(self, path: str) -> Any:
        self.page.goto(f"{self.base}/{path}")
        self.settle()
        return self.page

    def settle(self, after_click: bool = False) -> None:
        for _ in range(2 if after_click else 1):
            if after_click:
                self.page.wait_for_timeout(300)
            self.page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            self.page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")
        errors = self.page.locator('[data-testid="stException"]')
        check(errors.count() == 0, f"{self.page.url} shows an error: {errors.first.inner_text() if errors.count() else ''}")

    def metric(self, label: str) -> int:
        box = self.page.locator('[data-testid="stMetric"]').filter(has=self.page.get_by_text(label, exact=True))
        return int(box.locator('[data-testid="stMetricValue"]').inner_text().strip().replace(",", ""))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"proxy-{name}.png"), full_page=True)


def tabs_per_replica(browser: Any, info: dict[str, Any]) -> dict[str, Tab]:
    """A context whose cookie reaches A and one that reaches B (cookies probed until both are found)."""
    found: dict[str, Tab] = {}
    wanted = {address: name for name, address in info["replicas"].items()}
    for attempt in range(64):
        tab = Tab(browser, info["base"], f"probe-{attempt}")
        first, again = tab.replica(), tab.replica()
        check(first and first == again, f"one cookie reached {first!r} then {again!r}: not sticky")
        check(first in wanted, f"answered by {first!r}, not one of the replicas {sorted(wanted)}")
        if wanted[first] in found:
            tab.context.close()
            continue
        found[wanted[first]] = tab
        if len(found) == 2:
            return found
    raise CheckFailed("64 cookies all reached the same replica: the hash does not spread browsers")


# --- the checks -------------------------------------------------------------------------------------------


def check_cookie(browser: Any, info: dict[str, Any]) -> str:
    """A browser without the cookie gets one; with it, none again; the same replica answers every time."""
    context = browser.new_context()
    try:
        first = context.request.get(f"{info['base']}/_stcore/health")
        cookies = [h["value"] for h in first.headers_array if h["name"].lower() == "set-cookie"]
        set_cookie = next((c for c in cookies if c.startswith("juping_replica=")), "")
        check("Path=/juping/" in set_cookie and "HttpOnly" in set_cookie, f"no sticky cookie among {cookies}")
        replicas = {context.request.get(f"{info['base']}/_stcore/health").headers.get(REPLICA_HEADER) for _ in range(6)}
        again = context.request.get(f"{info['base']}/_stcore/health").headers.get("set-cookie", "")
        check(len(replicas) == 1, f"one browser reached several replicas: {replicas}")
        check("juping_replica" not in again, "the cookie was set again on a browser that sends it")
        return f"cookie {set_cookie.split(';')[0][:30]}… keeps a browser on {replicas.pop()}"
    finally:
        context.close()


def check_pages(tab: Tab, info: dict[str, Any]) -> str:
    for path in PAGES:
        url = path.format(community=info["community"])
        page = tab.open(url + ("&" if "?" in url else "?") + "lang=en")
        if path == "map":
            points = page.frame_locator(MAP_FRAME).locator(SHAPES)
            points.nth(DRAWN_SHAPES - 1).wait_for(state="attached")
            page.wait_for_timeout(500)
            count = points.count()
            check(count >= 100, f"the map drew {count} shapes (outlines and points) through the proxy")
            tab.shot("map")
        if path == "":
            tab.shot("overview")
    leaflet = [u for u in tab.ok_urls if u.endswith(f"/{BASE_PATH}/app/static/vendor/leaflet/leaflet.js")]
    check(leaflet, "Leaflet was not loaded from /juping/app/static/vendor/")
    check(not tab.failures, f"requests failed through the proxy: {tab.failures[:5]}")
    check(not tab.foreign, f"requests left 127.0.0.1: {tab.foreign[:5]}")
    check(any(f"/{BASE_PATH}/_stcore/stream" in s for s in tab.sockets), f"no WebSocket on /juping/_stcore/stream: {tab.sockets}")
    return f"{len(PAGES)} pages, Leaflet from {leaflet[0].split('/', 3)[3]}, WebSocket through nginx"


def check_downloads(tab: Tab) -> str:
    page = tab.open("?lang=en")
    sizes = []
    for label, magic in (("PNG", b"\x89PNG"), ("SVG", b"<svg")):
        with page.expect_download() as event:
            page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label).first.click()
        body = Path(event.value.path()).read_bytes()
        check(body.startswith(magic) and len(body) > 100, f"the {label} download is not a {label} ({body[:20]!r})")
        sizes.append(f"{label} {len(body):,} B")
    check(not tab.failures, f"requests failed: {tab.failures[:5]}")
    return ", ".join(sizes)


def activities_csv(community: str, count: int) -> bytes:
    rows = [f"PX{i:04d},{community},2025-06-0{1 + i % 9},patrol,代理检查,{5 + i}" for i in range(count)]
    return ("activity_id,community_id,date,category,title,participants\n" + "\n".join(rows) + "\n").encode()


def sign_in(tab: Tab) -> Any:
    """The desk, signed in as ed (a browser that keeps a sign-in already is signed in without the form)."""
    page = tab.open("desk?lang=en")
    if page.get_by_text("Signed in as ed").count():
        return page
    page.get_by_label("Account", exact=True).fill("ed")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    tab.settle(after_click=True)
    page.get_by_text("Signed in as ed").wait_for()
    return page


def upload(tab: Tab, name: str, body: bytes) -> None:
    tab.page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": body}]
    )
    tab.settle(after_click=True)


def check_import_across_replicas(tabs: dict[str, Tab], info: dict[str, Any]) -> str:
    """B shows a profile; A commits through the desk; B's next rerun shows the new activities."""
    a, b = tabs["A"], tabs["B"]
    label = "Activities (all time)"
    b.open(f"profile?community={info['community']}&lang=en")
    before = b.metric(label)
    page = sign_in(a)
    upload(a, "more-activities.csv", activities_csv(info["community"], 3))
    page.get_by_role("button", name="Commit as a new version").click()
    a.settle(after_click=True)
    page.get_by_text("Committed: activities is now at version").wait_for()
    a.shot("desk-committed")
    check(a.replica() == info["replicas"]["A"] and b.replica() == info["replicas"]["B"], "the tabs changed replica")
    b.page.get_by_role("button", name="Reset filters").click()  # a rerun of B's session, no reload
    b.settle(after_click=True)
    after = b.metric(label)
    check(after == before + 3, f"replica B shows {after} activities after the import through A, expected {before + 3}")
    b.shot("replica-b-after-import")
    return f"committed on {info['replicas']['A']}; profile on {info['replicas']['B']} went {before} → {after} at its next rerun"


def check_sign_in_across_replicas(tabs: dict[str, Tab], info: dict[str, Any]) -> str:
    """A's browser, signed in through A, moved to B (as when A stops): B resumes the sign-in from its cookie."""
    a, b = tabs["A"], tabs["B"]
    sign_in(a)
    kept = []
    for _ in range(300):  # 30 s: the page's request comes after its run, later on a busy machine
        kept = [c for c in a.context.cookies() if c["name"] == "juping_signin"]
        if kept:
            break
        a.page.wait_for_timeout(100)
    check(kept and kept[0]["path"] == "/juping/" and kept[0]["httpOnly"], f"no kept sign-in cookie under /juping/: {kept}")
    to_b = next(c["value"] for c in b.context.cookies() if c["name"] == "juping_replica")
    a.context.add_cookies([{"name": "juping_replica", "value": to_b, "url": info["base"] + "/"}])
    check(a.replica() == info["replicas"]["B"], "the browser did not move to replica B")
    page = a.open("desk?lang=en")
    page.get_by_text("Signed in as ed").wait_for()
    a.shot("signed-in-kept-on-b")
    return f"signed in through {info['replicas']['A']}, still signed in on {info['replicas']['B']} after the move"


def check_upload_limits(tab: Tab, info: dict[str, Any]) -> str:
    """Over the app's limit: refused on the page. Over nginx's ceiling: 413 before the app reads a byte."""
    sign_in(tab)
    upload(tab, "too-big.csv", b"x" * int((UPLOAD_LIMIT_MB + 0.3) * 1_048_576))
    # The uploader knows the desk's limit and refuses in the browser ("File must be 1.0MB or smaller."); a file
    # that got past it would meet the desk's own message. Either way nothing is checked or offered for commit.
    message = tab.page.get_by_text("or smaller").or_(tab.page.get_by_text(f"the limit is {UPLOAD_LIMIT_MB} MB"))
    message.first.wait_for()
    check(tab.page.get_by_role("button", name="Commit as a new version").count() == 0, "an over-limit file was staged")
    refused = tab.context.request.put(
        f"{info['base']}/_stcore/upload_file/none/none",
        multipart={"file": {"name": "huge.csv", "mimeType": "text/csv", "buffer": b"x" * ((UPLOAD_LIMIT_MB + 2) * 1_048_576)}},
    )
    check(refused.status == 413, f"nginx let a body over its ceiling through (status {refused.status})")
    return f"desk: “{message.first.inner_text()[:60]}”; nginx: 413 over {UPLOAD_LIMIT_MB + 1} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Two replicas behind nginx under /juping/, checked in Chromium.")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DASHBOARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server (a scratch database is made on it and dropped)",
    )
    parser.add_argument("--ports", type=int, nargs=3, default=[8661, 8662, 8663], metavar=("NGINX", "A", "B"))
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, nginx.conf)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="juping-proxy-"))
    results: list[tuple[str, bool, str]] = []
    try:
        with stack(args, folder) as info, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_options())
            tabs: dict[str, Tab] = {}
            checks: list[tuple[str, Callable[[], str]]] = [
                ("sticky cookie", lambda: check_cookie(browser, info)),
                ("a browser per replica", lambda: ", ".join(f"{n}: {t.replica()}" for n, t in tabs.items())),
                ("every page under /juping/", lambda: check_pages(tabs["A"], info)),
                ("chart downloads", lambda: check_downloads(tabs["B"])),
                ("import on A, seen on B", lambda: check_import_across_replicas(tabs, info)),
                ("a sign-in kept across replicas", lambda: check_sign_in_across_replicas(tabs, info)),
                ("upload limits", lambda: check_upload_limits(tabs["B"], info)),
            ]
            tabs.update(tabs_per_replica(browser, info))
            for name, run in checks:
                try:
                    results.append((name, True, run()))
                except Exception as error:  # report every check, then fail
                    detail = str(error) if isinstance(error, CheckFailed) else traceback.format_exc(limit=3)
                    results.append((name, False, detail))
            browser.close()
    except CheckFailed as error:
        results.append(("setup", False, str(error)))
    finally:
        for name in ("replica-a.log", "replica-b.log", "error.log"):
            log = folder / name
            if any(not ok for _, ok, _ in results) and log.is_file():
                print(f"--- {name} (end)\n{log.read_text(errors='replace')[-2000:]}")
        if not args.keep:
            with suppress(OSError):
                shutil.rmtree(folder)
    for name, ok, detail in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    failed = sum(not ok for _, ok, _ in results)
    print(f"proxy check: {len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
