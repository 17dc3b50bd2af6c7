"""The digest's "we miss you" section: of the people sent a re-engagement message in the 12
weeks before the digest's end, how many have written (or answered) since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import escape

from handlers.digest.parts import Context, Part, Sources
from models.store import Store

LOOK_BACK = timedelta(weeks=12)


@dataclass(frozen=True)
class Reengaged:
    """People sent "we miss you" in the 12 weeks to the week's end, and how many came back."""

    asked: int
    came_back: int
    weeks: int = LOOK_BACK.days // 7

    def sentence(self) -> str:
        """The figure in words."""
        people = "person" if self.asked == 1 else "people"
        verb = "has" if self.came_back == 1 else "have"
        return (
            f"{self.came_back} of the {self.asked} {people} sent a \u201cwe miss you\u201d"
            f" message in the last {self.weeks} weeks {verb} written to us since."
        )


async def reengaged(store: Store, end: datetime) -> Reengaged:
    """The figure for a digest whose figures stop at ``end``."""
    asked, back = await store.reach.came_back(kind="reengage", since=end - LOOK_BACK, until=end)
    return Reengaged(asked, back)


class ReengagedSection:
    """ "We miss you": left out while nobody was sent one."""

    name = "reengaged"

    async def build(self, store: Store, context: Context) -> Part | None:
        """How many of those asked came back, up to the digest's end."""
        found = await reengaged(store, context.end)
        if not found.asked:
            return None

        def html(base: str, charts: Sources) -> str:
            return f"<p>{escape(found.sentence())}</p>"

        def text(base: str) -> list[str]:
            return [found.sentence()]

        return Part(self.name, "We miss you", found, html, text)
