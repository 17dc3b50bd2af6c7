"""The micro-batcher: own results per caller, bounded batches, failures reach callers."""

from __future__ import annotations

import asyncio
import threading

import pytest

from models.classifier import BatcherClosed, MicroBatcher


class Recorder:
    """Deterministic work: upper-cases texts and records batch sizes and threads."""

    def __init__(self, fail_on: str = "") -> None:
        self.batches: list[int] = []
        self.threads: set[str] = set()
        self.fail_on = fail_on

    def __call__(self, texts: list[str]) -> list[str]:
        self.batches.append(len(texts))
        self.threads.add(threading.current_thread().name)
        if self.fail_on in texts:
            raise RuntimeError("model failed")
        return [t.upper() for t in texts]


async def test_each_concurrent_caller_gets_its_own_results() -> None:
    work = Recorder()
    batcher = MicroBatcher(work, max_batch=8, max_wait_ms=5.0)
    await batcher.start()
    calls = [[f"m{i}-{j}" for j in range(i % 3 + 1)] for i in range(60)]
    results = await asyncio.gather(*(batcher.submit(c) for c in calls))
    await batcher.close()
    assert results == [[t.upper() for t in c] for c in calls]
    assert max(work.batches) <= 8 and len(work.batches) < sum(len(c) for c in calls)
    assert all(name.startswith("classifier") for name in work.threads)


async def test_a_failed_batch_fails_its_callers_and_the_worker_goes_on() -> None:
    batcher = MicroBatcher(Recorder(fail_on="boom"), max_batch=4, max_wait_ms=1.0)
    await batcher.start()
    with pytest.raises(RuntimeError, match="model failed"):
        await batcher.submit(["boom"])
    assert await batcher.submit(["fine"]) == ["FINE"]
    await batcher.close()


async def test_submit_before_start_or_after_close_is_refused() -> None:
    batcher = MicroBatcher(Recorder(), max_batch=4, max_wait_ms=1.0)
    with pytest.raises(BatcherClosed):
        await batcher.submit(["x"])
    await batcher.start()
    await batcher.close()
    with pytest.raises(BatcherClosed):
        await batcher.submit(["x"])


async def test_a_lone_text_waits_at_most_max_wait() -> None:
    batcher = MicroBatcher(Recorder(), max_batch=64, max_wait_ms=20.0)
    await batcher.start()
    started = asyncio.get_running_loop().time()
    assert await batcher.submit(["only"]) == ["ONLY"]
    assert asyncio.get_running_loop().time() - started < 0.5
    await batcher.close()


async def test_batches_run_side_by_side_up_to_the_number_of_workers() -> None:
    """Two workers: a second batch starts while the first still runs (each waits for the other
    at a barrier, which one worker alone could never pass); never more than two at once."""
    meeting = threading.Barrier(2, timeout=10)
    running, most = [0], [0]
    guard = threading.Lock()

    def work(texts: list[str]) -> list[str]:
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            if texts[0].startswith("meet"):
                meeting.wait()
            return [t.upper() for t in texts]
        finally:
            with guard:
                running[0] -= 1

    batcher = MicroBatcher(work, max_batch=1, max_wait_ms=1.0, workers=2)
    await batcher.start()
    results = await asyncio.gather(*(batcher.submit([f"meet{i}"]) for i in range(2)))
    more = await asyncio.gather(*(batcher.submit([f"m{i}"]) for i in range(20)))
    await batcher.close()
    assert results == [["MEET0"], ["MEET1"]] and more == [[f"M{i}"] for i in range(20)]
    assert most[0] == 2


async def test_with_no_wait_texts_that_arrive_while_the_worker_is_busy_go_in_one_batch() -> None:
    """max_wait 0: the first text runs at once; the ten sent while it runs wait for the one
    worker and then run together, not one by one."""
    started, release = threading.Event(), threading.Event()
    sizes: list[int] = []

    def work(texts: list[str]) -> list[str]:
        sizes.append(len(texts))
        if texts == ["first"]:
            started.set()
            release.wait(timeout=10)
        return [t.upper() for t in texts]

    batcher = MicroBatcher(work, max_batch=32, max_wait_ms=0.0)
    await batcher.start()
    first = asyncio.ensure_future(batcher.submit(["first"]))
    assert await asyncio.to_thread(started.wait, 10)
    rest = asyncio.gather(*(batcher.submit([f"m{i}"]) for i in range(10)))
    await asyncio.sleep(0)  # each submit has queued its text (before its first await)
    release.set()
    assert await first == ["FIRST"]
    assert await rest == [[f"M{i}"] for i in range(10)]
    await batcher.close()
    assert sizes == [1, 10]
