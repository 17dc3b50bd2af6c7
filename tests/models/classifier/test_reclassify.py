"""`reclassify` through the store: every stored message gets the current model's verdict."""

from __future__ import annotations

from pathlib import Path

from bot.cli.classifier import _reclassify
from config.settings import load_settings
from models.classifier import LocalClassifier
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.events import message

from .conftest import TOPICS


async def test_reclassify_labels_every_stored_message(
    classifier: LocalClassifier, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"
    settings = load_settings(
        database_url=url, topics_file=TOPICS, model_cache_dir=tmp_path, pseudonym_key="k" * 32
    )
    await upgrade_async(url)
    texts = ["The printer on floor 2 is jammed again", "What time do you open on Sunday?"]
    async with Store.open(url, pseudonym_key=b"k" * 32) as store:
        await store.messages.record(
            events=[message(text, pid=f"m-{i}") for i, text in enumerate(texts)]
        )
    assert await _reclassify(settings, classifier, None) == 2
    async with Store.open(url, pseudonym_key=b"k" * 32) as store:
        stored = {m.text: m.topic for m in await store.messages.find()}
    assert stored == {texts[0]: "printing_and_scanning", texts[1]: "opening_hours"}
