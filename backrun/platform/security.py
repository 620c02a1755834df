"""Security headers for every response.

Written out here rather than through Flask-Talisman: the whole policy is a handful of
constant headers, computed once, which keeps the hot path (cached advice) cheap.
"""

from __future__ import annotations

from flask import Flask, request

# No inline scripts or styles anywhere: htmx's indicator styles are turned off in its config
# and live in app.css instead. Map tiles come from openstreetmap.org when the map is opened.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://tile.openstreetmap.org",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

BASE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    # Geolocation only for Backrun's own pages; nothing else may ask.
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    base = [(name.lower(), name, value) for name, value in BASE_HEADERS.items()]

    @app.after_request
    def _security_headers(response):
        # One pass over the response's headers instead of a scan per header (setdefault):
        # this runs on every request, the cached advice included.
        present = {name.lower() for name in response.headers.keys()}  # noqa: SIM118 (Headers iterate as pairs)
        for lower, name, value in base:
            if lower not in present:
                response.headers.add(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
