"""Import every model module here so Alembic's autogenerate and create_all see all tables."""

from backrun.accounts.models import ApiToken, User  # noqa: F401
from backrun.logbook.models import Run  # noqa: F401
from backrun.places.models import GeocodedPlace  # noqa: F401
from backrun.push.models import PushDelivery, PushSubscription  # noqa: F401
from backrun.venues.models import Venue, VenueExtract, VenueTile  # noqa: F401
from backrun.web.health import HealthCheck  # noqa: F401
