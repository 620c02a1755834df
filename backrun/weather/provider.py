"""The one shape of an upstream data provider, so the services hold providers, not special cases.

A provider is an adapter for one upstream service: it knows the service's request, terms and
format, and nothing of caching, single flight, failover or circuit breakers (the services' work).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from backrun.weather.model import Forecast

T_co = TypeVar("T_co", covariant=True)


class Provider(Protocol[T_co]):
    """Asks one upstream service about a place.

    `name` is what errors (`ProviderError.provider`, the API's `weather_errors`) and the
    service's circuit breaker call it. `fetch` asks once; `now` is the caller's clock and stamps
    the answer's `fetched_at`. Every failure (timeout, connection, HTTP error, rate limit,
    an answer that can't be read) is raised as a ProviderError.
    """

    @property
    def name(self) -> str: ...

    def fetch(self, latitude: float, longitude: float, now: datetime) -> T_co: ...


class WeatherProvider(Provider[Forecast], Protocol):
    """A forecast provider. `start_slack`: how far after now its series may begin and still
    count as covering now (a forecast that says nothing about now is unusable)."""

    @property
    def start_slack(self) -> timedelta: ...
