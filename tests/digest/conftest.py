"""The digest tests' store: a fresh one per test over ``db_url`` (SQLite and PostgreSQL, already
at the newest migration)."""

from __future__ import annotations
