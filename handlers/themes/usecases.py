"""What leads do with themes: read a week's (computed when missing), see one theme's messages,
turn a theme into a new topic or merge it into an existing one. The role is checked here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.events import utcnow
from handlers.digest.scrub import scrub
from handlers.digest.week import IsoWeek, local_week
from handlers.inbox.roles import Actor, require
from handlers.team_names import NamesTeams
from handlers.themes.compute import ThemeBuilder
from handlers.themes.trend import rank
from models.classification import OTHER_TOPIC, UNSURE
from models.store import Store
from models.store.rights.registry import ERASED
from models.store.themes.facade import TopicTaken
from models.store.themes.types import Run, ThemeLine

TOPIC_NAME = re.compile(r"[a-z][a-z0-9_]{1,63}")
QUOTE_CHARS = 200


class ThemeRefused(ValueError):
    """The request cannot be done as asked (the message says why)."""


class UnknownTeam(NamesTeams, ThemeRefused):
    """A team that is not one of the teams a topic may go to."""


class NoSuchTheme(LookupError):
    """There is no theme with that id."""


@dataclass(frozen=True)
class WeekThemes:
    """A week's themes, new and rising first, with their scrubbed quotes."""

    week: str
    run: Run
    in_progress: bool
    themes: list[ThemeLine]
    quotes: dict[int, list[str]]


class Themes:
    """The themes use cases over the store and the builder."""

    def __init__(
        self,
        store: Store,
        builder: ThemeBuilder,
        *,
        topics: Sequence[str],
        teams: Sequence[str],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self.builder = builder
        self._topics = tuple(topics)
        self.teams = tuple(teams)
        self._clock = clock

    async def week(self, actor: Actor | None, week: IsoWeek | None = None) -> WeekThemes:
        """A week's themes (default: the week in progress), computed first when missing or
        stale. ``actor`` None: the CLI or the digest, which the deployment itself runs."""
        if actor is not None:
            require(actor, "themes")
        now = self._clock()
        week = week or local_week(now, self.builder.zone)
        if week.start(self.builder.zone) > now:
            raise ThemeRefused(f"{week} has not started yet")
        run = await self.builder.ensure(week, now)
        lines = sorted(await self._store.themes.of_week(week=str(week)), key=_order)
        quotes = await self.quotes(lines)
        return WeekThemes(str(week), run, not run.complete, lines, quotes)

    async def quotes(self, lines: Sequence[ThemeLine]) -> dict[int, list[str]]:
        """Each theme's quotes, scrubbed and shortened (an erased message is left out)."""
        ids = [q for line in lines for q in line.quotes]
        texts = await self._store.themes.texts(message_ids=ids)
        return {
            line.id: [
                _quote(texts[q])
                for q in line.quotes
                if texts.get(q, "").strip() not in ("", ERASED)
            ]
            for line in lines
        }

    async def theme(
        self, actor: Actor, theme_id: int, week: str | None = None
    ) -> tuple[ThemeLine, list[int], list[tuple[str, int]]]:
        """One theme (in a week, or its newest), exactly its messages' ids there, and its
        size in every week it was found."""
        require(actor, "themes")
        line = await self._store.themes.theme(theme_id=theme_id, week=week)
        if line is None:
            raise NoSuchTheme(f"no theme {theme_id}" + (f" in {week}" if week else ""))
        ids = await self._store.themes.message_ids(theme_id=theme_id, week=line.week)
        return line, ids, await self._store.themes.weeks_of(theme_id=theme_id)

    async def known_topics(self) -> list[str]:
        """Topics a theme may be merged into: the topics file's and those made from themes."""
        learned = [name for name, _ in await self._store.themes.learned_topics()]
        return [*self._topics, *(n for n in learned if n not in self._topics)]

    async def to_topic(self, actor: Actor, theme_id: int, name: str, team: str) -> int:
        """Make a new topic of a theme: its messages become the topic's examples (``train
        topics`` learns them). Returns how many messages."""
        require(actor, "themes")
        name = name.strip()
        if not TOPIC_NAME.fullmatch(name):
            raise ThemeRefused(
                "a topic name is 2-64 lower-case letters, digits or _, starting with a letter"
            )
        if name in (OTHER_TOPIC, UNSURE) or name in await self.known_topics():
            raise ThemeRefused(f"there is already a topic called {name!r}: merge into it instead")
        if team not in self.teams:
            raise UnknownTeam("choose a team from the list: {teams}", self.teams)
        return await self._label(actor, theme_id, name, team)

    async def merge(self, actor: Actor, theme_id: int, topic: str) -> int:
        """Merge a theme into an existing topic: its messages become corrections to it."""
        require(actor, "themes")
        if topic not in await self.known_topics():
            raise ThemeRefused(f"there is no topic called {topic!r}")
        return await self._label(actor, theme_id, topic, None)

    async def _label(self, actor: Actor, theme_id: int, topic: str, team: str | None) -> int:
        line = await self._store.themes.theme(theme_id=theme_id)
        if line is None:
            raise NoSuchTheme(f"no theme {theme_id}")
        if line.status != "open":
            raise ThemeRefused(f"this theme was already made part of {line.topic!r}")
        detail: dict[str, object] = {"topic": topic, "label": line.label, "role": actor.role}
        if team is not None:
            detail["team"] = team
        try:
            return await self._store.themes.label_theme(
                theme_id=theme_id,
                topic=topic,
                team=team,
                by=actor.name or f"staff:{actor.id}",
                at=self._clock(),
                audit=detail,
            )
        except TopicTaken as exc:
            raise ThemeRefused(str(exc)) from None


def _order(line: ThemeLine) -> tuple[int, int]:
    return rank(line.trend, line.size)


def _quote(text: str) -> str:
    short = " ".join(scrub(text).split())
    return short if len(short) <= QUOTE_CHARS else short[: QUOTE_CHARS - 1].rstrip() + "…"
