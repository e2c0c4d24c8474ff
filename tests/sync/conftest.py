from __future__ import annotations

from collections.abc import Iterator

import pytest

from openpromo.config import get_settings


@pytest.fixture(autouse=True)
def fixed_secret_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never write an ``openpromo.secret`` file into the working tree during tests."""
    monkeypatch.setattr(get_settings(), "secret_key", "test-secret-key")
    yield


# -- a local HTTP server for file sources ------------------------------------------------------

import threading  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    truncate: bool = False  # announce more bytes than sent, then close: a broken transfer
    gate: threading.Event | None = None  # block the answer until the test sets it


@dataclass
class FileServer:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.base_url + path


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server_state = FileServer(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.hits.append(self.path)
            route = server_state.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            if route.gate is not None:
                route.gate.wait(timeout=30)
            self.send_response(route.status)
            declared = len(route.body) * 2 if route.truncate else len(route.body)
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            self.wfile.write(route.body)
            self.wfile.flush()
            if route.truncate:
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server_state
    for route in server_state.routes.values():
        if route.gate is not None:
            route.gate.set()
    httpd.shutdown()
    httpd.server_close()
