"""The house plan (docs/architecture.md) as tests: what the root of the package holds, that every
package has a place in the import layers, and that blueprints are made one way."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from pathlib import Path

from flask import Blueprint

import backrun
from backrun import PROJECT_ROOT

PACKAGE = Path(backrun.__file__).parent
ROOT_MODULES = {"__init__", "config", "extensions"}


def _layers() -> list[set[str]]:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [{name.strip() for name in layer.replace(":", "|").split("|")} for layer in contract["layers"]]


def _packages() -> set[str]:
    return {info.name for info in pkgutil.iter_modules([str(PACKAGE)]) if info.ispkg}


def test_the_root_keeps_only_the_app_factory_config_and_extensions():
    modules = {info.name for info in pkgutil.iter_modules([str(PACKAGE)]) if not info.ispkg}
    assert modules == ROOT_MODULES - {"__init__"}


def test_every_package_has_one_place_in_the_layers():
    placed = [name for layer in _layers() for name in layer]
    assert sorted(placed) == sorted(set(placed)), "a package is in two layers"
    assert set(placed) == _packages()


def test_blueprints_are_made_in_their_package_init_and_named_after_it():
    found = {}
    for name in sorted(_packages()):
        bp = getattr(importlib.import_module(f"backrun.{name}"), "bp", None)
        if isinstance(bp, Blueprint):
            found[name] = bp
            assert bp.name == name
            assert bp.import_name == f"backrun.{name}"
    assert set(found) == {"accounts", "api", "logbook", "push", "pwa", "training", "venues", "web"}


def test_template_folders_are_named_like_blueprints(app):
    folders = {p.name for p in (PROJECT_ROOT / "templates").iterdir() if p.is_dir()}
    # errors/: pages any blueprint (or none) answers with, from backrun/platform/errors.py
    assert folders - {"errors"} <= set(app.blueprints)
    loose = {p.name for p in (PROJECT_ROOT / "templates").iterdir() if p.is_file()}
    assert loose == {"base.html"}  # the layout every page extends


def _import_cycles() -> list[tuple[str, str]]:
    """Pairs of modules that import each other, directly or through others. A package's
    `__init__` importing its own view modules after making `bp` (Flask's pattern for larger
    applications) is left out: the views import the package for `bp`, and that loop is by design."""
    import grimp

    graph = grimp.build_graph("backrun")
    for package in graph.modules:
        for child in graph.find_children(package):
            if graph.direct_import_exists(importer=package, imported=child):
                graph.remove_import(importer=package, imported=child)
    return sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )


def test_no_module_imports_itself_through_others():
    assert _import_cycles() == []
