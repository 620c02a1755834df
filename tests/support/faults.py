"""A misbehaving HTTP proxy on 127.0.0.1, in front of one upstream fake.

The app is pointed at the proxy instead of the fake; the proxy forwards each request to the fake
and spoils the exchange the way real networks and overloaded services do:

    "pass"          forward as is
    "latency"       forward, but only after `delay_s` (longer than the app's timeout)
    "status:<n>"    answer HTTP <n> (500, 502, 503, 504, 429) with a short HTML body, as a
                    load balancer or an overloaded service does
    "reset"         read the request, then reset the connection (RST, no answer at all)
    "refuse"        reset the connection before reading anything
    "truncate"      forward, then send the headers and half the body and close (Content-Length
                    promises more than arrives)
    "cut_json"      forward, but cut the body in half with a matching Content-Length: a complete
                    HTTP answer with broken JSON in it
    "garbage"       200, Content-Type JSON, bytes that are no JSON at all
    "drip"          the upstream's answer one byte every 50 ms (a server that never quite stops)
    "trickle"       the whole answer, status line and headers included, one byte every
                    `trickle_s` (2 s): every single read succeeds, the answer never completes
    "hang"          read the request, then say nothing until the client gives up (or the proxy stops)

`set(mode)` applies one mode to every request; `cycle(modes)` rotates through several.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import socket
import struct
import threading
import time
from socketserver import BaseRequestHandler, ThreadingTCPServer
from urllib.parse import urlsplit

MODES = ("pass", "latency", "reset", "refuse", "truncate", "cut_json", "garbage", "drip", "trickle", "hang")
STATUS_PAGE = b"<html><body><h1>%d</h1>upstream trouble</body></html>"


class _Server(ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FaultProxy:
    def __init__(self, upstream_url: str, delay_s: float = 3.0, trickle_s: float = 2.0) -> None:
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname, parts.port)
        self.delay_s = delay_s
        self.trickle_s = trickle_s
        self._stopped = threading.Event()
        self._modes = itertools.cycle(["pass"])
        self._lock = threading.Lock()
        self.served: list[str] = []  # the mode used for each request, in order
        proxy = self

        class Handler(BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, upstream_endpoint: str) -> str:
        """The proxy's URL for a full upstream URL (same path)."""
        return self.url + urlsplit(upstream_endpoint).path

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set(self, mode: str) -> None:
        self.cycle([mode])

    def cycle(self, modes: list[str]) -> None:
        for mode in modes:
            if mode not in MODES and not mode.startswith("status:"):
                raise ValueError(f"unknown fault mode {mode!r}")
        with self._lock:
            self._modes = itertools.cycle(list(modes))

    def _next_mode(self) -> str:
        with self._lock:
            mode = next(self._modes)
            self.served.append(mode)
            return mode

    # --- one connection, one exchange -------------------------------------------------------
    def _handle(self, client: socket.socket) -> None:
        mode = self._next_mode()
        try:
            if mode == "refuse":
                _reset(client)
                return
            method, target, headers, body = _read_request(client)
            if mode == "reset":
                _reset(client)
                return
            if mode.startswith("status:"):
                code = int(mode.split(":", 1)[1])
                page = STATUS_PAGE % code
                _send(client, code, {"Content-Type": "text/html"}, page)
                return
            if mode == "garbage":
                _send(client, 200, {"Content-Type": "application/json"}, os.urandom(64) + b"\x00{")
                return
            if mode == "hang":
                _hang(client, self._stopped)
                return
            if mode == "latency":
                time.sleep(self.delay_s)
            status, reply_headers, reply = self._forward(method, target, headers, body)
            if mode == "truncate":
                head = _head(status, {**reply_headers, "Content-Length": str(len(reply))})
                client.sendall(head + reply[: len(reply) // 2])
                _reset(client)
            elif mode == "cut_json":
                _send(client, status, reply_headers, reply[: len(reply) // 2])
            elif mode == "trickle":
                answer = _head(status, {**reply_headers, "Content-Length": str(len(reply))}) + reply
                for byte in answer:
                    client.sendall(bytes([byte]))
                    if self._stopped.wait(self.trickle_s):
                        return
            elif mode == "drip":
                client.sendall(_head(status, {**reply_headers, "Content-Length": str(len(reply))}))
                for byte in reply:
                    client.sendall(bytes([byte]))
                    time.sleep(0.05)
            else:
                _send(client, status, reply_headers, reply)
        except OSError:
            pass  # the app gave up on us (its timeout): that is the point
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _forward(self, method: str, target: str, headers: dict[str, str], body: bytes):
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            forwarded = {
                k: v for k, v in headers.items() if k.lower() not in {"connection", "accept-encoding"}
            }
            connection.request(method, target, body=body or None, headers=forwarded)
            response = connection.getresponse()
            reply = response.read()
            keep = {
                k: v
                for k, v in response.getheaders()
                if k.lower() not in {"connection", "transfer-encoding", "content-length", "keep-alive"}
            }
            return response.status, keep, reply
        finally:
            connection.close()


def _read_request(client: socket.socket) -> tuple[str, str, dict[str, str], bytes]:
    client.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            raise ConnectionError("client closed before sending a request")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    length = int(headers.get("Content-Length") or headers.get("content-length") or 0)
    while len(rest) < length:
        chunk = client.recv(65536)
        if not chunk:
            break
        rest += chunk
    return method, target, headers, rest[:length]


def _head(status: int, headers: dict[str, str]) -> bytes:
    reason = http.client.responses.get(status, "Unknown")
    lines = [
        f"HTTP/1.1 {status} {reason}",
        *(f"{k}: {v}" for k, v in headers.items()),
        "Connection: close",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1")


def _send(client: socket.socket, status: int, headers: dict[str, str], body: bytes) -> None:
    client.sendall(_head(status, {**headers, "Content-Length": str(len(body))}) + body)


def _hang(client: socket.socket, stopped: threading.Event) -> None:
    """Keep the connection open without a byte until the client closes it or the proxy stops."""
    client.settimeout(0.2)
    while not stopped.is_set():
        try:
            if not client.recv(1):
                return  # the client gave up
        except TimeoutError:
            continue


def _reset(client: socket.socket) -> None:
    """Close with RST instead of FIN: the peer sees "connection reset by peer"."""
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
