"""Rules of the test suite itself: test modules never import each other (shared helpers go to tests/support/,
tests/factories.py or a conftest), and conftests build apps only through the shared factory."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative: resolve against the importing package
                parts = path.resolve().parent.relative_to(TESTS.parent).parts
                names.append(".".join((*parts[: len(parts) - node.level + 1], node.module)))
            else:
                names.append(node.module)
    return names


def _is_test_module(name: str) -> bool:
    return name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")


def test_no_test_module_imports_another() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in _imported_modules(path)
        if _is_test_module(name)
    ]
    assert offenders == []


def test_the_checker_tells_test_modules_from_helpers() -> None:
    assert _is_test_module("tests.web.test_activities")
    assert not _is_test_module("tests.support.forms")
    assert not _is_test_module("tests.conftest")


def test_conftests_build_apps_through_the_shared_factory() -> None:
    offenders = [
        str(path.relative_to(TESTS.parent))
        for path in sorted(TESTS.rglob("conftest.py"))
        if "create_app(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
