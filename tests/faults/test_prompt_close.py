"""exam_app/gunicorn_worker.py: a sync worker takes the next connection as soon as its
response is written, not when the client gets round to hanging up; where the client may
still be sending (a body not read whole) gunicorn's lingering close stays."""

from __future__ import annotations

import socket
import time

import pytest
import requests
from gunicorn.config import Config
from gunicorn.http.parser import RequestParser

from exam_app.gunicorn_worker import read_to_the_end
from tests.faults.server import LiveServer

pytestmark = pytest.mark.faults


@pytest.fixture
def parsed():
    """A request as gunicorn's own parser reads it from a socket."""
    pairs = []

    def parse(raw: bytes):
        ours, theirs = socket.socketpair()
        pairs.append((ours, theirs))
        theirs.sendall(raw)
        return next(RequestParser(Config(), ours, ("127.0.0.1", 1)))

    yield parse
    for pair in pairs:
        for end in pair:
            end.close()


def test_a_request_without_a_body_has_nothing_more_to_send(parsed):
    assert read_to_the_end(parsed(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))


def test_a_body_counts_as_sent_once_taken_whole_from_the_socket(parsed):
    req = parsed(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789")
    assert not read_to_the_end(req)  # refused before reading it: linger as gunicorn does
    # The app asked for 4 bytes; gunicorn took all 10 off the socket (what matters for a
    # reset is the kernel's buffer, not what the app consumed).
    assert req.body.read(4) == b"0123"
    assert read_to_the_end(req)


def test_a_chunked_body_is_left_to_gunicorns_lingering_close(parsed):
    req = parsed(b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"3\r\nabc\r\n0\r\n\r\n")  # fmt: skip
    assert req.body.read() == b"abc"
    assert not read_to_the_end(req)


def _response(connection: socket.socket) -> bytes:
    """Everything up to the server's FIN (sent in both ways of closing)."""
    connection.settimeout(10)
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_one_worker_serves_the_next_client_while_the_last_ones_keep_their_connections_open(
    app, database_url, tmp_path
):
    server = LiveServer(database_url, tmp_path, workers=1).start()
    held: list[socket.socket] = []
    try:
        began = time.monotonic()
        for _ in range(3):  # clients that read their answer and do not hang up (yet)
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            held.append(connection)
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert _response(connection).startswith(b"HTTP/1.1 200")
        r = requests.get(server.base + "/healthz", timeout=10)
        waited = time.monotonic() - began
        assert r.status_code == 200
        # gunicorn's own close keeps its one worker reading each held connection for 2 s
        # (6 s for the three) before it takes the next; this worker takes it at once.
        assert waited < 3, f"{waited:.1f} s: the worker waited for the clients to hang up"
    finally:
        for connection in held:
            connection.close()
        server.stop()
