"""Must show: a week in which 40 people describe a new problem (the laptop loan kiosk) in 40
different ways, among a week of ordinary library messages, and no topic for it, shows as one
new theme of about that size with its messages behind its link; a lead makes it a topic, `train
topics` (the real classifier, retrained with the store's corrections and learned topics)
labels the next such message with it. Embeddings are the real encoder's, stored once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest

from bot.events import utcnow
from config.settings import Settings
from handlers.digest.week import last_complete_week
from models.classifier import LocalClassifier
from models.classifier.runtime import retrain_topics
from tests.fakes.running import running_bot
from tests.models.classifier.conftest import ROOT, TOPICS
from tests.support.staff import add_staff, csrf_of, log_in
from tests.support.theme_data import seed
from tests.support.theme_texts import KIOSK, NEXT

UTC = ZoneInfo("UTC")
EVAL = ROOT / "models" / "classifier" / "eval"
SHOWN = re.compile(r'data-message="(\d+)"')


def _ordinary_week() -> list[str]:
    """About 330 realistic library messages on the configured topics (the evaluation set)."""
    lines = (EVAL / "topics_eval.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


@pytest.mark.timeout(900)  # the encoder over 376 texts and a retrain, on a shared machine
async def test_a_new_problem_becomes_a_theme_then_a_topic_the_classifier_learns(
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    classifier: LocalClassifier,
    tmp_path: Path,
) -> None:
    assert len(set(KIOSK)) == 40
    before = classifier.classify_now([NEXT])[0].topic
    ordinary = _ordinary_week()
    vectors = classifier.embed_now([*KIOSK, *ordinary])
    week = last_complete_week(utcnow(), UTC)
    at = week.start(UTC) + timedelta(days=2, hours=11)
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        kiosk = await seed(bot.store, KIOSK, vectors[:40], at=at, tag="kiosk")
        await seed(bot.store, ordinary, vectors[40:], at=at, tag="o", sentiment="neutral")
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            listing = (await http.get(f"/inbox/themes?week={week}")).text
            themes = await bot.store.themes.of_week(week=str(week))
            members = {
                t.id: await bot.store.themes.message_ids(theme_id=t.id, week=str(week))
                for t in themes
            }
            best = max(themes, key=lambda t: len(set(kiosk) & set(members[t.id])))
            link = f"/inbox/themes/{best.id}?week={week}"
            page = (await http.get(link)).text
            token = csrf_of(page)
            made = await http.post(
                f"/inbox/themes/{best.id}/topic",
                data={"csrftoken": token, "name": "laptop_kiosk", "team": "customer_engagement"},
            )
        corrections = await bot.store.classifications.topic_corrections()
        learned = [name for name, _ in await bot.store.themes.learned_topics()]
    of_kiosk = set(kiosk) & set(members[best.id])
    strangers = set(members[best.id]) - set(kiosk)
    assert before != "laptop_kiosk"
    assert best.trend == "new" and len(of_kiosk) >= 32, (best, len(of_kiosk))
    assert len(strangers) <= 8 and 32 <= best.size <= 48
    assert sum(len(set(kiosk) & set(m)) for m in members.values()) - len(of_kiosk) <= 8
    assert f'href="{link}"' in listing
    assert listing.index(f'href="{link}"') == listing.index('href="/inbox/themes/')  # first
    assert sorted(int(i) for i in SHOWN.findall(page)) == sorted(members[best.id])
    assert made.status_code == 303 and learned == ["laptop_kiosk"]
    assert sum(1 for _, topic in corrections if topic == "laptop_kiosk") == best.size
    retrained = retrain_topics(
        topics_file=TOPICS,
        cache_dir=tmp_path / "cache",
        corrections=corrections,
        engine="torch",
        learned=learned,
    )
    after = retrained.classify_now([NEXT, "What time does the library open on Sunday?"])
    assert after[0].topic == "laptop_kiosk"
    assert after[1].topic == "opening_hours"  # the rest of the taxonomy still stands
    assert np.isfinite(after[0].topic_confidence)
