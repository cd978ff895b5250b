"""The live server's request gate (tests/browser/conftest.py): one request at a time, none between tests."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.browser.conftest import _Gate


class _Server:
    def __init__(self, app: Any) -> None:
        self.app = app

    def get_app(self) -> Any:
        return self.app

    def set_app(self, app: Any) -> None:
        self.app = app


def _call(server: _Server) -> tuple[str, bytes]:
    status: list[str] = []
    body = server.app({}, lambda s, headers: status.append(s))
    return status[0], b"".join(body)


def test_gate__closed_gate_answers_503_without_calling_the_app() -> None:
    calls: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(1)
        start_response("200 OK", [])
        return [b"ok"]

    server = _Server(app)
    gate = _Gate()
    gate.wrap(server)
    assert _call(server) == ("200 OK", b"ok")
    gate.open = False
    assert _call(server)[0].startswith("503")
    assert calls == [1]


def test_gate__closing_waits_for_the_request_in_flight() -> None:
    entered = threading.Event()
    finished: list[float] = []

    def slow_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        entered.set()
        time.sleep(0.3)
        finished.append(time.monotonic())
        start_response("200 OK", [])
        return [b"ok"]

    server = _Server(slow_app)
    gate = _Gate()
    gate.wrap(server)
    worker = threading.Thread(target=_call, args=(server,))
    worker.start()
    entered.wait(5)
    with gate.lock:  # what the fixture's teardown does before the flush
        gate.open = False
        closed_at = time.monotonic()
    worker.join(5)
    assert finished and finished[0] <= closed_at
