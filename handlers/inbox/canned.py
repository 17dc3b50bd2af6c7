"""Canned replies: the config file's, with those leads saved; filled in for one person."""

from __future__ import annotations

from collections.abc import Callable

from config.library import LibraryConfig
from config.wording import ENGLISH, Wording, fill
from handlers.inbox.roles import Actor, require, sees_name
from handlers.speaking import Languages
from models.store import Store
from models.store.inbox.types import Canned, InboxError, NoSuchItem


class CannedReplies:
    """What staff do with canned replies (``Inbox.canned``); ``checked`` cleans a text and
    refuses an empty or too long one, as for replies."""

    def __init__(
        self,
        store: Store,
        library: LibraryConfig,
        wording: Wording,
        languages: Languages,
        checked: Callable[[str], str],
    ) -> None:
        self._store = store
        self._library = library
        self._wording = wording
        self._languages = languages
        self._checked = checked

    async def replies(self) -> list[Canned]:
        """The config file's canned replies, with any leads saved (theirs win by name)."""
        saved = {c.name: c for c in await self._store.inbox.canned()}
        defaults = {n: Canned(n, t) for n, t in self._library.canned_replies.items()}
        return sorted({**defaults, **saved}.values(), key=lambda c: c.name)

    async def text(self, actor: Actor, name: str, item_id: int) -> str:
        """A canned reply in the person's language where the config has it, {library} filled
        in, and {name} with the person's name where ``actor`` may see it (``sees_name``), else
        the wording's ``canned_no_name`` ("there")."""
        require(actor, "read")
        found = {c.name: c.text for c in await self.replies()}
        if name not in found:
            raise InboxError(f"no canned reply called {name!r}")
        item = await self._store.inbox.item(item_id=item_id)
        if item is None:
            raise NoSuchItem(f"queue item {item_id} does not exist")
        person = item.display_name if sees_name(actor, item.row.assignee_id) else ""
        spoken = await self._languages.of_contacts([item.contact_id])
        say = self._wording.speaking(spoken.get(item.contact_id, ENGLISH))
        text = self._wording.translated(found[name], say.language)
        name_or = person or say.text("canned_no_name")
        return fill(text, {"name": name_or, "library": say.text("library_name")})

    async def save(self, actor: Actor, name: str, text: str) -> None:
        """Add or change a canned reply (leads)."""
        require(actor, "canned")
        if not name.strip() or len(name) > 64:
            raise InboxError("a canned reply needs a name of 1-64 characters")
        await self._store.inbox.save_canned(
            name=name.strip(), text=self._checked(text), actor_id=actor.id
        )

    async def delete(self, actor: Actor, name: str) -> bool:
        """Remove a saved canned reply (leads)."""
        require(actor, "canned")
        return await self._store.inbox.delete_canned(name=name, actor_id=actor.id)
