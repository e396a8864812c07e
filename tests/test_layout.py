"""Where code lives: spiders fetch and yield, pipelines never reach into the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "jobcrawler"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any level (also inside functions and TYPE_CHECKING)."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


@pytest.mark.parametrize(("files", "forbidden"), [
    (sorted((PACKAGE / "spiders").glob("*.py")), ("jobcrawler.storage", "jobcrawler.ops")),
    ([PACKAGE / name for name in ("pipelines.py", "extensions.py", "middlewares.py", "items.py",
                                  "monitors.py", "signals.py")], ("jobcrawler.ops",)),
    (sorted((PACKAGE / "storage").glob("*.py")), ("scrapy", "jobcrawler.ops")),
], ids=["spiders", "scrapy-components", "storage"])
def test_layers_import_only_downwards(files: list[Path], forbidden: tuple[str, ...]) -> None:
    wrong = {f"{path.relative_to(ROOT)}: {module}" for path in files
             for module in imported_modules(path) if module.startswith(forbidden)}
    assert not wrong
