"""The gunicorn worker that serves the app: gunicorn's sync worker, minus the wait for the
client to hang up (gunicorn.conf.py names it).

Since gunicorn 27 a sync worker, after each response, half-closes the connection and then
reads until the client closes its side, for up to 2 s (RFC 9112 §9.6: request bytes left
unread would make the kernel answer with a reset, which can cut the response short on the
client). While it waits it serves nobody. In the load bench's start window that was 8-12 %
of both workers' time with hundreds of connections waiting in the listen queue
(bench/RESULTS.md); behind nginx it is a wait for nginx's turn on a busy core, and for a
phone on a slow network a round trip. When the request's body was read to its end nothing
more is coming (every response says `Connection: close`), so the worker closes at once and
takes the next connection. With a body left unread (a request refused before its body was
read) it lingers as gunicorn does.
"""

from __future__ import annotations

import socket

from gunicorn.http.body import LengthReader
from gunicorn.workers.sync import SyncWorker

_DRAIN_AT_MOST = 64 * 1024  # what already arrived beyond the request: gunicorn's own cap


def read_to_the_end(req) -> bool:
    """Whether the client has nothing more to send: its body (if any) was read whole. A
    chunked or unframed body is left to gunicorn's lingering close."""
    body = req.body
    # Bytes taken from the socket but not by the app are no risk: only the kernel's are.
    return (
        isinstance(body.reader, LengthReader)
        and body.reader.length == 0
        and not getattr(body, "failed", False)  # a body that broke off: framing unknown
    )


def close_now(client: socket.socket) -> None:
    """Send FIN, take what already arrived (normally nothing), close: no wait for the
    client's own FIN, which the kernel handles after the socket is gone."""
    try:
        client.shutdown(socket.SHUT_WR)
        client.setblocking(False)
        drained = 0
        while drained < _DRAIN_AT_MOST and (data := client.recv(4096)):
            drained += len(data)
    except OSError:  # BlockingIOError: nothing more there; or the client is gone
        pass
    finally:
        client.close()


class PromptCloseSyncWorker(SyncWorker):
    """A sync worker (one request at a time) that closes as soon as the request is done."""

    def handle_request(self, listener, req, client, addr):
        super().handle_request(listener, req, client, addr)
        # Only reached when the response was written whole (errors raise past this); then
        # gunicorn's own close finds the socket closed and does nothing.
        if read_to_the_end(req):
            close_now(client)
