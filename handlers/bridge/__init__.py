"""The staff channel in Slack: cards per queue item, replies and notes from Slack."""
