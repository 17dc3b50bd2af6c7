"""The digest rendered: JSON with every figure, Markdown tables, HTML with charts that carry a
text alternative and a table beside them; and `digest build` writing each format."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from bot.cli import build_cli
from handlers.digest.build import DigestConfig
from handlers.digest.charts import draw_sync
from handlers.digest.model import QuoteLine
from handlers.digest.service import Digests, Drawn
from handlers.digest.week import IsoWeek
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support import digest_fixture as fx
from tests.support.databases import SqliteTemplate
from tests.support.rtl import ARABIC

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def digests(tmp_path: Path) -> AsyncIterator[Digests]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"
    (tmp_path / "var").mkdir()
    await upgrade_async(url)
    async with Store.open(url, pseudonym_key=b"k" * 32) as store:
        await fx.store_history(store, fx.history())
        config = DigestConfig(zone=fx.LONDON, groups=fx.GROUPS)
        yield Digests(store, config, library="The Library", base_url="https://lib.example/")


async def test_json_carries_every_figure(digests: Digests) -> None:
    digest = await digests.figures(IsoWeek.parse(fx.WEEK))
    data = json.loads(digests.json(digest))
    assert data["week"] == fx.WEEK and data["rising"] == ["printing"]
    assert data["headline"][-1]["messages"] == digest.headline[-1].messages
    assert [s["week"] for s in data["sentiment"]][-1] == fx.WEEK
    [every] = data["queue"]["teams"]  # no queue items in this history: one line of zeros
    assert (every["team"], every["new"], every["first_response"]["median"]) == ("all", 0, None)
    assert data["queue"]["waiting"] == []


async def test_charts_are_png_with_a_text_alternative(digests: Digests) -> None:
    digest = await digests.figures(IsoWeek.parse(fx.WEEK))
    sentiment, topics = draw_sync(digest)
    assert sentiment.png.startswith(PNG) and topics.png.startswith(PNG)
    newest = digest.sentiment[-1]
    assert f"{newest.shares['negative']}% negative" in sentiment.alt
    assert f"printing {digest.topics[0].count}" in topics.alt


async def test_html_has_images_alternatives_tables_and_links(digests: Digests) -> None:
    drawn = await digests.drawn(IsoWeek.parse(fx.WEEK))
    page = digests.html(drawn, "file")
    assert page.count('src="data:image/png;base64,') == 2
    assert f'alt="{escape(drawn.charts[0].alt)}"' in page
    assert '<caption id="cap-sentiment">' in page and '<caption id="cap-topics">' in page
    topic = f"https://lib.example/inbox/messages?topic=printing&amp;week={fx.WEEK}"
    assert f'href="{topic}"' in page
    assert "jo.bloggs@uni.ac.uk" not in page
    mail = digests.html(drawn, "mail")
    assert f'src="cid:sentiment.{fx.WEEK}@feedbot"' in mail and "<style>" in mail
    web = digests.html(drawn, "web")
    assert f'src="/digests/{fx.WEEK}/topics.png"' in web and "/digests/digest.css" in web


async def test_markdown_tables_with_links(digests: Digests) -> None:
    digest = await digests.figures(IsoWeek.parse(fx.WEEK))
    text = digests.markdown(digest)
    assert text.startswith(f"# The Library: weekly digest {fx.WEEK}")
    total = digest.headline[-1]
    link = f"https://lib.example/inbox/messages?week={fx.WEEK}"
    assert f"| all | [{total.messages}]({link}) |" in text
    assert "Rising: printing" in text
    assert "| all | [0](https://lib.example/inbox/?status=all&created=" in text  # the queue
    assert "No negative item was left waiting at the week's end." in text


def test_digest_build_writes_each_format(tmp_path: Path, sqlite_template: SqliteTemplate) -> None:
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
    }

    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    cli = build_cli()
    for fmt, marker in (("html", "<!doctype html>"), ("md", "# The Library"), ("json", '"week"')):
        out = tmp_path / f"digest.{fmt}"
        args = ["digest", "build", "--week", fx.WEEK, "--format", fmt, "--out", str(out)]
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 0, result.output
        assert marker in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli, ["digest", "build", "--week", "W48"], env=env)
    assert bad.exit_code != 0 and "YYYY-Www" in bad.output
    bad = CliRunner().invoke(cli, ["digest", "build", "--format", "pdf"], env=env)
    assert bad.exit_code != 0 and "--format" in bad.output


async def test_a_quote_shows_direction_controls_and_keeps_its_own_direction(
    digests: Digests,
) -> None:
    drawn = await digests.drawn(IsoWeek.parse(fx.WEEK))
    spoof = QuoteLine("printing", "my invoice\u202egpj.exe", "Person 1A", "/inbox/messages")
    arabic = QuoteLine("printing", ARABIC, "Person 2B", "/inbox/messages")
    digest = replace(drawn.digest, quotes=[spoof, arabic])
    page = digests.html(Drawn(digest, drawn.charts), "mail")
    words = [digests.text(digest), digests.markdown(digest)]
    assert '<p dir="auto">my invoice[U+202E]gpj.exe</p>' in page
    assert f'<p dir="auto">{ARABIC}</p>' in page  # read right to left in its own paragraph
    for text in (page, *words):  # Markdown escapes the brackets: \[U+202E\]
        assert "\u202e" not in text and "invoice[U+202E]gpj.exe" in text.replace("\\", "")
