"""Padan's public Python API: :class:`Padan` on a store, and the main job as :func:`demo`.

``import padan`` re-exports these names; the CLI commands and the web app call them.
"""

from padan.api.demo_run import DEMO_SOURCES, DemoResult, demo
from padan.api.facade import DataChanges, Padan
from padan.api.institutions import InstitutionDesk
from padan.api.jobs import LinkJob, link_job, start_link
from padan.api.reports import institution_sheets, write_report_files
from padan.api.review import ReviewDesk

__all__ = [
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
