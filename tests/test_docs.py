"""The docs stay honest: every setting documented once, every named setting real, links resolve."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
REFERENCE = ROOT / "docs" / "operating.md"
REFERENCE_HEADING = "## Settings"
PAGES = (README, *sorted((ROOT / "docs").glob("*.md")))
TEST_ONLY = frozenset(
    {
        "FEEDBOT_TEST_POSTGRES_URL",
        "FEEDBOT_TEST_BROWSER",
        "FEEDBOT_TEST_CHROMIUM",
        "FEEDBOT_TEST_SHOTS",
    }
)
"""Variables the tests read (not settings of the bot); each must really be read by the tests."""
NAME = re.compile(r"FEEDBOT_\w+")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~)")


def env_name(name: str, field: FieldInfo) -> str:
    """The environment variable a settings field is read from (its alias, else prefix + name)."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        alias = next((c for c in alias.choices if isinstance(c, str)), None)
    if not isinstance(alias, str):
        alias = field.alias
    prefix = Settings.model_config.get("env_prefix") or ""
    return (alias or prefix + name).upper()


SETTINGS: dict[str, FieldInfo] = {
    env_name(name, field): field for name, field in Settings.model_fields.items()
}


def prose(page: Path) -> list[str]:
    """The page's lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def first_cells(lines: list[str]) -> list[str]:
    """The first cell of every Markdown table row (separator rows left out)."""
    cells = []
    for line in lines:
        if line.startswith("|") and not re.fullmatch(r"[|\s:-]+", line):
            cells.append(line.split("|")[1])
    return cells


def section(lines: list[str], heading: str) -> list[str]:
    """The lines under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = lines.index(heading) + 1
    end = next(
        (i for i in range(start, len(lines)) if re.match(rf"#{{1,{len(level)}}} ", lines[i])),
        len(lines),
    )
    return lines[start:end]


def reference_rows() -> dict[str, list[str]]:
    """Each setting row of the reference table, by the setting its first cell names."""
    rows: dict[str, list[str]] = {}
    for line in section(prose(REFERENCE), REFERENCE_HEADING):
        if line.startswith("|") and NAME.search(line.split("|")[1]):
            cells = [c.strip() for c in line.split("|")[1:-1]]
            named = NAME.findall(cells[0])
            assert len(named) == 1, f"one setting per row, please: {cells[0]}"
            assert named[0] not in rows, f"{named[0]} has two rows in the reference table"
            rows[named[0]] = cells
    return rows


def shown_default(field: FieldInfo) -> str | None:
    """The default as the table should show it (`8080`, `true`), or None when derived or unset."""
    value = field.default
    if value is None or isinstance(value, SecretStr) or str(value) in ("", "."):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a page (a repeated heading gets -1, -2, … as on GitHub)."""
    seen: Counter[str] = Counter()
    found = set()
    for line in prose(page):
        match = re.match(r"#{1,6} (.+)", line)
        if match:
            base = slug(match.group(1))
            found.add(f"{base}-{seen[base]}" if seen[base] else base)
            seen[base] += 1
    return found


def test_every_setting_has_exactly_one_row_in_the_reference_table() -> None:
    rows = reference_rows()
    missing = sorted(set(SETTINGS) - set(rows))
    assert not missing, f"settings without a row in docs/operating.md#settings: {missing}"


def test_no_setting_is_tabled_anywhere_but_the_reference() -> None:
    elsewhere = []
    for page in PAGES:
        lines = prose(page)
        if page == REFERENCE:
            reference = section(lines, REFERENCE_HEADING)
            lines = [line for line in lines if line not in reference]
        elsewhere += [(page.name, n) for cell in first_cells(lines) for n in NAME.findall(cell)]
    assert not elsewhere, f"setting rows outside the reference table: {elsewhere}"


def test_the_reference_table_shows_each_settings_real_default() -> None:
    rows = reference_rows()
    wrong = []
    for name, field in SETTINGS.items():
        default = shown_default(field)
        if name in rows and default is not None and f"`{default}`" not in rows[name][1]:
            wrong.append(f"{name}: the default is `{default}`, the table says {rows[name][1]}")
    assert not wrong, "\n".join(wrong)


def test_every_named_setting_exists() -> None:
    unknown = {
        (page.name, name)
        for page in PAGES
        for name in NAME.findall(page.read_text(encoding="utf-8"))
        if name not in SETTINGS and name not in TEST_ONLY
    }
    assert not unknown, f"FEEDBOT_ names that are no setting: {sorted(unknown)}"


def test_the_test_only_variables_are_read_by_the_tests() -> None:
    readers = [p for p in (ROOT / "tests").rglob("*.py") if p != Path(__file__).resolve()]
    sources = " ".join(p.read_text(encoding="utf-8") for p in readers)
    unread = sorted(v for v in TEST_ONLY if v not in sources)
    assert not unread, f"allowed as test-only but read by no test: {unread}"


def test_every_relative_link_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall("\n".join(prose(page))):
            if re.match(r"[a-z]+:", target):
                continue  # http:, https:, mailto:
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.is_file():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_the_readme_is_short_and_shows_the_two_commands_first() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; move detail into docs/"
    intro = "\n".join(lines[: next(i for i, x in enumerate(lines) if x.startswith("## "))])
    assert "make run" in intro and "make test" in intro
