"""Browser tests: headless Chromium (the system's `chromium`, driven by Playwright, no
browser download) against `newsgraph serve`'s app on a free loopback port, over a copy of the
seed store. One browser per session, a fresh context per test. Skipped, with the reason, when
Playwright or a Chromium is missing; `.ci/run` installs Chromium with apt."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

SHOTS = Path(__file__).resolve().parent / "screenshots"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str | None:
    """NEWSGRAPH_CHROMIUM, or the first Chromium on PATH."""
    env = os.environ.get("NEWSGRAPH_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def _unavailable(reason: str) -> None:
    """Skip, saying why; fail instead when NEWSGRAPH_REQUIRE_BROWSER=1 (.ci/run sets it once
    Chromium is installed, so a browser that stops working can't pass as a skip)."""
    if os.environ.get("NEWSGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests can't run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    exe = chromium_path()
    if exe is None:
        _unavailable("no Chromium found (apt-get install chromium, or set NEWSGRAPH_CHROMIUM)")
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # a busy CI machine: wait longer than the default 5 s
    with sync_playwright() as pw:
        try:
            # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
            b = pw.chromium.launch(executable_path=exe, headless=True,
                                   args=["--no-sandbox", "--disable-gpu"])
        except Error as exc:
            _unavailable(f"{exe} did not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()


class LiveServer:
    """The web app served by uvicorn in a thread, on a socket bound before it starts (no
    race for the port)."""

    def __init__(self, db: Path, allow_ingest: bool = False) -> None:
        import uvicorn

        from newsgraph.web.app import create_app

        self.db = db
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        app = create_app(str(db), allow_ingest=allow_ingest, max_upload=200_000)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def _store_copy(seed_store: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    db = dest / "browser.db"
    for suffix in ("", "-wal"):
        if Path(f"{seed_store}{suffix}").exists():
            shutil.copy(f"{seed_store}{suffix}", f"{db}{suffix}")
    return db


@pytest.fixture(scope="session")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read-only server over a copy of the seed store."""
    with LiveServer(_store_copy(seed_store, tmp_path_factory.mktemp("web-ro"))) as live:
        yield live


@pytest.fixture()
def ingest_server(seed_store: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A server with --allow-ingest over its own copy of the seed store."""
    with LiveServer(_store_copy(seed_store, tmp_path), allow_ingest=True) as live:
        yield live


@dataclass
class Watch:
    """What a page asked for and complained about: every request must stay on the server,
    and the console must stay free of errors (a CSP violation is one)."""

    base: str
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.external.append(request.url)

    def on_response(self, response: Any) -> None:
        # a page the test navigated to may answer 4xx on purpose; its assets may not
        if response.status >= 400 and response.request.resource_type != "document":
            self.errors.append(f"{response.status} {response.url}")

    def on_console(self, msg: Any) -> None:
        # "Failed to load resource" repeats what on_response saw (or a document's 4xx)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.errors.append(msg.text)


@pytest.fixture()
def page_for(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """page_for(server, **context options) -> a page in a fresh context, watched."""
    opened: list[tuple[Any, Watch]] = []

    def make(live: LiveServer, **options: Any) -> Any:
        ctx = browser.new_context(base_url=live.url, **options)
        ctx.set_default_timeout(10_000)
        page = ctx.new_page()
        watch = Watch(live.url)
        page.on("request", watch.on_request)
        page.on("console", watch.on_console)
        page.on("response", watch.on_response)
        page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
        opened.append((ctx, watch))
        return page

    yield make
    for ctx, watch in opened:
        ctx.close()
        assert watch.external == [], f"requests left the server: {watch.external}"
        assert watch.errors == [], f"console errors: {watch.errors}"


@pytest.fixture()
def page(page_for: Any, server: LiveServer) -> Any:
    return page_for(server, viewport={"width": 1280, "height": 900})


@pytest.fixture()
def shot(request: pytest.FixtureRequest) -> Any:
    """shot(page, name): with --screenshots, a full-page PNG as screenshots/NAME.png."""
    wanted = request.config.getoption("--screenshots", default=False)

    def take(page: Any, name: str) -> None:
        if wanted:
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take
