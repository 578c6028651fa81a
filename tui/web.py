"""`kliping serve`: the same app in a web browser, through textual-serve, one app process per tab.

textual-serve runs a command per browser tab and relays its terminal over a websocket to a page
that draws it (xterm.js). It has no login and no TLS: loopback by default, a reverse proxy for
anything else (docs/WEB.md). Only this module imports textual-serve, and only when serving.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import re
import shlex
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.config import LANGS
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from aiohttp import web

SERVED = "KLIPING_SERVED"  # set by `kliping serve` for the app processes it starts
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # what textual-serve sets TEXTUAL_DRIVER to
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Each tab is a whole kliping process (its own library connection, listing and watcher): a bound
# keeps a forgotten pile of tabs from taking the server's memory.
DEFAULT_MAX_SESSIONS = 8


def served_child() -> bool:
    """This process is an app that `kliping serve` started, drawing through the web driver, not a tty."""
    return os.environ.get(SERVED) == "1" and os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kliping serve",
        description=_(
            "Serve the app to web browsers (textual-serve): each browser tab runs its own kliping "
            "process. With no PATH, opens the bundled sample collection."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=_("folders or files to open"))
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=_("address to listen on (default: {host}, this machine only)").format(host=DEFAULT_HOST),
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=_("port (default: {port})").format(port=DEFAULT_PORT)
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=_("at most N browser tabs (app processes) at once (default: {count})").format(
            count=DEFAULT_MAX_SESSIONS
        ),
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help=_("the address browsers use, when a reverse proxy serves it (e.g. https://kliping.example.org)"),
    )
    parser.add_argument("--filter", metavar="QUERY", default="", help=_("start with this filter"))
    parser.add_argument("--no-cache", action="store_true", help=_("do not read or write the on-disk cache"))
    parser.add_argument(
        "--lang", choices=LANGS, help=_("language of the interface (default: from the locale)")
    )
    add_library_option(parser)
    return parser


def add_library_option(parser: argparse.ArgumentParser) -> None:
    """--library URL, the same for the app and the web server."""
    parser.add_argument(
        "--library",
        metavar="URL",
        help=_(
            "open a team library on PostgreSQL (postgresql://host/db) instead of folders; "
            "fill it with: kliping sync --library URL PATH"
        ),
    )


def child_command(
    paths: Sequence[str],
    *,
    filter_text: str = "",
    no_cache: bool = False,
    lang: str | None = None,
    library: str | None = None,
) -> str:
    """The shell command textual-serve runs per tab: this Python, this package, the same options."""
    words = [sys.executable, "-m", "tui"]
    if lang:
        words.append(f"--lang={lang}")
    if library:
        words.append(f"--library={library}")
    if filter_text:
        words.append(f"--filter={filter_text}")
    if no_cache:
        words.append("--no-cache")
    words.append("--")
    words.extend(os.path.abspath(path) for path in paths)
    return shlex.join(words)


def serve_main(argv: Sequence[str], *, default_paths: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if isinstance(args.filter, list):  # `--filter=--`, as the app's own parser takes it
        args.filter = "--"
    if not 0 < args.port < 65536:
        parser.error(_("the port must be between 1 and 65535"))
    if args.max_sessions < 1:
        parser.error(_("--max-sessions must be at least 1"))
    from tui.cli_team import library_url, open_team_library

    url = library_url(args.library)  # given, or the config's (which each tab's app reads too)
    if url and args.paths:
        parser.error(
            _("--library opens the team library alone; bring PATH into it with kliping sync --library")
        )
    paths = [] if url else [str(p) for p in args.paths] or list(default_paths)
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        parser.error(_("no such file or folder: {path}").format(path=missing[0]))
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        message = _("serving needs the web extra: pip install 'kliping[web]'")
        print("kliping: " + message, file=sys.stderr)
        return 2
    if url:  # said once here, not in every tab that opens
        team = open_team_library(url)
        if team is None:
            return 2
        team.close()
    if not is_loopback(args.host):
        warning = _(
            "warning: listening on {host}, reachable from other machines. textual-serve has no login "
            "and no TLS: anyone who reaches this port can read the collection. Put a reverse proxy "
            "with both in front of it (docs/WEB.md)."
        )
        print("kliping: " + warning.format(host=args.host), file=sys.stderr)
    command = child_command(
        paths, filter_text=args.filter, no_cache=args.no_cache, lang=args.lang, library=args.library
    )
    server = make_server(
        command,
        host=args.host,
        port=args.port,
        max_sessions=args.max_sessions,
        public_url=args.public_url,
        paths=paths or [_shown_library(url or "")],
    )
    # The app processes learn they are served (tui.cli lets them start without a terminal).
    os.environ[SERVED] = "1"
    try:
        server.serve()
    except OSError as error:  # the port is taken, the address is not this machine's…
        reason = os.strerror(error.errno) if error.errno else str(error)
        where = f"{args.host}:{args.port}"
        print("kliping: " + _("cannot serve on {where}: {reason}").format(where=where, reason=reason),
              file=sys.stderr)  # fmt: skip
        return 2
    return 0


def make_server(
    command: str,
    *,
    host: str,
    port: int,
    max_sessions: int,
    public_url: str | None,
    paths: Sequence[str],
) -> Any:
    """textual-serve's server with a bound on app processes and page addresses taken from the request."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import WSCloseCode, web
    from textual_serve.server import Server, to_int

    from tui.formatting import display_path

    class KlipingServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title="kliping", public_url=public_url)
            self.fixed_public_url = public_url.rstrip("/") if public_url else None
            self.max_sessions = max_sessions
            self.sessions = 0
            self.tabs: set[asyncio.Task[Any]] = set()  # the open websockets' handlers

        def full_text(self) -> str:
            message = ngettext(
                "{count} browser tab is open, the most this server runs at once.",
                "{count} browser tabs are open, the most this server runs at once.",
                self.max_sessions,
            )
            close = _("Close one of them, then reload this page.")
            return f"kliping: {message.format(count=self.max_sessions)} {close}"

        async def _make_app(self) -> web.Application:
            """textual-serve's app, its page served without what it would fetch from other sites."""
            app: web.Application = await super()._make_app()
            loader = jinja2.FileSystemLoader(self.templates_path)
            aiohttp_jinja2.setup(app, loader=jinja2.FunctionLoader(lambda name: _own_page(loader, name)))
            return app

        async def on_startup(self, app: web.Application) -> None:
            """Nothing yet: the address is said once it is bound (`started`)."""

        async def on_shutdown(self, app: web.Application) -> None:
            """Ctrl+C ends the open tabs' sessions, each app quitting as on `q`, not waiting on them."""
            for task in self.tabs:
                task.cancel()

        def serve(self, debug: bool = False) -> None:
            """textual-serve's own, saying where it serves once the port is bound, not before."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):
                    loop.add_signal_handler(signum, self.request_exit)
            web.run_app(
                self._make_app(), host=host, port=port, handle_signals=False, loop=loop, print=self.started
            )

        def started(self, *_args: object) -> None:
            shown = ", ".join(display_path(p) for p in paths)
            url = self.fixed_public_url or f"http://{_url_host(host)}:{port}"
            message = _("serving {paths} on {url}: one kliping process per browser tab, at most {count}")
            print("kliping: " + message.format(paths=shown, url=url, count=max_sessions), flush=True)
            print("kliping: " + _("Ctrl+C stops the server"), flush=True)

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            if self.sessions >= self.max_sessions:
                raise web.HTTPServiceUnavailable(text=self.full_text(), headers={"Retry-After": "30"})
            # The page's own address, unless told: a server on 0.0.0.0 is not reached at 0.0.0.0.
            base = self.fixed_public_url or f"{request.scheme}://{request.host}"
            websocket = ("wss:" if base.startswith("https:") else "ws:") + base.split(":", 1)[1]
            router = request.app.router
            static = base + str(router["static"].url_for(filename="/")).rstrip("/") + "/"
            return {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": websocket + str(router["websocket"].url_for()),
                "config": {"static": {"url": static}},
                "application": {"name": self.title},
            }

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if self.sessions >= self.max_sessions:
                refused = web.WebSocketResponse()
                await refused.prepare(request)
                await refused.send_bytes(("\r\n" + self.full_text() + "\r\n").encode())
                await refused.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too many sessions")
                return refused
            self.sessions += 1
            task = asyncio.current_task()
            if task is not None:
                self.tabs.add(task)
            try:
                response: web.WebSocketResponse = await super().handle_websocket(request)
                return response
            finally:
                self.sessions -= 1
                self.tabs.discard(task)

    return KlipingServer()


_ELSEWHERE = re.compile(r"<link\b[^>]*\bhref=\"https?://[^>]*>\s*", re.IGNORECASE | re.DOTALL)


def _own_page(loader: Any, name: str) -> str:
    """A textual-serve template without links to other sites (its Google font): a served page tells
    no third party who reads it, and works where the server has no internet."""
    import jinja2

    source: str = loader.get_source(jinja2.Environment(), name)[0]
    return _ELSEWHERE.sub("", source)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _shown_library(url: str) -> str:
    """The team library as the server's output may name it: never with its password."""
    from tui.library.pg import shown_url

    return shown_url(url)
