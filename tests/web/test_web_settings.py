"""The web settings refuse bad values with a message naming the setting."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, frame_ancestors, load_settings


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"widget_frame_ancestors": "https://ok.example, javascript:alert(1)"}, "FRAME_ANCESTORS"),
        ({"widget_frame_ancestors": "'unsafe-inline'"}, "FRAME_ANCESTORS"),
        ({"public_url": "feedback.example.ac.uk"}, "FEEDBOT_PUBLIC_URL"),
        ({"widget_session_hours": 0}, "FEEDBOT_WIDGET_SESSION_HOURS"),
        ({"widget_session_rate": 0}, "FEEDBOT_WIDGET_SESSION_RATE"),
        ({"widget_new_session_rate": -1}, "FEEDBOT_WIDGET_NEW_SESSION_RATE"),
        ({"trusted_proxy_header": "X-Forwarded-For: 1.2.3.4"}, "FEEDBOT_TRUSTED_PROXY_HEADER"),
        ({"metrics_token": "short"}, "FEEDBOT_METRICS_TOKEN"),
    ],
)
def test_a_bad_web_setting_is_named(overrides: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**overrides)


def test_good_web_settings_are_read() -> None:
    settings = load_settings(
        public_url="https://feedback.example.ac.uk/",
        widget_frame_ancestors="https://www.library.example.ac.uk https://*.example.ac.uk",
        trusted_proxy_header="X-Forwarded-For",
        metrics_token="a-long-metrics-token-1234",
    )
    assert settings.public_url == "https://feedback.example.ac.uk"
    assert frame_ancestors(settings.widget_frame_ancestors) == [
        "https://www.library.example.ac.uk",
        "https://*.example.ac.uk",
    ]
