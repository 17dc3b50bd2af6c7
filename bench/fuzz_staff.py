"""Staff-pages fuzz benchmark: logged in as an admin against the running bot (`python -m bot run`
in its own process), a seeded mix of hostile query strings, form values, path ids and headers
thrown at every staff page and action. Prints the answers by status and the number of 5xx
(target 0, exit status 1 otherwise) and of tracebacks in the bot's log.
Usage: python bench/fuzz_staff.py [--n 3000] [--concurrency 8] [--seed 11] [--backend both]"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import aiohttp
from yarl import URL

from bench.ingest import NO_LIMITS, drop, issue, pg_database
from handlers.staff.passwords import Passwords
from models.store import Store
from models.store.inbox.types import STATUSES, QueueFilter
from tests.fakes.process import bot_env, bot_process, free_port

PASSWORD = "fuzz staff benchmark password"
ADMIN = "fuzz-admin@lib.example.ac.uk"
FORM = {"content-type": "application/x-www-form-urlencoded"}
BODY_CAP = 64 * 1024  # the staff pages' form cap (bot/web/forms.py)
NUMBERS = (
    "²", "٣", "1²", "-1", "0", "1e9", "0x10", " 1", "1 ", "+1", "2147483647", "2147483648",
    "99999999999999999999999", "9" * 5000, "", "NaN", "1.5", "00000000000000000001",
)  # fmt: skip
TEXTS = (
    "<script>alert(1)</script>", "'; DROP TABLE inbox_items; --", "../../etc/passwd", "\x00",
    "\u202egpj.exe", "a" * 70_000, "%", "%ff", "\r\n\r\n", "=HYPERLINK(\"x\")", "😀", "\uff58",
)  # fmt: skip
WEEKS = ("0001-W01", "9999-W52", "2026-W54", "2026-W00", "٢٠٢٦-W01", "2026-W1", "2026W48", "x")
RAW = ("%ff", "%ED%A0%80", "%00", "%C2%B2", "%", "%%", "a%2", "%E2%80%AE")
QUERY_KEYS = (
    "page", "view", "status", "team", "channel", "topic", "sentiment", "priority", "overdue",
    "new", "created", "responded", "resolved", "before", "canned", "done", "recorded", "told",
    "actor", "action", "subject", "next", "question", "to", "check", "poll",
)  # fmt: skip
FORM_KEYS = (
    "text", "hours", "entry_id", "staff_id", "team", "priority", "field", "value", "ids",
    "action", "back", "confirm", "name", "said", "answer", "why", "outcome", "since", "notify",
    "topic", "message_ids", "question", "kind", "options", "to", "chat_slack", "follow_up",
    "opens_at", "closes_at", "anonymous", "post_results", "even_in_quiet",
)  # fmt: skip
ACTIONS = (
    "claim", "unclaim", "assign", "priority", "reply", "note", "relabel", "snooze", "resolve",
    "reopen", "retry", "export", "erase", "move", "split", "nonsense",
)  # fmt: skip
PAGES = (
    "/inbox/", "/inbox/items/{id}", "/inbox/items/{id}/erase", "/inbox/audit", "/inbox/staff",
    "/inbox/canned", "/digests/", "/digests/{week}", "/digests/{week}/{chart}.png",
    "/inbox/{junk}", "/inbox", "/digests", "/inbox/polls", "/inbox/polls/new",
    "/inbox/polls/known", "/inbox/polls/related",
)  # fmt: skip
POSTS = (
    "/inbox/items/{id}/{action}", "/inbox/bulk", "/inbox/seen", "/inbox/staff/{staff}/disable",
    "/inbox/canned/save", "/inbox/canned/delete", "/inbox/canned/{junk}", "/inbox/actions",
    "/inbox/polls/new",
)  # fmt: skip
HEADERS = (
    {}, {"accept": "application/json"}, {"accept": "text/html"}, {"x-fragment": "queue"},
    {"accept": "text/html;q=NaN, */*;q=-1"}, {"x-forwarded-for": "::1, 999.1.1.1"},
    {"range": "bytes=-1"}, {"if-none-match": "*"}, {"accept-language": "zz" * 200},
    {"x-fragment": "queue" * 1000},
)  # fmt: skip
BODY_TYPES = (
    FORM["content-type"], "multipart/form-data; boundary=x", "text/plain", "application/json",
    "application/x-www-form-urlencoded; charset=latin-1", "",
)  # fmt: skip


@dataclass(frozen=True)
class Hit:
    """One request: method, the route it aims at, its raw (already encoded) path and query."""

    method: str
    route: str
    target: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    """What the fuzz aims at: real item ids, a staff account it may disable, the admin's id."""

    items: tuple[int, ...]
    victim: int
    admin: int


def value(rng: random.Random) -> str:
    """A hostile value, percent-encoded for a URL or a form (or raw bad escapes)."""
    pick = rng.random()
    if pick < 0.1:
        return rng.choice(RAW)
    text = rng.choice((*NUMBERS, *TEXTS, *WEEKS)) if pick < 0.8 else str(rng.randint(0, 60))
    return quote(text[:5000] if pick < 0.5 else text, safe="")


def query(rng: random.Random) -> str:
    """A query string of hostile pairs (sometimes a key twice, sometimes no '=')."""
    pairs = [f"{rng.choice(QUERY_KEYS)}={value(rng)}" for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.1:
        pairs.append(rng.choice(QUERY_KEYS))
    return ("?" + "&".join(pairs)) if pairs else ""


def form(rng: random.Random, token: str) -> bytes:
    """A form body: hostile fields, usually with the CSRF token."""
    pairs = [f"{rng.choice(FORM_KEYS)}={value(rng)}" for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.9:
        pairs.append(f"csrftoken={quote(token)}")
    raw = "&".join(pairs).encode()
    return raw + (b"\xff\xfe" if rng.random() < 0.05 else b"")


def fill(template: str, rng: random.Random, world: World) -> str:
    """A path with its holes filled: real ids or hostile ones, weeks, actions, junk."""
    ids = [str(i) for i in world.items] + [quote(n, safe="") for n in NUMBERS if n] + ["1"]
    staff = [str(world.victim), "999999", "0", quote("²"), "2147483648"]
    holes = {
        "{id}": rng.choice(ids),
        "{staff}": rng.choice(staff),
        "{action}": rng.choice(ACTIONS),
        "{week}": rng.choice(("2026-W48", "2026-W01", *WEEKS, quote("٢٠٢٦-W01"))),
        "{chart}": rng.choice(("sentiment", "topics", "x", "%2e%2e")),
        "{junk}": rng.choice(("x", "%2e%2e/%2e%2e/etc", "items/1/x/y", quote("²"), "a" * 3000)),
    }
    for hole, filled in holes.items():
        template = template.replace(hole, filled)
    return template


def plan(n: int, seed: int, world: World, token: str) -> list[Hit]:
    """The seeded list of requests: about half page views, half form posts."""
    rng, out = random.Random(seed), []
    for _ in range(n):
        headers = dict(rng.choice(HEADERS))
        if rng.random() < 0.5:
            route = rng.choice(PAGES)
            out.append(Hit("GET", route, fill(route, rng, world) + query(rng), b"", headers))
            continue
        route = rng.choice(POSTS)
        path = fill(route, rng, world)
        if path == f"/inbox/staff/{world.admin}/disable":
            path = "/inbox/staff/999999/disable"  # the fuzz's own session must live on
        kind = FORM["content-type"] if rng.random() < 0.85 else rng.choice(BODY_TYPES)
        headers |= {"content-type": kind} if kind else {}
        out.append(Hit("POST", route, path + query(rng), form(rng, token), headers))
    return out


@dataclass
class Tally:
    """What came back."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    cut_off: int = 0  # a body over the cap: the server answers 413 and closes mid-upload


async def send_all(
    http: aiohttp.ClientSession, url: str, hits: list[Hit], concurrency: int
) -> tuple[float, Tally]:
    """Send every request with ``concurrency`` workers; wall seconds and the tally."""
    tally, queue = Tally(), iter(hits)

    async def worker() -> None:
        for hit in queue:
            target = URL(url + hit.target, encoded=True)
            try:
                async with http.request(
                    hit.method,
                    target,
                    data=hit.body or None,
                    headers=hit.headers,
                    skip_auto_headers=["Content-Type"],
                    allow_redirects=False,
                ) as answer:
                    await answer.read()
                    status = answer.status
            except (aiohttp.ClientError, ValueError) as exc:  # no answer, or not sendable
                if len(hit.body) > BODY_CAP and isinstance(exc, aiohttp.ClientOSError):
                    tally.cut_off += 1
                else:
                    tally.unanswered.append(f"{hit.method} {hit.target[:60]}: {exc!r}"[:200])
                continue
            tally.statuses[status] += 1
            if status >= 500:
                tally.failures.append(f"{status} {hit.method} {hit.target[:120]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, tally


async def seed(db_url: str, url: str) -> World:
    """Accounts (a victim first, then the admin) and a few queue items from the widget."""
    hashed = await Passwords().hash(PASSWORD)
    async with Store.open(db_url) as store:
        made = []
        for email, role in (("victim@lib.example.ac.uk", "agent"), (ADMIN, "admin")):
            made.append(
                await store.staff.add(
                    email=email,
                    name=email.split("@")[0],
                    role=role,
                    team="",
                    password_hash=hashed,
                    actor="bench",
                )
            )
        async with aiohttp.ClientSession() as http:
            for n in range(5):
                body = {
                    "session": await issue(http, url),
                    "client_id": f"fuzz-client-{n:04d}",
                    "text": f"Q{n}?",
                }
                async with http.post(f"{url}/widget/api/messages", json=body) as answer:
                    assert answer.status == 202, answer.status
        items: list[int] = []
        for _ in range(300):
            rows = await store.inbox.listing(filter=QueueFilter(statuses=STATUSES), limit=50)
            items = [r.id for r in rows]
            if len(items) >= 5:
                break
            await asyncio.sleep(0.1)
    return World(tuple(items), made[0].id, made[1].id)


async def log_in(http: aiohttp.ClientSession, url: str) -> str:
    """Log in through the form; the CSRF token of the staff pages."""
    async with http.get(f"{url}/inbox/login") as page:
        token = re.search(r'name="csrftoken" value="([^"]+)"', await page.text())
    assert token, "no CSRF token on the login page"
    fields = {"csrftoken": token[1], "email": ADMIN, "password": PASSWORD, "next": ""}
    async with http.post(f"{url}/inbox/login", data=fields, allow_redirects=False) as answer:
        assert answer.status == 303, answer.status
    async with http.get(f"{url}/inbox/") as queue:
        found = re.search(r'name="csrftoken" value="([^"]+)"', await queue.text())
    assert found, "not logged in"
    return found[1]


async def fuzz(db_url: str, url: str, n: int, seed_: int, concurrency: int) -> tuple[float, Tally]:
    """Seed, log in, throw the plan at the staff pages."""
    world = await seed(db_url, url)
    jar = aiohttp.CookieJar(unsafe=True)  # keep the session cookie for 127.0.0.1
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)  # one each: an early
    # answer (413, a 500) closes its connection, which a pooled next request would hit
    async with aiohttp.ClientSession(cookie_jar=jar, connector=connector) as http:
        token = await log_in(http, url)
        return await send_all(http, url, plan(n, seed_, world, token), concurrency)


def run_backend(backend: str, n: int, concurrency: int, seed_: int) -> int:
    """Fuzz one backend; the number of 5xx answers."""
    with tempfile.TemporaryDirectory() as tmp:
        port, log = free_port(), Path(tmp) / "bot.log"
        settings = {"state_dir": f"{tmp}/var", "http_port": str(port), "log_level": "ERROR"}
        settings.update(classifier="off", **NO_LIMITS)
        pg = asyncio.run(pg_database()) if backend == "postgresql" else None
        db = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{pg}" if pg else ""
        settings["database_url"] = db or f"sqlite+aiosqlite:///{tmp}/var/feedbot.db"
        try:
            with bot_process(bot_env(**settings), log):
                url = f"http://127.0.0.1:{port}"
                seconds, tally = asyncio.run(
                    fuzz(settings["database_url"], url, n, seed_, concurrency)
                )
            causes = tracebacks(log.read_text(errors="replace"), backend)
        finally:
            if pg:
                asyncio.run(drop(pg))
    return report(backend, n, seconds, tally, causes)


def tracebacks(text: str, backend: str) -> Counter[str]:
    """Each traceback in the bot's log by where it was raised and what; the log is kept in var/
    (not committed) when there are any."""
    causes: Counter[str] = Counter()
    for block in text.split("Traceback (most recent call last):")[1:]:
        frames = re.findall(r'File "([^"]+)", line \d+, in (\w+)', block)
        raised = next(
            (ln for ln in block.splitlines() if re.match(r"[\w.]+(Error|Exception)", ln)), ""
        )
        where = f"{Path(frames[-1][0]).name}:{frames[-1][1]}" if frames else "?"
        causes[f"{where}: {re.sub('[0-9]+', 'N', raised)[:90]}"] += 1
    if causes:
        kept = Path("var") / f"fuzz_staff-{backend}.log"
        kept.parent.mkdir(exist_ok=True)
        kept.write_text(text)
        print(f"  {backend}: the bot's log, tracebacks included, is in {kept}")
    return causes


def report(backend: str, n: int, seconds: float, tally: Tally, causes: Counter[str]) -> int:
    """Print the figures; the number of 5xx, tracebacks and requests without an answer."""
    fives = sum(c for s, c in tally.statuses.items() if s >= 500)
    traced = sum(causes.values())
    print(f"{backend}:")
    print(f"  requests {n} in {seconds:.1f} s  answers {dict(sorted(tally.statuses.items()))}")
    print(f"  5xx: {fives}  tracebacks in the log: {traced}  "
          f"no answer: {len(tally.unanswered)}  (target 0 each); bodies over the cap cut off "
          f"mid-upload: {tally.cut_off}")  # fmt: skip
    for cause, count in causes.most_common(5):
        print(f"    {count} x raised in {cause}")
    for line in [*sorted(set(tally.failures))[:5], *sorted(set(tally.unanswered))[:5]]:
        print(f"    {line}")
    return fives + traced + len(tally.unanswered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(
        f"staff fuzz: {args.n} hostile requests per backend, logged in as an admin, seed "
        f"{args.seed}, concurrency {args.concurrency}"
    )
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    bad = sum(run_backend(b, args.n, args.concurrency, args.seed) for b in backends)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
