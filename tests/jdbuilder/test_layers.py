"""The builder's import rule (docs/architecture.md): no circle, and no import up the layers.

Read from the source with `ast`, every import (at the top of a module or inside a function)
between modules of `jdbuilder`, and every import of `jdbuilder` from the catalog app.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from importlib.util import resolve_name
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. A module may import modules of its own layer or of a layer below it; the layer
# of a module is that of the longest prefix listed. Keep in step with docs/architecture.md.
LAYERS: list[tuple[str, ...]] = [
    (
        "jdbuilder.vocabulary",
        "jdbuilder.document",
        "jdbuilder.accounts",
        "jdbuilder.glyphs",
        "jdbuilder.processes",
        "jdbuilder.organization.brand",
        "jdbuilder.organization.lookups",
    ),
    ("jdbuilder.drafts", "jdbuilder.catalog", "jdbuilder.checks", "jdbuilder.templatetags"),
    (
        "jdbuilder.snapshots",
        "jdbuilder.defaults",
        "jdbuilder.organization.proposals",
        "jdbuilder.approvals.flows",
    ),
    (
        "jdbuilder.models",
        "jdbuilder.jobs.models",
        "jdbuilder.imports.models",
        "jdbuilder.organization.models",
        "jdbuilder.approvals.models",
        "jdbuilder.publishing.models",
    ),
    (
        "jdbuilder.documents",
        "jdbuilder.jobs.files",
        "jdbuilder.jobs.progress",
        "jdbuilder.jobs.queue",
        "jdbuilder.organization.content",
        "jdbuilder.organization.blocks",
        "jdbuilder.organization.bands",
        "jdbuilder.organization.logo",
        "jdbuilder.organization.starting",
        "jdbuilder.approvals.queue",
        "jdbuilder.publishing.stamp",
        "jdbuilder.publishing.boards",
        "jdbuilder.publishing.sitemaps",
        "jdbuilder.kits.kit",
        "jdbuilder.kits.render",
        "jdbuilder.insights.charts",
        "jdbuilder.insights.queries",
        "jdbuilder.compliance.evaluate",
    ),
    (
        "jdbuilder.services",
        "jdbuilder.jobs.services",
        "jdbuilder.mail",
        "jdbuilder.imports.services",
        "jdbuilder.exports",
        "jdbuilder.organization.services",
        "jdbuilder.organization.band_import",
        "jdbuilder.approvals.notify",
        "jdbuilder.approvals.services",
        "jdbuilder.approvals.sharing",
        "jdbuilder.approvals.reminders",
        "jdbuilder.publishing.services",
        "jdbuilder.publishing.notify",
        "jdbuilder.publishing.feed_files",
        "jdbuilder.kits.services",
        "jdbuilder.wizard.fix_services",
    ),
    (
        "jdbuilder.wizard",
        "jdbuilder.views",
        "jdbuilder.downloads",
        "jdbuilder.library",
        "jdbuilder.demo",
        "jdbuilder.jobs.tasks",
        "jdbuilder.jobs.views",
        "jdbuilder.health",
        "jdbuilder.notices",
        "jdbuilder.imports",
        "jdbuilder.busy",
        "jdbuilder.exports.views",
        "jdbuilder.exports.urls",
        "jdbuilder.jobs",
        "jdbuilder.organization",
        "jdbuilder.templatetags.organization_updates",
        "jdbuilder.templatetags.approvals",
        "jdbuilder.approvals",
        "jdbuilder.compare_views",
        "jdbuilder.publishing",
        "jdbuilder.templatetags.publishing",
        "jdbuilder.kits",
        "jdbuilder.insights",
        "jdbuilder.compliance",
    ),
    (
        "jdbuilder.urls",
        "jdbuilder.urls_jd",
        "jdbuilder.management",
        "jdbuilder.apps",
        "jdbuilder.celery",
        "jdbuilder.admin",
    ),
]
# Django's own entry points, which nothing imports and which stand outside the layers.
OUTSIDE = ("jdbuilder.settings", "jdbuilder.wsgi", "jdbuilder.asgi", "jdbuilder.migrations")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(source: str, *, package: str) -> set[str]:
    """Every module name an import in `source` may refer to (`from a import b`: a and a.b),
    relative imports resolved against `package`."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = resolve_name("." * node.level + (node.module or ""), package)
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def imports_of(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package=package)


def modules(app: str) -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / app).rglob("*.py"))}


def graph() -> dict[str, set[str]]:
    """jdbuilder module -> the jdbuilder modules it imports (a package counts as its __init__)."""
    known = modules("jdbuilder")
    return {
        name: {target for target in imports_of(path) if target in known and target != name}
        for name, path in known.items()
        if not name.startswith(OUTSIDE)
    }


def layer(name: str) -> int:
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if name == prefix or name.startswith(prefix + ".")
    ]
    assert matches, f"{name} is in no layer: add it to LAYERS here and to docs/architecture.md"
    return max(matches)[1]


def test_every_module_has_a_layer():
    for name in graph():
        if name != "jdbuilder":
            layer(name)


def test_the_import_graph_has_no_circle():
    try:
        list(TopologicalSorter(graph()).static_order())
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


def test_no_module_imports_up_the_layers():
    upward = [
        f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
        for name, targets in graph().items()
        if name != "jdbuilder"
        for target in targets
        if target != "jdbuilder" and layer(target) > layer(name)
    ]
    assert upward == []


def test_the_catalog_app_knows_nothing_of_the_builder():
    found = [
        f"{name} imports {target}"
        for name, path in modules("roles").items()
        for target in imports_of(path)
        if target == "jdbuilder" or target.startswith("jdbuilder.")
    ]
    assert found == []


def test_the_rule_sees_an_upward_import_and_a_circle():
    """The checks above can fail: an import written the wrong way is found."""
    source = "def later():\n    from jdbuilder.wizard.views import X\nfrom . import services\n"
    found = imports_in(source, package="jdbuilder")
    assert "jdbuilder.wizard.views" in found and "jdbuilder.services" in found
    assert layer("jdbuilder.wizard.views") > layer("jdbuilder.models")
    with pytest.raises(CycleError):
        list(TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())
