"""The pipeline: the one place that says which steps run, in which order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.adapters.base import Receipt
from bot.events import EventKind, InboundEvent
from handlers.acknowledge import Acknowledge
from handlers.classify import Classify
from handlers.context import Context, Stage, Step
from handlers.metrics import Metrics
from handlers.polls import LinkFollowUp, Tally
from handlers.record import Record, Recorder
from models.classification import Classifier
from models.store import Store
from models.store.processing import Pending


@dataclass(frozen=True)
class Deps:
    """What the steps need, handed in by the composition root."""

    store: Store
    recorder: Recorder
    metrics: Metrics
    classifier: Classifier | None
    acknowledgement: str
    wake_outbox: Callable[[], None]


def build_steps(deps: Deps) -> tuple[Step, ...]:
    """THE order. RECEIVE steps run before the platform is answered, the rest off the request."""
    return (
        Record(deps.recorder),
        Tally(deps.store, deps.wake_outbox),
        Classify(deps.classifier, deps.store),
        LinkFollowUp(deps.store),
        Acknowledge(deps.store, deps.acknowledgement, deps.wake_outbox),
    )


class Pipeline:
    """Runs the steps: ``receive`` for a new event, ``process`` for a stored one."""

    def __init__(self, steps: Sequence[Step], metrics: Metrics, wake_processor: Callable[[], None]):
        self.steps = tuple(steps)
        self._metrics = metrics
        self._wake = wake_processor

    async def receive(self, event: InboundEvent) -> Receipt:
        """Record the event durably (the adapter's sink); later steps run in the processor."""
        receipt, _ = await self.receive_traced(event)
        return receipt

    async def receive_traced(self, event: InboundEvent) -> tuple[Receipt, list[str]]:
        """``receive``, also saying which steps ran."""
        ctx = Context.received(event)
        await self._run(ctx, Stage.RECEIVE)
        if not ctx.duplicate:
            self._wake()
        return Receipt(message_id=ctx.message_id, duplicate=ctx.duplicate), ctx.trace

    async def process(self, item: Pending) -> list[str]:
        """Run the after-store steps for a stored event; returns the steps that ran."""
        ctx = from_pending(item)
        await self._run(ctx, Stage.AFTER_STORE)
        self._metrics.processed.labels(ctx.kind.value).inc()
        return ctx.trace

    async def _run(self, ctx: Context, stage: Stage) -> None:
        for step in self.steps:
            if step.stage is not stage or not step.applies(ctx):
                continue
            ctx.trace.append(step.name)
            if not await step.run(ctx):
                return


def from_pending(item: Pending) -> Context:
    """A context for an event read back from the store."""
    return Context(
        kind=EventKind(item.kind),
        channel=item.channel,
        text=item.text,
        address=item.address,
        reply_ref=item.reply_ref,
        message_id=item.message_id,
        conversation_id=item.conversation_id,
        acknowledged_at=item.acknowledged_at,
        contact_id=item.contact_id,
    )
