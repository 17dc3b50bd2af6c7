"""Typed settings: FEEDBOT_* environment variables (or .env), validated once at start."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"change-me", "changeme", "secret", "xxx"})
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")
ANCESTOR = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def frame_ancestors(value: str) -> list[str]:
    """The origins in FEEDBOT_WIDGET_FRAME_ANCESTORS (spaces or commas between them)."""
    return [o.rstrip("/") for o in re.split(r"[\s,]+", value) if o]


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it."""


class Settings(BaseSettings):
    """Everything an operator can set. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(
        env_prefix="FEEDBOT_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = ""
    config_file: Path = Path("config/feedbot.yaml")
    state_dir: Path = Path("var")
    http_host: str = "127.0.0.1"
    http_port: Annotated[int, Field(ge=0, le=65535)] = 8080
    public_url: str = ""
    log_level: str = "INFO"
    pseudonym_key: SecretStr = SecretStr("")
    session_secret: SecretStr = SecretStr("")
    staff_idle_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30
    staff_session_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 12
    max_message_chars: Annotated[int, Field(ge=1, le=100_000)] = 4000
    ingest_batch_max: Annotated[int, Field(ge=1, le=10_000)] = 512
    outbox_max_attempts: Annotated[int, Field(ge=1, le=100)] = 8
    outbox_base_delay_s: Annotated[float, Field(gt=0, le=3600)] = 1.0
    outbox_max_delay_s: Annotated[float, Field(gt=0, le=86_400)] = 300.0
    outbox_lease_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    """How long a claimed send is held for its sender (another worker then takes it as
    interrupted); a send is given up as of unknown outcome after three quarters of it, which
    must stay above the slowest request timeout (FEEDBOT_SMTP_TIMEOUT_S, X's 30 s)."""
    outbox_unsure_wait_s: Annotated[float, Field(ge=0, le=86_400)] = 60.0
    """After a send of unknown outcome (a timeout once the request went out, a crash mid-send):
    how long to wait before looking for it (Slack) or resending it once (elsewhere)."""
    process_max_attempts: Annotated[int, Field(ge=1, le=100)] = 10
    classify_max_batch: Annotated[int, Field(ge=1, le=1024)] = 32
    classify_max_wait_ms: Annotated[float, Field(ge=0, le=10_000)] = 0.0
    """How long a batch waits for more texts once a worker is free. 0: none, since texts that
    arrive while the workers are busy already join the next batch (MODEL_CARD.md, Speed)."""
    classify_threads: Annotated[int, Field(ge=1, le=64)] = 1
    """Intra-op threads a model run may use (one run per core goes at once). 1: measured best
    on an Intel two-core machine, close on an AMD one (MODEL_CARD.md, Speed)."""
    classify_engine: Annotated[str, Field(pattern="^(auto|onnx|torch)$")] = "auto"
    timezone: str = "Europe/London"
    poll_quiet_hours: str = "21:00-08:00"
    poll_check_s: Annotated[float, Field(gt=0, le=3600)] = 15.0
    """How often polls due to open or close are looked for and live tallies refreshed."""
    connection_lease_s: Annotated[float, Field(ge=3, le=3600)] = 30.0
    """How long a process's hold on Telegram's long poll, Slack's Socket Mode or X polling lasts
    unless renewed (every third of it); a standby process takes over within this after a crash."""
    topics_file: Path = Path("config/topics.yaml")
    languages_dir: Path = Path("config/languages")
    model_cache_dir: Path = Path("")
    classifier: Literal["local", "off"] = "local"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    x_consumer_key: SecretStr | None = None
    x_consumer_secret: SecretStr | None = None
    x_access_token: SecretStr | None = None
    x_access_token_secret: SecretStr | None = None
    x_api_url: str = "https://api.twitter.com"
    x_poll_interval_s: Annotated[float, Field(ge=1, le=86_400)] = 120.0
    x_webhook_enabled: bool = False
    staff_slack_channel: str = ""
    staff_slack_mode: Literal["full", "alerts"] = "full"
    smtp_host: str = ""
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    mail_from: str = ""
    digest_to: str = ""
    digest_send_at: str = "08:00"
    alert_to: str = ""
    alert_quiet_hours: str = "opening"
    alert_due_warning_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 60
    alert_spike_window_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 60
    alert_spike_weeks: Annotated[int, Field(ge=1, le=52)] = 4
    alert_spike_min_count: Annotated[int, Field(ge=3, le=1_000_000)] = 10
    alert_spike_p: Annotated[float, Field(gt=0, lt=0.5)] = 0.0001
    alert_check_seconds: Annotated[float, Field(ge=5, le=3600)] = 60.0
    widget_frame_ancestors: str = ""
    widget_session_hours: Annotated[float, Field(gt=0, le=4320)] = 168.0
    widget_session_rate: Annotated[int, Field(ge=1, le=1_000_000)] = 120
    widget_address_rate: Annotated[int, Field(ge=1, le=10_000_000)] = 6000
    widget_new_session_rate: Annotated[int, Field(ge=1, le=1_000_000)] = 60
    widget_vote_rate: Annotated[int, Field(ge=1, le=1_000_000)] = 20
    trusted_proxy_header: Annotated[str, Field(pattern=r"^([A-Za-z0-9-]+)?$")] = ""
    metrics_token: SecretStr | None = None
    retention_days: Annotated[int, Field(ge=0, le=36_500)] = 365  # 0: keep forever

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            url = f"sqlite+aiosqlite:///{self.state_dir / 'feedbot.db'}"
            object.__setattr__(self, "database_url", url)
        if self.smtp_host and self.digest_to and not self.mail_from:
            raise ValueError("FEEDBOT_MAIL_FROM must be set to send the digest by e-mail")
        if self.smtp_host and self.alert_to and not self.mail_from:
            raise ValueError("FEEDBOT_MAIL_FROM must be set to send alerts by e-mail")
        if self.model_cache_dir == Path(""):
            object.__setattr__(self, "model_cache_dir", self.state_dir / "models")
        return self

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value:
            return value
        allowed = ("sqlite+aiosqlite://", "postgresql+asyncpg://", "postgresql+psycopg://")
        if not value.startswith(allowed):
            raise ValueError("must start with " + ", ".join(allowed))
        return value

    @field_validator("public_url")
    @classmethod
    def _public_origin(cls, value: str) -> str:
        if value and not ORIGIN.fullmatch(value.rstrip("/")):
            raise ValueError("must be an http(s) URL such as https://feedback.example.ac.uk")
        return value.rstrip("/")

    @field_validator("widget_frame_ancestors")
    @classmethod
    def _origins(cls, value: str) -> str:
        bad = [o for o in frame_ancestors(value) if not ANCESTOR.fullmatch(o)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an origin such as https://www.example.ac.uk")
        return value

    @field_validator("staff_slack_channel")
    @classmethod
    def _channel_id(cls, value: str) -> str:
        if value.strip() and not re.fullmatch(r"[CG][A-Z0-9]{2,40}", value.strip()):
            raise ValueError("must be a Slack channel id such as C0123ABCD (not a #name)")
        return value.strip()

    @field_validator("metrics_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (or unset for an open /metrics)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a time zone name such as Europe/London") from None
        return value

    @field_validator("alert_quiet_hours")
    @classmethod
    def _alert_hours(cls, value: str) -> str:
        if value.strip().lower() == "opening":
            return "opening"
        try:
            return cls._hours(value)
        except ValueError:
            raise ValueError(
                "use opening (while the library is closed), HH:MM-HH:MM (e.g. 21:00-08:00), "
                "or empty for none"
            ) from None

    @field_validator("poll_quiet_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        start, sep, end = value.partition("-")
        try:
            if value.strip():
                time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        except ValueError:
            sep = ""
        if value.strip() and not sep:
            raise ValueError("use HH:MM-HH:MM (e.g. 21:00-08:00), or empty for none")
        return value

    @field_validator("digest_send_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("use HH:MM in library time, e.g. 08:00") from None
        return value.strip()

    @field_validator("digest_to", "alert_to")
    @classmethod
    def _addresses(cls, value: str) -> str:
        bad = [a for a in split_addresses(value) if "@" not in a.strip("@")]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an e-mail address (comma-separated list)")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("pseudonym_key", "session_secret")
    @classmethod
    def _not_placeholder(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("is a placeholder; set a long random value")
        return value


def split_addresses(value: str) -> list[str]:
    """'a@x, b@y' → ['a@x', 'b@y']."""
    return [a.strip() for a in value.split(",") if a.strip()]


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning a validation failure into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """One line per bad setting: FEEDBOT_NAME: what is wrong."""
    parts = []
    for error in exc.errors():
        if not error["loc"]:  # a rule across settings names them in its message
            parts.append(error["msg"].removeprefix("Value error, "))
            continue
        name = "FEEDBOT_" + "_".join(str(p) for p in error["loc"]).upper()
        parts.append(f"{name}: {error['msg']}")
    return "; ".join(parts)
