"""The package's imports run one way: load -> clean -> model -> interpret -> render, and no stage imports the
runtime (processes, workers, the renderer process). Imports inside functions count: they run against the flow
as surely as those at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"
LAYERS = [
    ("declarations", {"errors", "names", "resources", "result", "config", "registry", "estimators"}),
    ("load", {"load", "infer", "vocabulary"}),
    ("clean", {"clean"}),
    ("model", {"model", "logit", "evaluate", "threshold", "uncertainty", "calibration", "targeting", "dependence",
               "strength", "twins", "driver_checks", "explore", "segments", "trends", "forecast", "scoring", "compare",
               "training"}),
    ("interpret", {"narrative"}),
    ("render", {"figures", "render"}),
]
"""Each stage's modules, in the order data flows; a module may import from its own stage and those before it."""
ORCHESTRATION = {"", "__main__", "cli", "engine", "init", "runtime"}
"""What runs the stages (and the runtime they are handed to): free to import any stage."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """The package's modules a file imports, anywhere in it, as names relative to the package."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reportgen"):
            base = node.module.removeprefix("reportgen").lstrip(".")
            for alias in node.names:
                submodule = f"{base}.{alias.name}".lstrip(".")
                found.add(submodule if (PACKAGE / submodule.replace(".", "/")).with_suffix(".py").exists()
                          or (PACKAGE / submodule.replace(".", "/")).is_dir() else base)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("reportgen").lstrip(".")
                      for a in node.names if a.name.startswith("reportgen")}
    return found


def stage_of(name: str) -> str | None:
    top = name.split(".")[0]
    if top in ORCHESTRATION:
        return None
    return next(stage for stage, modules in LAYERS if top in modules)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_belongs_to_a_stage_or_runs_them():
    known = set().union(*(modules for _, modules in LAYERS)) | ORCHESTRATION
    assert sorted(name for name in MODULES if name.split(".")[0] not in known) == []


@pytest.mark.parametrize("name", sorted(name for name in MODULES if stage_of(name) is not None))
def test_a_stage_imports_only_from_its_own_stage_and_those_before_it(name):
    order = [stage for stage, _ in LAYERS]
    here = order.index(stage_of(name))
    against = [other for other in sorted(imported(MODULES[name]))
               if other and (stage_of(other) is None or order.index(stage_of(other)) > here)]
    assert against == [], f"reportgen.{name} imports against the flow or the runtime: {against}"


def import_graph() -> dict[str, set[str]]:
    """Each module's imports of the package's modules (a package stands for its `__init__`)."""
    return {name: {other for other in imported(path) if other in MODULES and other != name}
            for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of the graph, each as the modules it runs through (depth-first, each found once)."""
    found, state = [], {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                found.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, [*path, other])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return found


def test_no_module_imports_itself_through_others():
    """A package's modules may import each other one way only (a cycle breaks as soon as one of them is imported
    first); imports inside functions count."""
    assert cycles(import_graph()) == []


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
