"""`python -m tests.fakes.keyword_bot`: the bot as `python -m bot run` starts it, with the
keyword classifier instead of the model, noting each text it classifies in the file named by
KEYWORD_BOT_JOURNAL (one line per text), so tests of several processes can see who did what."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

from bot.cli.context import settings
from bot.runtime import serve
from models.classification import Classification
from tests.fakes.classifier import KeywordClassifier

JOURNAL = "KEYWORD_BOT_JOURNAL"


class JournalingClassifier(KeywordClassifier):
    """The keyword classifier, appending every text it is given to a journal file."""

    def __init__(self, journal: Path) -> None:
        super().__init__()
        self._journal = journal

    async def classify(self, texts: Sequence[str]) -> list[Classification]:
        found = await super().classify(texts)
        with self._journal.open("a", encoding="utf-8") as out:
            out.writelines(f"{t}\n" for t in texts)
        return found


def main() -> None:
    """Serve until SIGTERM or SIGINT, like `python -m bot run`."""
    journal = Path(os.environ[JOURNAL])
    asyncio.run(serve(settings(), JournalingClassifier(journal)))


if __name__ == "__main__":
    main()
