"""Geocoding results kept in the database: Nominatim's policy asks clients to cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backrun.extensions import Model


class GeocodedPlace(Model):
    __tablename__ = "geocoded_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The query as typed, case- and space-folded: "  Vaduz " and "vaduz" share one row.
    query_key: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    found: Mapped[bool]
    display_name: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    looked_up_at: Mapped[datetime]
