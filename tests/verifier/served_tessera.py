"""A fake tessera's JWKS and revocation feed served over real HTTP on 127.0.0.1, in a thread, until `stop()`:
a verifier's real HTTP client talks to it, and sees it refuse a rotated secret or stop answering."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

import httpx

from tests.verifier.fake_tessera import BASE, FakeTessera


class ServedTessera:
    def __init__(self, tessera: FakeTessera) -> None:
        self.tessera = tessera
        fake = tessera

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                request = httpx.Request("GET", f"{BASE}{self.path}", headers=dict(self.headers.items()))
                answer = fake.handle(request)
                body = answer.content
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                """Quiet: the test asserts what it needs."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="served-tessera", daemon=True)
        self._stopped = False

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stops answering: the port is closed, a connection is refused."""
        if not self._stopped:
            self._stopped = True
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
