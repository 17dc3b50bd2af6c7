"""A person on X: mentions and DMs put on FakeX, where the bot's polling finds them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.fakes.chat.base import Heard, Said, newest_with
from tests.fakes.x.common import Json, one_to_one
from tests.fakes.x.webhook import XWebhookDriver, dm_payload, tweet_create_payload

if TYPE_CHECKING:
    from tests.fakes.chat.chat import Chat


class XPerson:
    """``user_id`` (@``username``) mentioning the bot in public, or writing to it by DM. With
    ``webhook`` X also delivers each one, signed, to the bot's /x/webhook (Account Activity)."""

    channel = "x"

    def __init__(
        self,
        chat: Chat,
        *,
        user_id: str = "2200000000000000001",
        username: str = "student_a",
        dm: bool = False,
        webhook: bool = False,
    ) -> None:
        self.chat, self.user_id, self.username, self.dm = chat, user_id, username, dm
        self.webhook = webhook
        self.tweets: list[str] = []  # ids of their tweets, oldest first
        self._last_vote: tuple[str, str] | None = None

    def __repr__(self) -> str:
        return f"X @{self.username}{' by DM' if self.dm else ''}"

    @property
    def conversation(self) -> str:
        """Their 1-1 DM conversation with the bot."""
        return one_to_one(self.chat.x.me, self.user_id)

    async def says(self, text: str, *, replying_to: Heard | None = None) -> Said:
        """A DM, or a tweet "@bot text" (a reply to ``replying_to``'s tweet, if given)."""
        if self.dm:
            event = self.chat.x.dm(text, sender_id=self.user_id, username=self.username)
            return await self._deliver(Said(str(event["id"]), 0, event))
        handle = self.chat.x.state.users[self.chat.x.me]
        tweet = self.chat.x.mention(
            f"@{handle} {text}",
            author_id=self.user_id,
            username=self.username,
            in_reply_to=replying_to.ref if replying_to else None,
        )
        self.tweets.append(tweet["id"])
        return await self._deliver(Said(str(tweet["id"]), 0, tweet))

    async def taps(self, label: str, *, times: int = 1) -> Said:
        """Vote ``label`` on the newest poll tweet offering it (X counts; it tells no names)."""
        shown = newest_with(await self.heard(), label)
        self.chat.x.vote(shown.ref, label, times)
        self._last_vote = (shown.ref, label)
        return Said("", 0, shown.ref)

    async def redelivers(self, *, times: int = 1) -> list[Said]:
        """X has no redelivery for polling: the timeline shows each tweet once. A vote is added
        again (X counts each account once; this fake counts what it is told)."""
        assert self._last_vote is not None, f"{self} has voted on nothing yet"
        self.chat.x.vote(*self._last_vote, times)
        return [Said("", 0, self._last_vote[0])] * times

    async def _deliver(self, said: Said) -> Said:
        """By webhook: X's signed delivery of what they just wrote (the answer: its status)."""
        if not self.webhook:
            return said
        fake, item = self.chat.x, said.answer
        if self.dm:
            body = dm_payload(
                for_user_id=fake.me,
                event_id=item["id"],
                text=item["text"],
                sender_id=self.user_id,
                screen_name=self.username,
            )
        else:
            body = tweet_create_payload(
                for_user_id=fake.me,
                tweet_id=item["id"],
                text=item["text"],
                author_id=self.user_id,
                screen_name=self.username,
            )
        driver = XWebhookDriver(f"{self.chat.bot.url}/x/webhook", fake.keys.consumer_secret)
        answer = await driver.deliver(body)
        return Said(said.platform_id, answer.status_code, item, body)

    async def heard(self) -> list[Heard]:
        """The bot's public tweets, its replies to their tweets, and its DMs to them."""
        heard = [self._tweet(t) for t in self.chat.x.created_tweets()]
        dms = [e for e in self.chat.x.sent_dms() if e["dm_conversation_id"] == self.conversation]
        return [h for h in heard if h is not None] + [
            Heard(str(e["text"]), "dm", str(e["id"]), (), e) for e in dms
        ]

    def _tweet(self, tweet: Json) -> Heard | None:
        replied = [r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "replied_to"]
        if replied and replied[0] not in self.tweets:
            return None
        how = "reply" if replied else ("poll" if "attachments" in tweet else "post")
        return Heard(str(tweet["text"]), how, str(tweet["id"]), self._options(tweet), tweet)

    def _options(self, tweet: Json) -> tuple[str, ...]:
        """The labels of the poll attached to a tweet, if any."""
        polls = (tweet.get("attachments") or {}).get("poll_ids") or []
        return tuple(o["label"] for p in polls for o in self.chat.x.state.polls[p]["options"])
