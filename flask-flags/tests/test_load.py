"""Flask-Flags under load, on a real threaded server.

A Werkzeug server (``threaded=True``, 127.0.0.1, a free port) serves an app
whose view checks the same flags several times, with short sleeps in
between, and keeps a per-request token in ``g``. Several clients call it
for a bounded time while another client keeps flipping the flags, either
by replacing ``FEATURE_FLAGS`` with a new dict or by changing the dict in
place. Every response must show one answer per flag, no 5xx, and a ``g``
that belongs to its own request only.

Bounded: each run lasts LOAD_SECONDS, every socket has a timeout, threads
are joined with a timeout and the server is shut down in ``finally``.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import Counter

import pytest
from flask import Flask, g, request
from werkzeug.serving import WSGIRequestHandler, make_server

from flask_flags import FeatureFlag, is_active

LOAD_SECONDS = 0.6  # per flip mode
SOCKET_TIMEOUT = 5.0  # seconds, client and server side
CLIENTS = 4
CHECKS = 4  # checks of each flag per request
PAUSE = 0.002  # seconds between checks
FLIP_PAUSE = 0.003  # seconds between flips


def create_app() -> Flask:
    app = Flask("load")
    app.config["FEATURE_FLAGS"] = {"x": False, "y": False}
    FeatureFlag(app)

    @app.get("/check")
    def check():
        had_token = "_load_token" in g
        token = request.args["token"]
        g._load_token = token
        xs, ys = [], []
        for _ in range(CHECKS):
            xs.append(is_active("x"))
            time.sleep(PAUSE)
            ys.append(is_active("y"))
            time.sleep(PAUSE)
        return {"token": token, "had_token": had_token,
                "read_back": g._load_token, "x": xs, "y": ys,
                "x_at_end": app.config["FEATURE_FLAGS"]["x"]}

    @app.post("/flip")
    def flip():
        new = not app.config["FEATURE_FLAGS"]["x"]
        if request.args["mode"] == "replace":
            app.config["FEATURE_FLAGS"] = {"x": new, "y": new}
        else:  # mutate: two steps, so a snapshot may fall in between
            flags = app.config["FEATURE_FLAGS"]
            flags["x"] = new
            flags["y"] = new
        return {"x": new}

    return app


class QuietHandler(WSGIRequestHandler):
    """No access log; a server-side socket timeout, so no thread waits
    forever on a client that went away."""

    timeout = SOCKET_TIMEOUT

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def server_port():
    server = make_server(host="127.0.0.1", port=0, app=create_app(),
                         threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=SOCKET_TIMEOUT)
        assert not thread.is_alive()


def call(conn: http.client.HTTPConnection, method: str, path: str):
    conn.request(method, path)
    response = conn.getresponse()
    return response.status, response.read()


def run_load(port: int, mode: str) -> tuple[list, int, list]:
    """Clients and one flipper for LOAD_SECONDS; returns (responses as
    (status, body bytes), number of flips, errors)."""
    deadline = time.monotonic() + LOAD_SECONDS
    responses, errors, flips = [], [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port,
                                          timeout=SOCKET_TIMEOUT)
        try:
            while time.monotonic() < deadline:
                token = uuid.uuid4().hex
                responses.append(call(conn, "GET", f"/check?token={token}")
                                 + (token,))
        except Exception as error:  # reported by the test
            errors.append(repr(error))
        finally:
            conn.close()

    def flipper():
        conn = http.client.HTTPConnection("127.0.0.1", port,
                                          timeout=SOCKET_TIMEOUT)
        try:
            while time.monotonic() < deadline:
                status, _ = call(conn, "POST", f"/flip?mode={mode}")
                flips.append(status)
                time.sleep(FLIP_PAUSE)
        except Exception as error:
            errors.append(repr(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True)
               for _ in range(CLIENTS)]
    threads.append(threading.Thread(target=flipper, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 2 * SOCKET_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert set(flips) == {200}
    return responses, len(flips), errors


@pytest.mark.parametrize("mode", ["replace", "mutate"])
def test_one_answer_per_flag_and_request_under_load(server_port, mode):
    responses, flips, errors = run_load(server_port, mode)
    assert errors == []
    assert flips > 10
    assert len(responses) > 2 * CLIENTS

    assert [status for status, _, _ in responses
            if status >= 500] == []
    assert {status for status, _, _ in responses} == {200}
    bodies = [(json.loads(body), token) for _, body, token in responses]

    for body, token in bodies:
        # one answer per flag: every check of a flag in a request agrees
        assert len(set(body["x"])) == 1, body
        assert len(set(body["y"])) == 1, body
        # g belongs to this request only
        assert body["had_token"] is False, body
        assert body["token"] == body["read_back"] == token, body
    assert len({token for _, token in bodies}) == len(bodies)

    # the test can fail: flips were seen, and happened during requests
    seen = Counter(body["x"][0] for body, _ in bodies)
    assert set(seen) == {True, False}, seen
    changed_mid_request = sum(body["x_at_end"] != body["x"][0]
                              for body, _ in bodies)
    assert changed_mid_request > 0
