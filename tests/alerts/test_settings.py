"""The FEEDBOT_ALERT_* settings: a bad value names the setting; good ones are read as meant."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"alert_to": "desk@lib.example, nobody"}, "FEEDBOT_ALERT_TO: .*'nobody' is not an e-mail"),
        ({"alert_quiet_hours": "late"}, "FEEDBOT_ALERT_QUIET_HOURS: .*use opening"),
        ({"alert_quiet_hours": "21:00"}, "FEEDBOT_ALERT_QUIET_HOURS"),
        ({"alert_due_warning_minutes": 0}, "FEEDBOT_ALERT_DUE_WARNING_MINUTES"),
        ({"alert_spike_window_minutes": 2}, "FEEDBOT_ALERT_SPIKE_WINDOW_MINUTES"),
        ({"alert_spike_weeks": 0}, "FEEDBOT_ALERT_SPIKE_WEEKS"),
        ({"alert_spike_min_count": 2}, "FEEDBOT_ALERT_SPIKE_MIN_COUNT"),
        ({"alert_spike_p": 0.7}, "FEEDBOT_ALERT_SPIKE_P"),
        ({"alert_check_seconds": 1}, "FEEDBOT_ALERT_CHECK_SECONDS"),
        ({"smtp_host": "smtp.lib.example", "alert_to": "desk@lib.example"}, "FEEDBOT_MAIL_FROM"),
    ],
)
def test_a_bad_alert_setting_is_named(override: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**override)


def test_quiet_hours_are_opening_hours_by_default_and_may_be_a_span_or_none() -> None:
    assert load_settings().alert_quiet_hours == "opening"
    assert load_settings(alert_quiet_hours=" Opening ").alert_quiet_hours == "opening"
    assert load_settings(alert_quiet_hours="22:00-07:30").alert_quiet_hours == "22:00-07:30"
    assert load_settings(alert_quiet_hours="").alert_quiet_hours == ""
