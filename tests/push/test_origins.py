"""Which endpoints count as a push service's (pure)."""

import pytest

from backrun.config import DEFAULT_PUSH_ALLOWED_ORIGINS
from backrun.push.origins import allowed, origin_of

DEFAULTS = DEFAULT_PUSH_ALLOWED_ORIGINS.split(",")


@pytest.mark.parametrize(
    "url",
    [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://FCM.googleapis.com:443/fcm/send/x",
    ],
)
def test_the_major_push_services_are_allowed_by_default(url):
    assert allowed(url, DEFAULTS)


@pytest.mark.parametrize(
    "url",
    [
        "http://fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://evil.example/fcm.googleapis.com",
        "https://fcm.googleapis.com.evil.example/",
        "https://user:pw@fcm.googleapis.com/",
        "https://notify.windows.com/",
        "https://a.b.notify.windows.com/",
        "https://evilnotify.windows.com/",
        "https://fcm.googleapis.com\\@evil.example/",
        "https://fcm.googleapis.com /x",
        "ftp://fcm.googleapis.com/",
        "",
        "https://",
    ],
)
def test_anything_else_is_refused(url):
    assert not allowed(url, DEFAULTS)


def test_origins_drop_default_ports_and_keep_others():
    assert origin_of("https://Example.org:443/a") == "https://example.org"
    assert origin_of("http://127.0.0.1:8123/x") == "http://127.0.0.1:8123"
    assert allowed("http://127.0.0.1:8123/wpush/a", ["http://127.0.0.1:8123"])
    assert not allowed("http://127.0.0.1:8124/wpush/a", ["http://127.0.0.1:8123"])
