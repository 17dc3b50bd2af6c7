"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, settings for it, and
``chat``: the whole bot among the fake platforms, for tests that read like a conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from models.store import Store
from tests.fakes.chat import Chat
from tests.support.databases import (
    PgDatabases,
    SqliteTemplate,
    drop_pg_database,
    empty_pg_database,
    sqlite_file_url,
)

pytest_plugins = ["tests.support.browser"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """A SQLite file migrated once per session, copied for each test."""
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    """PostgreSQL databases at the newest migration, each emptied after its test for the next;
    all dropped at the end of the session."""
    databases = PgDatabases()
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: SqliteTemplate,
    pg_databases: PgDatabases,
) -> AsyncIterator[str]:
    """A database of the test's own at the newest migration, holding nothing (migrating it
    again finds nothing to do): a temp SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield sqlite_template.copy_to(tmp_path / "feedbot.db")
        return
    name, url = await pg_databases.database()
    try:
        yield url
    finally:
        await pg_databases.done(name)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    """The store on the test's own database (both backends), with a fixed pseudonym key."""
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as opened:
        yield opened


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database (no migration run yet): for tests of the migrations."""
    if request.param == "sqlite":
        yield sqlite_file_url(tmp_path / "feedbot.db")
        return
    name, url = await empty_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    """A temp SQLite database at the newest migration, for tests that are not about the
    backend."""
    return sqlite_template.copy_to(tmp_path / "feedbot.db")


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
    for database in ("db_url", "empty_db_url", "sqlite_url"):
        if database in request.fixturenames:
            request.getfixturevalue(database)


@pytest.fixture
async def chat(chat_database: None, make_settings: Callable[..., Settings]) -> AsyncIterator[Chat]:
    """FakeSlack, FakeTelegram and FakeX running; ``await chat.start(...)`` starts the bot."""
    async with Chat(make_settings) as world:
        yield world
