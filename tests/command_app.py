"""A tiny slash-command app on 127.0.0.1 (a thread running stdlib `http.server`), for unit and e2e tests.

It records every request (headers, form fields, whether the signature verifies with the command's secret) and
answers with what `answer(fields)` returns: (status, content type, body bytes), optionally after `delay` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from state.integrations.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, is_valid_signature

Answer = tuple[int, str, bytes]


@dataclass
class Received:
    fields: dict[str, str]
    headers: dict[str, str]
    signed: bool


@dataclass
class CommandApp:
    url: str
    secret: list[str] = field(default_factory=lambda: [''])  # set once the command exists (its signing secret)
    requests: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def last(self) -> Received:
        assert self.arrived.wait(5), 'the command app got no request'
        return self.requests[-1]


@contextmanager
def command_app(answer: Callable[[dict[str, str]], Answer], delay: float = 0.0) -> Iterator[CommandApp]:
    box: list[CommandApp] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get('content-length', '0')))
            fields = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            app = box[0]
            signed = is_valid_signature(
                app.secret[0], self.headers.get(TIMESTAMP_HEADER, ''), body, self.headers.get(SIGNATURE_HEADER, '')
            )
            app.requests.append(Received(fields, dict(self.headers.items()), signed))
            app.arrived.set()
            status, content_type, reply = answer(fields) if signed else (401, 'text/plain', b'bad signature')
            if delay:
                time.sleep(delay)
            self.send_response(status)
            self.send_header('Content-Type', content_type)
            self.send_header('Content-Length', str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *_args: object) -> None:  # quiet
            return

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    box.append(CommandApp(f'http://127.0.0.1:{server.server_address[1]}/slash'))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
