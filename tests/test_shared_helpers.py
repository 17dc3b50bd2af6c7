"""What tests share lives in ``tests/fakes/`` (fake platforms, the ``chat`` harness, the one
waiting helper) and ``tests/support/`` (databases, browsers, staff, queue and CLI helpers): a
test module imports from there, or from a helper module of its own folder, never from another
test module or another folder's helpers."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SHARED = ("tests.fakes", "tests.support")


def _imported(path: Path) -> list[str]:
    """The ``tests.*`` modules a file imports (``from tests.x import y``: the module ``y`` where
    there is one, else ``tests.x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append(sub if _file(sub).exists() else node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return [m for m in found if m.startswith("tests.")]


def _file(module: str) -> Path:
    return TESTS.parent.joinpath(*module.split(".")).with_suffix(".py")


def _allowed(module: str, importer: Path) -> bool:
    """Shared, or a helper module (not a test module) in the importer's own folder."""
    if module.startswith(SHARED):
        return True
    helper = _file(module)
    return helper.parent == importer.parent and not helper.name.startswith("test_")


def test_test_modules_share_only_through_fakes_and_support() -> None:
    wrong = [
        f"{path.relative_to(TESTS)}: {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in _imported(path)
        if not _allowed(module, path)
    ]
    assert wrong == [], "\n".join(wrong)


def test_fakes_and_support_import_no_test_folder() -> None:
    wrong = [
        f"{path.relative_to(TESTS)}: {module}"
        for folder in ("fakes", "support")
        for path in sorted((TESTS / folder).rglob("*.py"))
        for module in _imported(path)
        if not module.startswith(SHARED)
    ]
    assert wrong == [], "\n".join(wrong)
