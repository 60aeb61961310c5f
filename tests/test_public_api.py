"""The public API's names are pinned: adding or removing one is a decision, made here."""

from __future__ import annotations

import subprocess
import sys

import padan
import padan.api

PADAN = [
    "BusyError",
    "DataChanges",
    "DemoResult",
    "IngestSummary",
    "InputError",
    "Padan",
    "PadanError",
    "RunSummary",
    "Settings",
    "StoreError",
    "__version__",
    "demo",
    "get_settings",
]
API = [
    "DEMO_SOURCES",
    "DataChanges",
    "DemoResult",
    "InstitutionDesk",
    "LinkJob",
    "Padan",
    "ReviewDesk",
    "demo",
    "institution_sheets",
    "link_job",
    "start_link",
    "write_report_files",
]


def test_the_names_of_padan_are_pinned() -> None:
    assert padan.__all__ == PADAN
    assert all(getattr(padan, name) is not None for name in padan.__all__)
    assert padan.Padan is padan.api.Padan and padan.demo is padan.api.demo


def test_the_names_of_padan_api_are_pinned() -> None:
    assert padan.api.__all__ == API
    assert all(getattr(padan.api, name) is not None for name in padan.api.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        padan.Nothing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "Nothing" in str(exc)
    else:
        raise AssertionError("padan.Nothing should not exist")


def test_importing_a_lower_layer_does_not_load_the_facade() -> None:
    """``import padan.errors`` (every module's first import runs padan/__init__) stays cheap:
    the facade, and the linkage and store it brings, load on first use of padan.Padan."""
    code = (
        "import sys, padan.errors, padan.settings\n"
        "print(sorted(m for m in ('padan.api', 'padan.linkage', 'sqlalchemy') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
