"""The domain is plain Python: app/domain imports the standard library and itself only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import app.domain

DOMAIN = Path(app.domain.__file__).parent
MODULES = sorted(DOMAIN.glob("*.py"))


def imported_names(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays inside the package only if it does not climb out of it.
            names.append("app.domain" if node.level == 1 else "." * node.level + (node.module or ""))
    return names


def allowed(name: str) -> bool:
    if name == "app.domain" or name.startswith("app.domain."):
        return True
    return name.split(".")[0] in sys.stdlib_module_names or name == "__future__"


def test_the_domain_has_modules_to_check():
    expected = {"events", "commands", "errors", "unit", "cluster", "pact", "scoring"}
    assert {p.stem for p in MODULES} >= expected


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_domain_module_imports_only_the_standard_library_and_the_domain(path):
    outside = [name for name in imported_names(path) if not allowed(name)]

    assert outside == [], f"{path.name} imports {outside}"


def test_the_check_catches_a_third_party_or_app_import():
    assert not allowed("sqlalchemy")
    assert not allowed("app.services.handlers")
    assert not allowed("..events")
    assert allowed("dataclasses") and allowed("app.domain.events")
