"""Property: whatever JSON (or near-JSON) a stranger sends the widget API over real HTTP, the
answer is 202 or a 4xx with a JSON error, never a 5xx; and a 202 means the message is stored."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.process import bot_env, bot_process, free_port

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec=None, categories=None), max_size=40)
    | st.text(alphabet=st.characters(categories=["Cs", "Cc"]), max_size=4)
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner),
    max_leaves=12,
)
TOKENS = st.from_regex(r"[A-Za-z0-9_-]{8,40}", fullmatch=True)
JSON_HEADERS = {"content-type": "application/json"}
CHARS = st.characters(codec=None, categories=None) | st.characters(categories=["Cs", "Cc"])
ANY_TEXT = st.text(alphabet=CHARS, max_size=200)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, str, Path]]:
    """One bot process for every example; limits high so only the input decides."""
    tmp = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    env = bot_env(
        state_dir=str(tmp / "var"),
        http_port=str(port),
        classifier="off",
        log_level="INFO",
        widget_session_rate="1000000",
        widget_address_rate="10000000",
        widget_new_session_rate="1000000",
    )
    with (
        bot_process(env, tmp / "bot.log"),
        httpx.Client(base_url=f"http://127.0.0.1:{port}") as http,
    ):
        session = http.post("/widget/api/sessions", json={}).json()["session"]
        yield http, session, tmp / "bot.log"


def bodies(session: str) -> st.SearchStrategy[Any]:
    """Message bodies: anything JSON, or the right shape with any values in it."""
    shaped = st.fixed_dictionaries(
        {
            "session": st.just(session) | st.text(max_size=140) | JSON_VALUES,
            "client_id": TOKENS | ANY_TEXT | JSON_VALUES,
            "text": ANY_TEXT | JSON_VALUES,
        },
        optional={"extra": JSON_VALUES},
    )
    well_formed = st.fixed_dictionaries(
        {"session": st.just(session), "client_id": TOKENS, "text": ANY_TEXT}
    )
    return JSON_VALUES | shaped | well_formed | well_formed


def encode(body: Any, ascii_only: bool, allow_nan: bool) -> bytes:
    """JSON bytes as a careless or hostile client might write them."""
    text = json.dumps(body, ensure_ascii=ascii_only, allow_nan=allow_nan)
    return text.encode("utf-8", "surrogatepass")


def check(answer: httpx.Response) -> None:
    assert answer.status_code == 202 or 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    if answer.status_code != 202:
        assert isinstance(answer.json()["error"], str)


def stored(http: httpx.Client, session: str, message_id: int) -> bool:
    """Whether the conversation holds the message (reading back through the API)."""
    page = http.get("/widget/api/messages", params={"session": session}).json()
    while True:
        if any(m["id"] == message_id for m in page["messages"]):
            return True
        if page["older"] is None:
            return False
        params = {"session": session, "before": page["older"]}
        page = http.get("/widget/api/messages", params=params).json()


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), ascii_only=st.booleans(), allow_nan=st.booleans())
def test_any_json_body_is_202_and_stored_or_a_4xx(
    bot: tuple[httpx.Client, str, Path], data: st.DataObject, ascii_only: bool, allow_nan: bool
) -> None:
    http, session, _ = bot
    body = data.draw(bodies(session))
    raw = encode(body, ascii_only, allow_nan)
    answer = http.post(
        "/widget/api/messages", content=raw, headers={"content-type": "application/json"}
    )
    check(answer)
    if answer.status_code == 202:
        assert stored(http, session, answer.json()["id"])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw=st.binary(max_size=300),
    path=st.sampled_from(["/widget/api/messages", "/widget/api/votes", "/widget/api/sessions"]),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "", "application/x-www-form-urlencoded"]
    ),
)
def test_any_bytes_with_any_content_type_are_a_4xx_or_accepted(
    bot: tuple[httpx.Client, str, Path], raw: bytes, path: str, content_type: str
) -> None:
    http, _, _ = bot
    headers = {"content-type": content_type} if content_type else {}
    answer = http.post(path, content=raw, headers=headers)
    assert answer.status_code in {201, 202} or 400 <= answer.status_code < 500, answer.text


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_vote_body_is_202_or_a_4xx(
    bot: tuple[httpx.Client, str, Path], data: st.DataObject
) -> None:
    http, session, _ = bot
    body = data.draw(
        JSON_VALUES
        | st.fixed_dictionaries(
            {
                "session": st.just(session) | JSON_VALUES,
                "client_id": TOKENS | JSON_VALUES,
                "poll_id": st.integers() | JSON_VALUES,
                "option": ANY_TEXT | JSON_VALUES,
            }
        )
    )
    check(
        http.post(
            "/widget/api/votes",
            content=encode(body, True, False),
            headers={"content-type": "application/json"},
        )
    )


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["/widget", "/widget/api/messages", "/widget/api/polls"]),
    session=st.none() | st.text(max_size=140),
    before=st.none() | st.text(max_size=30) | st.just("9" * 5000) | st.just("²"),
    cookie=st.none() | st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126)),
)
def test_any_query_or_cookie_on_the_read_routes_is_never_a_5xx(
    bot: tuple[httpx.Client, str, Path],
    path: str,
    session: str | None,
    before: str | None,
    cookie: str | None,
) -> None:
    http, real, _ = bot
    params = {k: v for k, v in (("session", session), ("before", before)) if v is not None}
    headers = {"cookie": f"feedbot_session={cookie}"} if cookie else {}
    answer = http.get(path, params=params, headers=headers)
    assert answer.status_code < 500, answer.text
    form = {"session": real, "client_id": "formvote1", "poll_id": before or "²", "option": "5"}
    assert http.post("/widget/vote", data=form).status_code < 500


FORM = {"content-type": "application/x-www-form-urlencoded"}
FORM_FIELDS = ("session", "client_id", "text", "poll_id", "option", "embed")


def form_body(fields: dict[str, str]) -> bytes:
    """A urlencoded form; lone surrogates travel as the bytes a careless client would send."""
    return urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in fields.items()}).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), path=st.sampled_from(["/widget/send", "/widget/vote"]))
def test_any_form_post_is_a_redirect_or_a_4xx_naming_the_problem(
    bot: tuple[httpx.Client, str, Path], data: st.DataObject, path: str
) -> None:
    http, session, _ = bot
    values = st.just(session) | TOKENS | ANY_TEXT | st.integers().map(str)
    fields = data.draw(st.dictionaries(st.sampled_from(FORM_FIELDS), values, max_size=6))
    answer = http.post(path, content=form_body(fields), headers=FORM)
    assert answer.status_code == 303 or 400 <= answer.status_code < 500, answer.text
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/widget?")
    else:
        assert answer.json()["error"], answer.text  # httpx asks for JSON: the problem in words


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=JSON_VALUES | st.fixed_dictionaries({"session": ANY_TEXT | TOKENS | JSON_VALUES}))
def test_ending_any_session_body_is_answered_never_a_5xx(
    bot: tuple[httpx.Client, str, Path], body: Any
) -> None:
    http, _, _ = bot  # never the fixture's own session: the other examples still use it
    raw = encode(body, True, False)
    answer = http.post("/widget/api/sessions/end", content=raw, headers=JSON_HEADERS)
    assert answer.status_code == 200 or 400 <= answer.status_code < 500, answer.text
    assert answer.status_code != 200 or answer.json() == {"ended": False}
    form = form_body({"session": body if isinstance(body, str) else "not-a-session-1"})
    assert http.post("/widget/end", content=form, headers=FORM).status_code in {303, 400, 403}


def test_form_posts_of_any_fields_are_4xx_or_a_redirect(
    bot: tuple[httpx.Client, str, Path],
) -> None:
    http, session, _ = bot
    for fields in (
        {"session": session, "client_id": "abcdefgh\n", "text": "hi"},
        {"session": session, "client_id": "formclient1", "text": "x" * 4001},
        {"session": session, "client_id": "formclient2", "text": ""},
        {"session": "x" * 5000, "client_id": "formclient3", "text": "hi"},
    ):
        answer = http.post("/widget/send", data=fields)
        assert 400 <= answer.status_code < 500, (fields, answer.text)
    bad_utf8 = http.post(
        "/widget/send",
        content=b"session=" + session.encode() + b"&client_id=formclient4&text=%ff%fe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert bad_utf8.status_code == 400


def inbound_rows(log: Path) -> int:
    """Inbound messages and votes in the bot's database (read straight from the SQLite file)."""
    with contextlib.closing(sqlite3.connect(log.parent / "var" / "feedbot.db")) as db:
        query = "SELECT count(*) FROM messages WHERE direction = 'in'"
        return int(db.execute(query).fetchone()[0])


HEADER_VALUES = st.text(
    st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=60
)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw=st.binary(max_size=300) | JSON_VALUES.map(lambda v: encode(v, False, True)),
    path=st.sampled_from(["/widget/api/messages", "/widget/api/votes", "/widget/api/sessions"]),
    headers=st.dictionaries(
        st.sampled_from(["content-type", "cookie", "origin", "accept", "x-forwarded-for"]),
        HEADER_VALUES | st.sampled_from(["application/json", "feedbot_session=probe-0001"]),
    ),
)
def test_any_bytes_and_headers_without_a_session_store_nothing(
    bot: tuple[httpx.Client, str, Path], raw: bytes, path: str, headers: dict[str, str]
) -> None:
    http, _, log = bot
    before = inbound_rows(log)
    sent = {k: v.strip(" ").encode("latin-1") for k, v in headers.items()}
    answer = http.post(path, content=raw, headers=sent)
    assert answer.status_code in {200, 201} or 400 <= answer.status_code < 500, answer.text
    assert inbound_rows(log) == before


def test_after_all_that_each_client_error_was_one_log_line_and_no_traceback(
    bot: tuple[httpx.Client, str, Path],
) -> None:
    http, _, log = bot
    marker = "/widget/api/messages?probe=one-line"
    answer = http.post(marker, content=b"[" * 5000, headers={"content-type": "application/json"})
    assert answer.status_code == 400
    lines = log.read_text(errors="replace").splitlines()
    assert "Traceback" not in "\n".join(lines)
    assert len([line for line in lines if "nested too deeply" in line]) == 1
