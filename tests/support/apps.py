"""An app on a database exactly as given (not migrated), with no weather, venue or shared-cache
services: for tests and helpers that migrate, seed or inspect a database themselves."""

from __future__ import annotations

from pathlib import Path

from flask import Flask


def bare_app(instance_path: Path | str, database_url: str, **config) -> Flask:
    from backrun import create_app

    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_path),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BACKRUN_CACHE_URL": "",
            "BACKRUN_OVERPASS_URL": "",
            "BACKRUN_AIR_QUALITY_URL": "",
            **config,
        }
    )
