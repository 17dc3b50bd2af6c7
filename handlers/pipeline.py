"""The pipeline: the one place that says which steps run, in which order."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.channel import Capabilities, Receipt
from bot.events import Channel, EventKind, InboundEvent
from config.groups import CustomerGroups
from config.reach import ContactCap
from config.triage import TriageConfig
from config.wording import Wording
from handlers.acknowledge import Acknowledge, FirstAnswer
from handlers.classify import Classify
from handlers.context import Context, Stage, Step
from handlers.groups.answer import AnswerGroup
from handlers.groups.place import PlaceInGroup
from handlers.inbox.changes import Changes
from handlers.inbox.steps import Clock, CsatAnswer, CsatReply, Triage
from handlers.language import DetectLanguage
from handlers.metrics import Metrics
from handlers.opt_out import OptOut, OptWords
from handlers.polls.steps import LinkFollowUp, ReplyVote, Tally
from handlers.reach.once import AskOnce, ConsentQuestion, GroupQuestion
from handlers.reach.steps import JoinPanel, PanelWords
from handlers.record import Record, Recorder
from handlers.speaking import Fixed, Languages
from models.classification import Classifier
from models.store import Store
from models.store.jobs.processing import Pending


@dataclass(frozen=True)
class Deps:
    """What the steps need, handed in by the composition root."""

    store: Store
    recorder: Recorder
    metrics: Metrics
    classifier: Classifier | None
    wording: Wording
    first_answer: FirstAnswer
    wake_outbox: Callable[[], None]
    triage: TriageConfig
    clock: Clock
    capabilities: Mapping[Channel, Capabilities]
    opt_words: OptWords = field(default_factory=OptWords)
    changes: Changes = field(default_factory=Changes)
    languages: Languages = field(default_factory=Fixed)
    wake_alerts: Callable[[], None] = lambda: None
    groups: CustomerGroups = field(default_factory=CustomerGroups)
    panel_words: PanelWords = field(default_factory=lambda: PanelWords.of((), ()))
    contact_cap: ContactCap = field(default_factory=ContactCap)


def build_steps(deps: Deps) -> tuple[Step, ...]:
    """THE order. RECEIVE steps run before the platform is answered, the rest off the request."""
    return (
        Record(deps.recorder),
        ReplyVote(deps.store, deps.capabilities),
        CsatReply(deps.store),
        Tally(deps.store, deps.capabilities, deps.wake_outbox, deps.wording, deps.languages),
        JoinPanel(deps.store, deps.panel_words, deps.wording, deps.languages, deps.wake_outbox),
        OptOut(deps.store, deps.opt_words, deps.wording, deps.languages, deps.wake_outbox),
        CsatAnswer(deps.store, deps.clock, deps.changes),
        PlaceInGroup(deps.store, deps.groups),
        AnswerGroup(deps.store, deps.groups),
        AskOnce(
            deps.store,
            once_questions(deps),
            deps.capabilities,
            deps.contact_cap,
            deps.languages,
            deps.wake_outbox,
        ),
        DetectLanguage(deps.store),
        Classify(deps.classifier, deps.store),
        LinkFollowUp(deps.store),
        Triage(deps.store, deps.triage, deps.clock, deps.changes, deps.wake_alerts),
        Acknowledge(deps.store, deps.first_answer, deps.wording, deps.languages, deps.wake_outbox),
    )


def once_questions(deps: Deps) -> tuple[ConsentQuestion | GroupQuestion, ...]:
    """The once-only questions, in the order they are asked (one per occasion): consent, then
    the group question where ``customer_groups.ask`` is on."""
    consent = ConsentQuestion(deps.wording, deps.capabilities)
    if not deps.groups.ask:
        return (consent,)
    return (consent, GroupQuestion(deps.wording, deps.capabilities, deps.groups))


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
        await self._run([ctx], Stage.RECEIVE)
        if ctx.error is not None:
            raise ctx.error
        if not ctx.duplicate:
            self._wake()
        return Receipt(message_id=ctx.message_id, duplicate=ctx.duplicate), ctx.trace

    async def process(self, item: Pending) -> list[str]:
        """Run the after-store steps for one stored event; returns the steps that ran."""
        [ctx] = await self.process_batch([item])
        if ctx.error is not None:
            raise ctx.error
        return ctx.trace

    async def process_batch(self, items: Sequence[Pending]) -> list[Context]:
        """Run the after-store steps step by step over a batch; each context says how it went."""
        ctxs = [from_pending(i) for i in items]
        await self._run(ctxs, Stage.AFTER_STORE)
        for ctx in ctxs:
            if ctx.error is None:
                self._metrics.processed.labels(ctx.kind.value).inc()
        return ctxs

    async def _run(self, ctxs: list[Context], stage: Stage) -> None:
        for step in self.steps:
            batch = [c for c in ctxs if c.alive and step.stage is stage and step.applies(c)]
            if not batch:
                continue
            for ctx in batch:
                ctx.trace.append(step.name)
            try:
                await step.run(batch)
            except Exception as exc:  # noqa: BLE001 - the batch is retried, nothing is lost
                for ctx in batch:
                    ctx.error = exc


def from_pending(item: Pending) -> Context:
    """A context for an event read back from the store."""
    return Context(
        kind=EventKind(item.kind),
        channel=item.channel,
        text=item.text,
        address=item.address,
        reply_ref=item.reply_ref,
        replies_to=item.replies_to,
        message_id=item.message_id,
        conversation_id=item.conversation_id,
        acknowledged_at=item.acknowledged_at,
        contact_id=item.contact_id,
    )
