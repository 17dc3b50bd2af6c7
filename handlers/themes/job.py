"""The themes job (see handlers/jobs.py): every hour, the week in progress's themes are
computed again (cheap: the stored embeddings of one week), and a week that has just ended is
computed once more in full, so the Monday digest and the themes page find them ready."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.digest.week import last_complete_week, local_week
from handlers.themes.compute import ThemeBuilder

log = logging.getLogger(__name__)
EVERY = timedelta(hours=1)


class ThemesJob:
    """Keeps the last complete week's and the week in progress's themes computed."""

    name = "themes"

    def __init__(self, builder: ThemeBuilder, *, every: timedelta = EVERY) -> None:
        self._builder = builder
        self.every = every

    async def run(self, now: datetime) -> None:
        """The week that ended (once, in full), then the week in progress (when stale)."""
        zone = self._builder.zone
        for week in (last_complete_week(now, zone), local_week(now, zone)):
            before = await self._builder.store.themes.run_of(week=str(week))
            run = await self._builder.ensure(week, now)
            if before != run:
                log.info("themes of %s: %d messages read", week, run.messages)
