"""Issue 13, item 10: gunicorn believes X-Forwarded-Proto only as BACKRUN_TRUSTED_PROXIES says,
and fresh advice never has a negative age."""

from __future__ import annotations

import pytest
import requests

from tests.support.apps import daylit_location


@pytest.mark.timeout(120)
def test_forwarded_proto_from_loopback_is_not_believed_without_a_trusted_proxy(serve):
    untrusted = serve()
    response = requests.get(untrusted.url("/healthz"), headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers  # the app saw plain HTTP, as it was

    behind_proxy = serve(BACKRUN_TRUSTED_PROXIES="1")
    response = requests.get(behind_proxy.url("/healthz"), headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert "Strict-Transport-Security" in response.headers  # one trusted proxy said HTTPS


def test_fresh_advice_has_no_negative_age(client, open_meteo):
    for n in range(3):
        lat, lon = daylit_location()
        body = client.get(f"/api/v1/advice?lat={lat + n * 0.05:.3f}&lon={lon:.3f}").json
        assert body["source"] == "open-meteo"
        assert body["data_age_s"] is not None and body["data_age_s"] >= 0, body["data_age_s"]
