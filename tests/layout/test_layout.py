"""The package reads as the data flows: stages as sub-packages, each importing only from the stages
before it, no import circle anywhere, a docstring saying what each stage does."""

from __future__ import annotations

import ast
import importlib

from conftest import ROOT

PACKAGE = ROOT / "pipeline"
# The stages in data-flow order; a module may import from its own stage and from earlier ones.
STAGES = ["common", "intake", "contract", "plan", "documents", "pdf", "run", "output", "batch"]
ON_TOP = {"shell": len(STAGES), "cli": len(STAGES), "serve": len(STAGES), "__main__": len(STAGES) + 1}


def module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return -1  # `pipeline` itself: the version, nothing else
    if parts[1] in STAGES:
        return STAGES.index(parts[1])
    return ON_TOP[parts[1]]


def imports_of(path) -> set[str]:
    """Every pipeline module this file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            found.add(node.module)
            for alias in node.names:  # `from pipeline.contract import coerce` imports a module
                candidate = f"{node.module}.{alias.name}"
                if importlib.util.find_spec(node.module) and _is_module(candidate):
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "pipeline")
    return found


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in PACKAGE.rglob("*.py")}


def test_every_stage_imports_only_from_itself_and_earlier_stages():
    backwards = sorted(f"{importer} → {imported}" for importer, targets in graph().items() for imported in targets
                       if rank(imported) > rank(importer))
    assert backwards == []


def test_there_is_no_import_circle():
    edges = graph()
    # A package's __init__ re-exports its modules; importing the package means importing them.
    state: dict[str, int] = {}
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 1:
            circles.append(" → ".join(trail[trail.index(module):] + [module]))
            return
        if state.get(module) == 2:
            return
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if target != module and not module.startswith(target + "."):  # a module's own package is not a cycle
                visit(target, trail + [module])
        state[module] = 2

    for module in sorted(edges):
        visit(module, [])
    assert circles == []


def test_every_stage_says_what_it_does_and_where_it_sits():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text("utf-8")))
        assert doc and len(doc) > 60, stage
    top = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text("utf-8")))
    positions = [top.index(f"{stage}/") for stage in STAGES]
    assert positions == sorted(positions), "pipeline/__init__.py lists the stages in data-flow order"


def test_every_module_has_a_docstring():
    missing = [module_name(p) for p in PACKAGE.rglob("*.py")
               if p.name != "__main__.py" and not ast.get_docstring(ast.parse(p.read_text("utf-8")))]
    assert missing == []


def test_benchmark_code_is_not_in_the_installed_package():
    assert not list(PACKAGE.rglob("bench*.py")) and not list(PACKAGE.rglob("synthetic*.py"))
