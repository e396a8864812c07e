"""A local HTTP server for spider tests: scripted responses per path, every request logged.

Runs in a thread of the test process on 127.0.0.1 and an ephemeral port; nothing leaves the machine.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    #: Answer only once this event is set (a test opens it when it is ready; at most a minute).
    gate: threading.Event | None = None
    #: Set when a request gets this reply, before its gate: a test waits on it instead of sleeping.
    arrived: threading.Event | None = None


class MockServer:
    """``routes[path]`` is a list of replies given in turn (the last one repeats); 404 otherwise."""

    def __init__(self, routes: dict[str, list[Reply]]) -> None:
        self.routes = routes
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply()

            def do_POST(self) -> None:
                self._reply()

            def _reply(self) -> None:
                path = self.path
                server.requests.append((self.command, path))
                server.hits[path].append(time.monotonic())
                replies = server.routes.get(path)
                if not replies:
                    self.send_response(404)
                    self.end_headers()
                    return
                reply = replies[min(len(server.hits[path]), len(replies)) - 1]
                if reply.arrived is not None:
                    reply.arrived.set()
                if reply.gate is not None:
                    reply.gate.wait(60)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            # socketserver's listen backlog is 5: a crawl opening its connections at once overflows
            # it while the test process is busy, and each connection dropped waits out TCP's
            # 1-second SYN retransmit (about 1 s per crawl, TcpExtListenOverflows in ``nstat``).
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hangs up (a cancelled oversized download) is expected

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # shutdown() waits for the serving loop's next poll (0.5 s by default)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> MockServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
