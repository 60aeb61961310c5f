"""What `mkdocs build --strict` (scripts/test) cannot see: the README, and what code cites.

The site build fails on a broken link or anchor between the pages of docs/ and on an API
reference to a name that is gone. These tests cover the rest: the README's links (it is not
part of the site), the ``docs/...`` files that code and tests cite, the ``padan`` commands and
options shown in the README and docs, and the ``padan`` imports of their Python examples.
"""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from markdown.extensions.toc import slugify

from padan.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted([README, *DOCS.rglob("*.md")])

FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _split(text: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Prose lines (outside fenced blocks) and the fenced blocks as (language, lines)."""
    prose: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            blocks.append((match.group(2).lower(), []))
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is not None:
            blocks[-1][1].append(line)
        else:
            prose.append(line)
    return prose, blocks


def _anchors(path: Path) -> set[str]:
    """The ids the toc extension gives the page's headings (first occurrence of each)."""
    prose, _ = _split(path.read_text(encoding="utf-8"))
    anchors = set()
    for line in prose:
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            text = re.sub(r"`([^`]*)`", r"\1", heading.group(1))
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
            anchors.add(slugify(text.replace("*", ""), "-"))
    return anchors


def test_readme_links_resolve() -> None:
    prose, _ = _split(README.read_text(encoding="utf-8"))
    broken = []
    for target in LINK.findall("\n".join(prose)):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (README.parent / path) if path else README
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no heading gives #{anchor}")
    assert not broken, f"README.md has broken links: {broken}"


def test_readme_is_the_front_door() -> None:
    text = README.read_text(encoding="utf-8")
    # .ci/run runs scripts/test; the README says so at the top, with the main job beside it.
    assert "```bash\nscripts/demo     # " in text and "\nscripts/test     # " in text
    assert text.index("## The two commands") < 3000
    assert len(text.splitlines()) <= 250, "the manual belongs in docs/, the README stays short"


def _source_files() -> Iterator[Path]:
    for folder in ("src", "tests", "benchmarks", "scripts", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            text_file = path.suffix in {".py", ".md", ".toml", ".html", ""}
            if path.is_file() and text_file and "__pycache__" not in path.parts:
                yield path
    yield README
    yield ROOT / "mkdocs.yml"
    yield ROOT / "pyproject.toml"


def test_cited_docs_exist() -> None:
    """Every ``docs/NAME.md`` that code, tests or docs cite is in the repository."""
    missing = []
    # The copied brief names files of other repositories; this file names a placeholder.
    others = {DOCS / "domain.md", DOCS / "exchange-format.md", Path(__file__).resolve()}
    for path in _source_files():
        if path in others:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for cited in re.findall(r"(?<![\w./])docs/[\w./-]+\.md", text):
            if not (ROOT / cited).exists():
                missing.append(f"{_rel(path)}: {cited}")
    assert not missing, f"cited documents that do not exist: {missing}"
    # Code cites the domain brief and the exchange format by name ("domain.md §2.2").
    assert (DOCS / "domain.md").exists() and (DOCS / "exchange-format.md").exists()


def test_no_path_outside_the_repository() -> None:
    """The data contract is in docs/; nothing sends a reader to the shared folder beside it."""
    found = []
    for path in _source_files():
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"\.\./shared/|shared/docs/", text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{_rel(path)}:{line}")
    # The copies in docs/ say where they were copied from, once each.
    allowed = {"docs/domain.md:4", "docs/exchange-format.md:5"}
    assert set(found) <= allowed, f"paths outside the repository: {sorted(set(found) - allowed)}"


def _cli() -> Any:
    # Typer's command objects (click's API; Typer may carry its own copy of click).
    return typer.main.get_command(app)


def _padan_commands() -> Iterator[tuple[str, str]]:
    """(where, command line) for every `padan …` shown in a shell block or inline code."""
    for page in PAGES:
        prose, blocks = _split(page.read_text(encoding="utf-8"))
        for language, lines in blocks:
            if language not in {"bash", "sh", "shell", "console"}:
                continue
            for line in lines:
                for part in line.split("|"):
                    yield _rel(page), part
        for line in prose:
            for code in INLINE_CODE.findall(line):
                if code.startswith("padan "):
                    yield _rel(page), code


def _check_command(line: str, root: Any) -> str | None:
    """Why ``line`` is not a valid padan command (None when it is, or is not one)."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        words = line.split()
    while words and re.match(r"^[A-Z_]+=", words[0]):
        words.pop(0)  # PADAN_X=value padan ...
    if not words or Path(words[0]).name != "padan":
        return None
    command = root
    path = ["padan"]
    rest = [w.strip("[]") for w in words[1:]]
    while getattr(command, "commands", None) and rest:
        if rest[0].startswith("-"):  # a group's own option before its command (padan --as X)
            option = rest[0].split("=", 1)[0]
            found = [p for p in command.params if option in p.opts]
            if not found:
                break
            taken = rest.pop(0)
            if "=" not in taken and not getattr(found[0], "is_flag", False) and rest:
                rest.pop(0)
            continue
        name = rest.pop(0)
        sub = command.commands.get(name)
        if sub is None:
            return f"no command {' '.join([*path, name])!r}"
        command, path = sub, [*path, name]
    known = {"--help"}
    for param in command.params:
        known.update(opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--"))
    for word in rest:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            if option not in known:
                return f"{' '.join(path)!r} has no option {option}"
    return None


def test_padan_commands_in_docs_exist() -> None:
    root = _cli()
    wrong = []
    for where, line in _padan_commands():
        problem = _check_command(line, root)
        if problem:
            wrong.append(f"{where}: {line.strip()} ({problem})")
    assert not wrong, "commands in the docs that padan does not have:\n" + "\n".join(wrong)


def _python_imports() -> Iterator[tuple[str, str, str | None]]:
    for page in PAGES:
        _, blocks = _split(page.read_text(encoding="utf-8"))
        for language, lines in blocks:
            if language not in {"python", "py", "pycon"}:
                continue
            tree = ast.parse("\n".join(lines))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("padan"):
                    for alias in node.names:
                        yield _rel(page), node.module or "", alias.name
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("padan"):
                            yield _rel(page), alias.name, None


@pytest.mark.parametrize(
    ("page", "module", "name"),
    sorted(set(_python_imports()), key=lambda t: (t[0], t[1], t[2] or "")),
)
def test_python_examples_import(page: str, module: str, name: str | None) -> None:
    imported = importlib.import_module(module)
    if name is not None and not hasattr(imported, name):
        importlib.import_module(f"{module}.{name}")  # a submodule; raises when there is none


def test_check_command_catches_mistakes() -> None:
    root = _cli()
    assert _check_command("padan link --full --json", root) is None
    assert _check_command("PADAN_LINKAGE_ENGINE=spark padan link", root) is None
    assert _check_command("padan institutions inspections list [--lembaga X]", root) is None
    assert _check_command("padan lnk", root) is not None
    assert _check_command("padan --as rina review decide A B same --reason r", root) is None
    assert _check_command("padan --as rina review decide A B same --nope", root) is not None
    assert _check_command("padan link --fulll", root) is not None
    assert _check_command("echo padan link --fulll", root) is None
