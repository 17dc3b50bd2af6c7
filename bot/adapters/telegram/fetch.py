"""getUpdates that one unreadable update cannot wedge.

PTB reads a whole batch at once, so an update it cannot read makes every getUpdates call fail
and the poller would ask for the same batch for ever. Then the batch is fetched again as plain
JSON and read update by update: the unreadable ones are logged and skipped, and the offset moves
past them.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Batch:
    """The updates that could be read, and the offset that confirms the whole batch."""

    updates: Sequence[Update]
    next_offset: int | None


async def get_updates(
    bot: Bot, *, offset: int | None, wait_s: float, allowed: Sequence[str]
) -> Batch:
    """One long poll; a batch PTB cannot read is read again one update at a time."""
    wait = timedelta(seconds=wait_s)
    try:
        updates = await bot.get_updates(offset=offset, timeout=wait, allowed_updates=allowed)
    except TelegramError:
        raise
    except Exception as exc:  # noqa: BLE001 - PTB could not read the batch it fetched
        log.warning(
            "telegram: a getUpdates batch was unreadable (%s); reading it update by update", exc
        )
        return await _one_by_one(bot, offset, allowed)
    return Batch(updates, _after([u.update_id for u in updates]))


async def _one_by_one(bot: Bot, offset: int | None, allowed: Sequence[str]) -> Batch:
    """The same batch as plain JSON (no waiting: it is there), each update read on its own."""
    kwargs = {"offset": offset, "timeout": 0, "allowed_updates": list(allowed)}
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", PTBUserWarning
        )  # "use get_updates": it is the one that failed
        raw: Any = await bot.do_api_request("getUpdates", api_kwargs=kwargs)
    items = [u for u in raw if isinstance(u, dict)] if isinstance(raw, list) else []
    readable = [u for u in (_read(bot, item) for item in items) if u is not None]
    return Batch(readable, _after([u.get("update_id") for u in items]))


def _after(ids: Sequence[object]) -> int | None:
    """The offset that confirms every update up to the highest whole-number id, if any."""
    numbers = [i for i in ids if type(i) is int]
    return max(numbers) + 1 if numbers else None


def _read(bot: Bot, item: dict[str, Any]) -> Update | None:
    """PTB's Update for one item, or None (logged) when it cannot be read."""
    try:
        update = Update.de_json(item, bot)
    except Exception as exc:  # noqa: BLE001 - skipped: Telegram would hand it over for ever
        log.warning("telegram: unreadable update %.40r skipped: %s", item.get("update_id"), exc)
        return None
    return update if isinstance(update.update_id, int) else None
