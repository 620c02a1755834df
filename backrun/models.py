"""Import every model module here so Alembic's autogenerate and create_all see all tables."""

from backrun.places.models import GeocodedPlace  # noqa: F401
