"""Where code lives: each stage of an ad's way is one place (README: fetch (spiders) -> extract ->
normalise -> store -> report), and a stage imports only what lies below it: spiders fetch and
yield, Scrapy components never reach into the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "jobcrawler"


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_modules(path: Path, type_checking: bool = True) -> set[str]:
    """Every module a file imports, at any level (also inside functions; inside
    ``if TYPE_CHECKING:`` unless ``type_checking`` is false)."""
    modules = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set() if type_checking else {id(n) for block in ast.walk(tree)
                                           if _type_checking_only(block) for n in ast.walk(block)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: jobcrawler's own modules by name.
MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def dependencies(name: str) -> set[str]:
    """The package's modules that importing ``name`` (or calling its functions) loads: what it
    imports, with their packages' ``__init__``; type-only imports left out."""
    found = set()
    for module in imported_modules(MODULES[name], type_checking=False):
        parts = module.split(".")
        found.update(".".join(parts[:i]) for i in range(2, len(parts) + 1)
                     if ".".join(parts[:i]) in MODULES)
    return found - {name}


def import_chain(start: str, forbidden: tuple[str, ...]) -> list[str] | None:
    """The shortest chain of imports from ``start`` to a module under ``forbidden``, or None."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        name = queue.pop(0)
        for dep in sorted(dependencies(name)):
            if dep in paths:
                continue
            paths[dep] = [*paths[name], dep]
            if dep.startswith(forbidden):
                return paths[dep]
            queue.append(dep)
    return None


def _files(*patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in PACKAGE.glob(pattern))


SCRAPY_COMPONENTS = ("pipelines.py", "extensions.py", "middlewares.py", "items.py", "monitors.py",
                     "signals.py", "feeds.py", "addons.py", "downloadhandlers.py", "resolver.py",
                     "logformatter.py", "commands/*.py", "replay/*.py")


@pytest.mark.parametrize(("files", "forbidden"), [
    (_files("spiders/*.py"), ("jobcrawler.normalize", "jobcrawler.storage", "jobcrawler.ops")),
    (_files("extract/*.py"), ("jobcrawler.spiders", "jobcrawler.normalize", "jobcrawler.storage",
                              "jobcrawler.ops", "jobcrawler.pipelines")),
    (_files(*SCRAPY_COMPONENTS), ("jobcrawler.ops",)),
    (_files("normalize/*.py"), ("scrapy", "jobcrawler.spiders", "jobcrawler.extract",
                                "jobcrawler.storage", "jobcrawler.ops", "jobcrawler.pipelines")),
    (_files("storage/*.py"), ("scrapy", "jobcrawler.ops")),
    (_files("text.py", "urls.py", "timestamps.py"), ("jobcrawler.",)),
], ids=["spiders", "extract", "scrapy-components", "normalize", "storage", "bottom"])
def test_layers_import_only_downwards(files: list[Path], forbidden: tuple[str, ...]) -> None:
    assert files
    wrong = {f"{path.relative_to(ROOT)}: {module}" for path in files
             for module in imported_modules(path) if module.startswith(forbidden)}
    assert not wrong


@pytest.mark.parametrize(("start", "forbidden"), [
    *[(name, ("jobcrawler.normalize", "jobcrawler.storage", "jobcrawler.ops"))
      for name in sorted(MODULES) if name.startswith("jobcrawler.spiders")],
    *[(name, ("jobcrawler.normalize", "jobcrawler.storage", "jobcrawler.ops", "jobcrawler.spiders"))
      for name in sorted(MODULES) if name.startswith("jobcrawler.extract")],
    *[(module_name(path), ("jobcrawler.ops",)) for path in _files(*SCRAPY_COMPONENTS)],
])
def test_no_stage_reaches_up_through_another(start: str, forbidden: tuple[str, ...]) -> None:
    """The import graph, followed through every module: a spider reaches no normaliser, storage
    or command-line code even through what it imports (extract, items, the registry), and no
    Scrapy component reaches the command line."""
    assert import_chain(start, forbidden) is None, " -> ".join(import_chain(start, forbidden) or [])


def test_the_import_graph_sees_through_modules() -> None:
    """The check finds a chain two imports long (the feed exporters once took the export schema
    from the command line's ``ops/export.py``)."""
    assert import_chain("jobcrawler.ops.export_cmd", ("jobcrawler.storage.records",)) == [
        "jobcrawler.ops.export_cmd", "jobcrawler.ops.export", "jobcrawler.storage.records"]
