"""The layering of ssg (STYLE.md, docs/architecture.md): a module imports only from lower layers, never from its
own layer or above; modules inside one package may import each other. zola's Cargo graph, checked with `ast`.

Keep LAYERS in step with docs/architecture.md: a new top-level module fails here until it is given a layer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ssg"

# top-level unit of ssg (a module or a package) -> its layer
LAYERS: dict[str, int] = {
    "": 0,  # ssg/__init__.py: the version only
    "errors": 0,  # Diagnostic, Report, did-you-mean, the formatter
    "livereload": 0,  # serve a folder, reload, error overlay; imports nothing from ssg outside itself
    "config": 1,  # site.toml -> SiteConfig
    "urls": 2,  # permalinks, base path, output paths
    "source": 2,  # files -> SourceDoc (front matter with positions)
    "model": 3,  # Article, Actor, Claim, Site: validate, merge, link
    "markdown": 4,  # markdown-it-py and the annotation plugin
    "render": 5,  # Jinja environment, page list, page rendering, page digests
    "output": 6,  # write the output folder atomically
    "pipeline": 7,  # one road for every build: load, plan, stale pages, render, write; reuse/ keeps what is known
    "serve": 8,  # (when it exists) watch and rebuild with livereload
    "publish": 8,  # publish targets: plan, then apply
    "scaffold": 8,  # ssg init, ssg new
    "cli": 9,  # arguments, printing, exit codes
    "__main__": 10,  # python -m ssg
}


@dataclass(frozen=True)
class Import:
    file: str  # relative to the repository, e.g. ssg/model/link.py
    line: int
    importer: str  # top-level unit of the importing file
    target: str  # dotted module imported, e.g. ssg.config
    unit: str  # its top-level unit

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.importer} (layer {LAYERS.get(self.importer)}) imports {self.target}"


def unit_of(module: str) -> str:
    """`ssg.model.link` -> `model`; `ssg` -> ``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[Import]:
    """Every import of an ssg module in one file, wherever it stands (functions and TYPE_CHECKING included)."""
    name = module_name(path)
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel_file = path.relative_to(PACKAGE.parent).as_posix()
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from ssg import config` imports the module ssg.config; `from ssg import __version__` the package
            targets = [
                f"{module}.{alias.name}" if module == "ssg" and alias.name in LAYERS else module for alias in node.names
            ]
        for target in targets:
            if target == "ssg" or target.startswith("ssg."):
                found.append(Import(rel_file, node.lineno, unit_of(name), target, unit_of(target)))
    return found


def all_imports() -> list[Import]:
    return [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in imports_of(path)]


def test_every_top_level_module_has_a_layer() -> None:
    units = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    units = {"" if u == "__init__" else u for u in units}
    missing = sorted(units - set(LAYERS))
    assert not missing, f"give these a layer in tests/test_layers.py and docs/architecture.md: {missing}"


def test_the_import_scan_sees_the_imports() -> None:
    """Guard against a scanner that finds nothing (and so passes everything)."""
    found = {(imp.importer, imp.unit) for imp in all_imports()}
    assert {("model", "config"), ("pipeline", "markdown"), ("cli", "pipeline"), ("pipeline", "pipeline")} <= found


def test_no_module_imports_its_own_layer_or_above() -> None:
    violations = [
        str(imp)
        for imp in all_imports()
        if imp.unit != imp.importer and imp.unit in LAYERS and LAYERS[imp.unit] >= LAYERS[imp.importer]
    ]
    assert not violations, "imports against the layering:\n" + "\n".join(violations)


def module_graph() -> dict[str, set[str]]:
    """Module -> the ssg modules it imports (a package's `__init__` by the package's name)."""
    modules = {module_name(path) for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for path in sorted(PACKAGE.rglob("*.py")):
        for imp in imports_of(path):
            target = imp.target
            while target not in modules and "." in target:  # `from ssg.x import name`: the module ssg.x
                target = target.rpartition(".")[0]
            if target in modules and target != module_name(path):
                graph[module_name(path)].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None (depth-first search, imports in functions too)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_import_cycles_even_inside_a_package() -> None:
    """STYLE.md: cycles are not papered over (TYPE_CHECKING or function-level imports count too)."""
    cycle = find_cycle(module_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_livereload_imports_nothing_from_ssg_outside_itself() -> None:
    outside = [str(imp) for imp in all_imports() if imp.importer == "livereload" and imp.unit != "livereload"]
    assert not outside, "\n".join(outside)


def test_imported_modules_exist() -> None:
    """An import of an unknown ssg unit would slip past the layer check."""
    unknown = [str(imp) for imp in all_imports() if imp.unit not in LAYERS]
    assert not unknown, "\n".join(unknown)


@pytest.mark.parametrize("forbidden", ["sys.exit", "click"])
def test_only_the_cli_exits_or_uses_click(forbidden: str) -> None:
    """STYLE.md: exit codes are set only in cli; lower layers never tie themselves to the command line."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "__main__.py") and path.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            rel = f"{path.relative_to(PACKAGE.parent).as_posix()}:{getattr(node, 'lineno', 0)}"
            if forbidden == "click" and isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                offenders += [rel for n in names if n.split(".")[0] == "click"]
            elif forbidden == "sys.exit" and is_sys_exit(node):
                offenders.append(rel)
    assert not offenders, f"{forbidden} outside ssg/cli.py: {offenders}"


def is_sys_exit(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "exit"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )
