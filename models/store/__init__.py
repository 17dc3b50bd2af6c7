"""The feedback store: tables, engine, and the keyword-only API the rest of the bot uses."""

from models.store.store import Store

__all__ = ["Store"]
