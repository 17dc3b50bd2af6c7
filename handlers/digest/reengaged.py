"""The digest's "we miss you" figure: of the people sent a re-engagement message in the weeks
before the digest's week ended, how many have written (or answered) since. Its own module: the
digest calls it once and its template includes ``_reengaged.html``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.store import Store

LOOK_BACK = timedelta(weeks=12)


@dataclass(frozen=True)
class Reengaged:
    """People sent "we miss you" in the 12 weeks to the week's end, and how many came back."""

    asked: int
    came_back: int
    weeks: int = LOOK_BACK.days // 7


async def reengaged(store: Store, end: datetime) -> Reengaged:
    """The figure for a digest whose week ends at ``end``."""
    asked, back = await store.reach.came_back(kind="reengage", since=end - LOOK_BACK, until=end)
    return Reengaged(asked, back)
