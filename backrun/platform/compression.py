"""gzip for text answers (pages, CSS, JavaScript, JSON, SVG) when the client accepts it.

gunicorn doesn't compress and a phone on a slow network pays for every byte: the home page's
first load must stay under 100 KB. A reverse proxy that compresses sees `Content-Encoding` and
leaves the answer alone. Static files are compressed once per version (their ETag) and kept;
their ETag turns weak, which still matches in `If-None-Match`, so 304s keep working.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Flask, request

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "text/plain",
        "text/csv",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    }
)
MIN_BYTES = 512  # below this the gzip header and a round of CPU aren't worth it
LEVEL = 6
STATIC_MEMO_SIZE = 128


class _StaticMemo:
    """Compressed static files by (path, ETag): the same bytes for every visitor of a version."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value: bytes) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _body(response) -> bytes:
    """The whole body, also of a file response (Flask sends those straight from the file)."""
    original = response.response
    response.direct_passthrough = False
    data = response.get_data()
    if hasattr(original, "close"):
        original.close()
    return data


def init_app(app: Flask) -> None:
    memo = _StaticMemo(STATIC_MEMO_SIZE)

    @app.after_request
    def _gzip(response):
        status = response.status_code
        if status < 200 or status in (204, 206, 304) or response.mimetype not in COMPRESSIBLE:
            return response
        response.vary.add("Accept-Encoding")
        if "Content-Encoding" in response.headers or not request.accept_encodings["gzip"]:
            return response
        if response.is_streamed and not response.direct_passthrough:
            return response  # a generator (exports): compressing would mean buffering it all
        if response.content_length is not None and response.content_length < MIN_BYTES:
            return response
        etag, weak = response.get_etag()
        key = (request.path, etag) if request.endpoint == "static" and etag else None
        compressed = memo.get(key) if key else None
        if compressed is None:
            data = _body(response)
            if len(data) < MIN_BYTES:
                return response
            compressed = gzip.compress(data, compresslevel=LEVEL, mtime=0)
            if len(compressed) >= len(data):
                return response
            if key:
                memo.put(key, compressed)
        else:
            if hasattr(response.response, "close"):
                response.response.close()
            response.direct_passthrough = False
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "gzip"
        if etag and not weak:
            response.set_etag(etag, weak=True)
        return response
