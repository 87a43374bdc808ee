"""The layers' direction, read from the imports (every ``import``, function-local ones included).

models ← services ← edges (blueprints, API, CLI, security); exports are pure builders. A module that imports
against the direction fails here with its name and the import, so a moved function cannot drag an edge (or the
database, for the policy rules) into a layer that must not know it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "outreach"
EDGES = (
    "outreach.auth",
    "outreach.activities",
    "outreach.dashboard",
    "outreach.reports",
    "outreach.admin",
    "outreach.api",
    "outreach.ops",
    "outreach.cli",
    "outreach.security",
    "outreach.templating",
    "outreach.errors",
)
#: The modules split out of services.activities and services.stats (issue 11): they must exist and be checked.
SPLIT_MODULES = (
    "outreach.services.policy",
    "outreach.services.activity_list",
    "outreach.services.locations",
    "outreach.services.clock",
    "outreach.services.activities",
    "outreach.services.stats",
    "outreach.services.stats.filter",
    "outreach.services.stats.types",
    "outreach.services.stats.query",
    "outreach.services.stats.summary",
    "outreach.services.stats.gaps_map",
    "outreach.services.stats.serialize",
    "outreach.services.schema.operations",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _modules(under: str) -> dict[str, set[str]]:
    root = PACKAGE.joinpath(*under.split(".")[1:])
    paths = sorted(root.rglob("*.py")) if root.is_dir() else [root.with_suffix(".py")]
    return {_module_name(p): _imports(p) for p in paths}


def _against(modules: dict[str, set[str]], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imports in modules.items()
        for imported in imports
        if any(imported == f or imported.startswith(f"{f}.") for f in forbidden)
    )


def test_models_import_no_service_export_or_edge() -> None:
    assert _against(_modules("outreach.models"), ("outreach.services", "outreach.exports", *EDGES)) == []


def test_services_import_no_edge() -> None:
    assert _against(_modules("outreach.services"), EDGES) == []


def test_exports_neither_query_nor_call_services() -> None:
    forbidden = ("outreach.services", "outreach.extensions", "sqlalchemy", *EDGES)
    assert _against(_modules("outreach.exports"), forbidden) == []


def test_policy_rules_read_no_database() -> None:
    assert _against(_modules("outreach.services.policy"), ("outreach.extensions", "sqlalchemy")) == []


@pytest.mark.parametrize("module", SPLIT_MODULES)
def test_split_modules_are_checked(module: str) -> None:
    """The split's modules exist where ARCHITECTURE.md says, so the checks above read them."""
    assert module in _modules("outreach.services")


def test_the_checker_sees_function_local_and_relative_imports() -> None:
    module = PACKAGE / "services" / "schema" / "operations.py"
    imports = _imports(module)
    assert "outreach.services.schema.base" in imports  # ``from .base import …``
    assert "outreach.services.plans" in imports  # imported inside a method
