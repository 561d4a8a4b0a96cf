"""The Gemini simulator for tests: served by uvicorn in a thread, on a port of its own.

    with running_simulator() as sim:
        client = GeminiClient(sim.api_key, base_url=sim.base_url)
        ...
        sim.requests  # what the simulator received

The socket is bound before the server starts (no race for the port); leaving the block stops
this server, and only it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from sandbox.gemini.app import DEFAULT_API_KEY, SimulatorState, create_app


@dataclass(frozen=True)
class RunningSimulator:
    base_url: str
    api_key: str
    state: SimulatorState

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.state.requests


@contextmanager
def running_simulator(api_key: str = DEFAULT_API_KEY) -> Iterator[RunningSimulator]:
    app = create_app(api_key)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="gemini-simulator", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Gemini simulator did not start")
            time.sleep(0.01)
        yield RunningSimulator(f"http://127.0.0.1:{port}", api_key, app.state.simulator)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def closed_port() -> int:
    """A port nothing listens on (bound then released)."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
