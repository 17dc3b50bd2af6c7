"""Pages tested as people use them: Debian's Chromium driven by Playwright, checked by axe-core.

Fixtures (registered from tests/conftest.py):
- ``browser``: a Playwright ``Browser`` on ``/usr/bin/chromium`` (never a downloaded build);
- ``axe``: ``await axe(page)`` runs axe-core's WCAG 2.2 AA rules on the page and fails the test,
  printing the whole report, when any violation is serious or critical.

When ``FEEDBOT_TEST_BROWSER=required`` (as in CI) a browser that cannot start fails the test;
otherwise it is skipped with the reason, so a laptop without Chromium still runs the rest.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("FEEDBOT_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
]

Axe = Callable[[Any], Awaitable[list[dict[str, Any]]]]


def _unavailable(reason: str) -> None:
    """Fail when a browser is required, else skip."""
    if os.environ.get("FEEDBOT_TEST_BROWSER") == "required":
        pytest.fail(f"FEEDBOT_TEST_BROWSER=required but {reason}")
    pytest.skip(reason)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """A headless Chromium, closed after the test."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("playwright is not installed (make test installs it)")
    if not CHROMIUM.exists():  # noqa: ASYNC240 - one stat before a browser starts
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    async with async_playwright() as pw:
        try:
            chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=QUIET_FLAGS)
        except Exception as exc:  # noqa: BLE001 - reported as the reason
            _unavailable(f"Chromium did not start: {exc}")
        try:
            yield chromium
        finally:
            await chromium.close()


def _report(violations: list[dict[str, Any]]) -> str:
    """A readable report: rule, impact, help, and the offending nodes."""
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact')}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v.get("nodes", []):
            lines.append(f"    {node.get('target')}: {node.get('failureSummary', '')!s}")
    return "\n".join(lines)


async def run_axe(page: Any) -> list[dict[str, Any]]:
    """All axe-core violations of the WCAG 2.2 AA rule tags on the page as it is now."""
    if not AXE_JS.exists():
        _unavailable(f"axe-core is not installed at {AXE_JS} (make test runs npm ci)")
    await page.add_script_tag(path=str(AXE_JS))
    options = json.dumps({"runOnly": {"type": "tag", "values": AXE_TAGS}})
    result: dict[str, Any] = await page.evaluate(f"async () => await axe.run(document, {options})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


@pytest.fixture
def axe() -> Axe:
    """``await axe(page)``: fail on serious or critical violations; returns all violations."""

    async def check(page: Any) -> list[dict[str, Any]]:
        violations = await run_axe(page)
        blocking = [v for v in violations if v.get("impact") in BLOCKING]
        assert not blocking, f"axe-core on {page.url}:\n{_report(violations)}"
        return violations

    return check
