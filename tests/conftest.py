"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, settings for it, and
``chat``: the whole bot among the fake platforms, for tests that read like a conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from tests.fakes.chat import Chat
from tests.support.databases import drop_pg_database, new_pg_database

pytest_plugins = ["tests.support.browser"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL: a temp SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"
        return
    name, url = await new_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(name)


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
