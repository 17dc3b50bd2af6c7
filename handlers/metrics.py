"""Prometheus metrics, one registry per running bot (no process-wide globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _counter(registry: CollectorRegistry, name: str, doc: str, *labels: str) -> Counter:
    return Counter(name, doc, labels, registry=registry)


@dataclass
class Metrics:
    """The bot's counters, gauges and histograms."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.events = _counter(
            r, "feedbot_events_received", "Inbound events received", "channel", "kind"
        )
        self.duplicates = _counter(
            r, "feedbot_events_duplicate", "Redelivered events stored once", "channel"
        )
        self.not_stored = _counter(
            r,
            "feedbot_events_not_stored",
            "Inbound events refused by the store (reason: unstorable content, or store_error)",
            "channel",
            "reason",
        )
        self.store_latency = Histogram(
            "feedbot_ingest_seconds",
            "Time from receipt to durable storage",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.processed = _counter(
            r, "feedbot_events_processed", "Events through the after-store steps", "kind"
        )
        self.process_failures = _counter(
            r, "feedbot_process_failures", "After-store step failures", "step"
        )
        self.sent = _counter(r, "feedbot_outbox_sent", "Outbound messages delivered", "channel")
        self.send_failures = _counter(
            r, "feedbot_outbox_send_failures", "Failed send attempts", "channel"
        )
        self.gave_up = _counter(
            r, "feedbot_outbox_failed", "Outbound messages given up on", "channel"
        )
        self.outbox_depth = Gauge(
            "feedbot_outbox_depth", "Outbox items by status", ["status"], registry=r
        )
        self.channel_up = Gauge(
            "feedbot_channel_up", "1 when a channel is up", ["channel"], registry=r
        )

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
