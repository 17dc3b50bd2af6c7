"""Staff alerts: urgent items, due times near and missed, topic spikes; sent once, by Slack
(through the outbox) and e-mail, non-urgent ones held through quiet hours."""
