"""Browser helpers for the staff pages: logging in by keyboard, moving focus by Tab, making an
item overdue, and screenshots kept where a person can look at them."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from bot.events import utcnow
from models.store.inbox.tables import InboxItem
from tests.fakes.running import RunningBot
from tests.support.staff import PASSWORD

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
ZOOM_400 = {"width": 320, "height": 256}  # 1280x1024 at 400 %: WCAG 1.4.10 reflow


async def keyboard_login(page: Any, url: str, email: str) -> None:
    """Log in without the mouse: the e-mail field has focus, Tab to the password, Enter."""
    await page.goto(f"{url}/inbox/login")
    await page.wait_for_function("document.activeElement && document.activeElement.id == 'email'")
    await page.keyboard.type(email)
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")


async def tab_to(page: Any, element_id: str, *, most: int = 80) -> None:
    """Press Tab until the element has focus (the page's real tab order), at most ``most`` times."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"document.activeElement.id == {element_id!r}"):
            return
    raise AssertionError(f"Tab never reached #{element_id}")


async def focused(page: Any) -> str:
    """What has focus: its id, or its text."""
    found: str = await page.evaluate(
        "document.activeElement.id || document.activeElement.textContent.trim()"
    )
    return found


async def make_overdue(bot: RunningBot, item_id: int, *, hours: int = 3) -> None:
    """As if the item's due time passed ``hours`` ago."""
    past = utcnow() - timedelta(hours=hours)
    statement = update(InboxItem).where(InboxItem.id == item_id).values(due_at=past)
    await bot.store._db.write(lambda conn: conn.execute(statement))


async def shoot(page: Any, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot, also copied to $FEEDBOT_TEST_SHOTS when set."""
    target = Path(os.environ.get("FEEDBOT_TEST_SHOTS", "") or tmp_path) / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(target), full_page=True)
    return target


async def no_horizontal_scroll(page: Any) -> bool:
    """True when the page fits its viewport's width (nothing to scroll sideways)."""
    width: int = await page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= page.viewport_size["width"] + 1)
