"""Processing gives way to a flood: while events are being recorded fast, a batch claims a
share of the usual number, and the backlog goes in full batches once the flood is over."""

from __future__ import annotations

import pytest

from handlers.metrics import Metrics
from handlers.pipeline import Pipeline
from handlers.processor import BUSY_SHARE, FLOOD_RATE, FLOOD_WINDOW_S, Processor
from handlers.record import Recorder
from models.store import Store
from tests.support.events import message

BATCH = 40


async def test_a_flood_gets_a_share_of_the_batch_and_the_backlog_full_batches_after(
    store: Store,
) -> None:
    await store.messages.record(events=[message(pid=f"m{i}") for i in range(2 * BATCH)])
    metrics, rate = Metrics(), [FLOOD_RATE]
    processor = Processor(
        store,
        Pipeline([], metrics, lambda: None),
        metrics,
        batch=BATCH,
        max_attempts=3,
        ingest_rate=lambda window: rate[0] if window == FLOOD_WINDOW_S else 0.0,
    )
    assert await processor.run_once() == BATCH // BUSY_SHARE  # recorded at FLOOD_RATE a second
    rate[0] = FLOOD_RATE - 1
    assert await processor.run_once() == BATCH  # the flood is over
    assert await processor.run_once() == BATCH - BATCH // BUSY_SHARE  # what was left


async def test_the_recorder_says_how_fast_it_is_writing(store: Store) -> None:
    recorder = Recorder(store, Metrics(), max_batch=64)
    recorder.start()
    try:
        assert recorder.rate(1.0) == 0.0
        for i in range(30):
            await recorder.record(message(pid=f"r{i}"))
        assert recorder.rate(1.0) == pytest.approx(30.0)
        assert recorder.rate(0.5) == pytest.approx(60.0)  # the same 30, in half the time
    finally:
        await recorder.stop()
