"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, settings for it, and
``chat``: the whole bot among the fake platforms, for tests that read like a conversation."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from config.settings import Settings, load_settings
from tests.fakes.chat import Chat

pytest_plugins = ["tests.support.browser"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _pg_base() -> tuple[str, bool]:
    """The PostgreSQL URL to test against, and whether it was demanded (then it must work)."""
    url = os.environ.get("FEEDBOT_TEST_POSTGRES_URL", "")
    return (url or DEFAULT_PG), bool(url)


async def _admin(url: str) -> asyncpg.Connection:
    u = make_url(url)
    return await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL: a temp SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"
        return
    base, demanded = _pg_base()
    try:
        admin = await _admin(base)
    except (OSError, asyncpg.PostgresError) as exc:
        if demanded:
            pytest.fail(f"FEEDBOT_TEST_POSTGRES_URL is set but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {base}")
    name = f"feedbot_t_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A temp SQLite database URL, for tests that are not about the backend."""
    return f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a test: temp state folder, random port, the repo's config file."""

    def build(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "state_dir": tmp_path / "var",
            "http_port": 0,
            "config_file": ROOT / "config" / "feedbot.yaml",
            "pseudonym_key": "test-pseudonym-key-0123456789",
            "outbox_base_delay_s": 0.05,
            "outbox_max_delay_s": 0.5,
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def chat_database(request: pytest.FixtureRequest) -> None:
    """The test's database fixture, set up before ``chat`` so that it is dropped after the bot
    stopped (whatever order the test names them in)."""
    for database in ("db_url", "sqlite_url"):
        if database in request.fixturenames:
            request.getfixturevalue(database)


@pytest.fixture
async def chat(chat_database: None, make_settings: Callable[..., Settings]) -> AsyncIterator[Chat]:
    """FakeSlack, FakeTelegram and FakeX running; ``await chat.start(...)`` starts the bot."""
    async with Chat(make_settings) as world:
        yield world
