"""The alert checker, a periodic job (``name``, ``every``, ``run(now)``): raise the alerts the
queue and the topic counts call for (once each, in the store), then send those that are due."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.alerts.dispatch import AlertDispatcher
from handlers.alerts.rules import AlertRules, item_alerts, spike, spike_alert, spike_windows
from models.store import Store
from models.store.alerts.raised import NewAlert


class AlertChecker:
    """Every ``every``: urgent items, due times near and missed, topic spikes; then sending."""

    name = "alerts"

    def __init__(
        self,
        store: Store,
        rules: AlertRules,
        dispatcher: AlertDispatcher,
        *,
        every: timedelta = timedelta(seconds=60),
    ) -> None:
        self._store = store
        self._rules = rules
        self._dispatcher = dispatcher
        self.every = every

    async def run(self, now: datetime) -> None:
        """One pass: raise, then send what is due."""
        await self.check(now)
        await self._dispatcher.dispatch(now)

    async def check(self, now: datetime) -> list[int]:
        """Raise what ``now`` calls for; the ids of alerts new this time."""
        found = [*await self._item_alerts(now), *await self._spike_alerts(now)]
        return await self._store.alerts.raise_alerts(
            alerts=found, destinations=self._dispatcher.destinations, now=now
        )

    async def _item_alerts(self, now: datetime) -> list[NewAlert]:
        urgent, due = await self._store.alerts.items_due(
            now=now, warn=self._rules.warn, lookback=self._rules.lookback
        )
        return item_alerts(urgent, due, now, self._rules)

    async def _spike_alerts(self, now: datetime) -> list[NewAlert]:
        windows = spike_windows(now, self._rules)
        alerts = []
        for count in await self._store.alerts.topic_counts(windows=windows):
            found = spike(count, windows, self._rules)
            if found is None:
                continue
            started = await self._store.alerts.mark_spike(
                topic=found.topic, now=now, gap=self._rules.spike_window
            )
            examples = await self._store.alerts.examples(
                topic=found.topic, since=windows.current[0]
            )
            alerts.append(spike_alert(found, started, examples, now, self._rules))
        return alerts
