"""The package's wiring: no import cycle, no module that changes other modules by being imported."""
from __future__ import annotations

import ast

import grimp

from tests.conftest import REPO


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_edges(graph) -> dict[str, set[str]]:
    """Who imports whom. Importing `a.b.c` also runs the package `a.b` (its __init__), unless the
    importer is inside `a.b` already (then the package is being initialised): that edge counts too."""
    edges = {}
    for module in graph.modules:
        targets = set(graph.find_modules_directly_imported_by(module))
        own = set(_ancestors(module))
        for target in list(targets):
            targets.update(p for p in _ancestors(target) if p not in own and p in graph.modules)
        edges[module] = targets - {module}
    return edges


def test_package_initialisation_counts_as_an_import():
    class Graph:
        modules = {"pkg", "pkg.a", "pkg.b", "other", "other.x"}
        imports = {"pkg": {"pkg.a"}, "pkg.a": {"other.x"}, "other.x": {"pkg.b"}, "pkg.b": set(), "other": set()}

        def find_modules_directly_imported_by(self, module):
            return self.imports[module]
    edges = import_edges(Graph())
    assert edges["other.x"] == {"pkg.b", "pkg"} and edges["pkg.a"] == {"other.x", "other"}
    assert _cycles(edges) == [["other.x", "pkg", "pkg.a"]]


def test_no_import_cycle_in_the_package():
    """Every import counts, also one inside a function (a deferred import hides a cycle, it does
    not remove it), and so does the package __init__ an import runs; only `if TYPE_CHECKING:`
    imports are left out."""
    graph = grimp.build_graph("casebook", exclude_type_checking_imports=True, cache_dir=None)
    edges = import_edges(graph)
    cycles = _cycles(edges)
    detail = []
    for cycle in cycles:
        for importer in cycle:
            for imported in sorted(edges[importer] & set(cycle)):
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                detail.append(f"{importer} -> {imported} (line {lines or 'package __init__'})")
    assert cycles == [], "import cycle:\n" + "\n".join(detail)


MUTATORS = {"append", "extend", "insert", "update", "setdefault", "add", "register", "__setitem__"}


def _imported_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def import_time_registrations(source: str) -> list[int]:
    """Lines where a module, at import time, changes an object it imported (`SECTIONS.append(...)`,
    `REGISTRY[name] = ...`, `other.value = ...`): importing it would change another module."""
    tree = ast.parse(source)
    imported = _imported_names(tree)
    lines = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and func.attr in MUTATORS and _root_name(func.value) in imported:
                lines.append(node.lineno)
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)) and _root_name(target) in imported:
                    lines.append(node.lineno)
    return lines


def test_the_registration_finder_finds_registrations():
    source = "from .home import SECTIONS, app\nimport other\nSECTIONS.append(1)\nother.REG['a'] = 2\nx = []\nx.append(3)\n"
    assert import_time_registrations(source) == [3, 4]


def test_no_module_changes_another_by_being_imported():
    found = []
    for path in sorted((REPO / "casebook").rglob("*.py")):
        for line in import_time_registrations(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(REPO)}:{line}")
    assert found == [], "register explicitly (create_app, the CLI group, run_lint) instead:\n" + "\n".join(found)


def test_a_question_type_is_one_module():
    """Nothing outside content/question_types/ names a question type: adding one is one module there
    (plus its tests) and its class in the TYPES list."""
    from casebook.content.question_types import QUESTION_TYPES
    names = set(QUESTION_TYPES)
    found = []
    for path in sorted((REPO / "casebook").rglob("*.py")):
        if "question_types" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: '{node.value}'")
    assert found == [], "ask the question type instead of naming it:\n" + "\n".join(found)


def test_every_question_type_module_has_the_whole_behaviour():
    from typing import get_args

    from casebook.content.question_types import QUESTION_TYPES, Question, QuestionType
    assert [m for m in get_args(get_args(Question)[0])] == [cls.model for cls in QUESTION_TYPES.values()]
    for name, cls in QUESTION_TYPES.items():
        assert cls.__module__ == f"casebook.content.question_types.{name}"
        assert cls.label and cls.model.model_fields["type"].annotation.__args__ == (name,)
        for method in ("grade", "right_answer", "from_form", "describe"):
            assert getattr(cls, method).__func__ is not getattr(QuestionType, method).__func__, \
                f"{name} does not define {method}"


def test_the_readme_layout_names_every_package_and_top_level_module():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    package = REPO / "casebook"
    names = [p.name + "/" for p in package.iterdir() if (p / "__init__.py").is_file()]
    names += [p.name for p in package.glob("*.py") if p.name != "__init__.py"]
    names += [p.name + "/" for p in (package / "content").iterdir() if (p / "__init__.py").is_file()]
    missing = sorted(n for n in names if n not in layout)
    assert missing == [], f"README.md's layout section does not mention {missing}"


def _inline_role_checks(source: str) -> list[int]:
    """`if not current_user.can(...)` (alone, not an ownership test) followed by a refusal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not):
            call = node.test.operand
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "can":
                found.append(node.lineno)
    return found


def test_role_checks_are_declared_not_written_out():
    assert _inline_role_checks("if not current_user.can('trainer'):\n    abort(403)\n") == [1]
    assert _inline_role_checks("if a.user_id != me and not current_user.can('trainer'):\n    abort(403)\n") == []
    found = []
    for path in sorted((REPO / "casebook" / "web").glob("*.py")):
        if path.name == "access.py":
            continue
        found += [f"{path.relative_to(REPO)}:{line}" for line in _inline_role_checks(path.read_text(encoding="utf-8"))]
    assert found == [], "use @role_required(...) (casebook/web/access.py):\n" + "\n".join(found)


def test_every_import_inside_the_package_resolves():
    """Also the deferred ones (inside functions), which only fail when that code runs."""
    missing = []
    for path in sorted((REPO / "casebook").rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        package = parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[:len(package) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("casebook"):
                target = node.module.split(".")
            else:
                continue
            where = REPO.joinpath(*target)
            if not (where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()):
                missing.append(f"{path.relative_to(REPO)}:{node.lineno}: {'.'.join(target)}")
    assert missing == []


def test_every_question_type_brings_its_own_form_fields():
    """A type's form fields live in its module (no template file per type elsewhere)."""
    from casebook.content.question_types import QUESTION_TYPES
    for name, cls in QUESTION_TYPES.items():
        assert "{{ f }}" in cls.form_fields, f"{name} has no form fields of its own"
    assert not (REPO / "casebook" / "web" / "templates" / "training" / "question_types").exists()
