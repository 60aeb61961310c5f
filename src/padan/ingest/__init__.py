"""Ingestion: read an agency extract, validate every row, store it as one atomic batch."""

from padan.ingest.pipeline import IngestSummary, ingest_file
from padan.ingest.schema import EXTRACTS, Extract, extract_for
from padan.ingest.snapshot import Snapshot, check_scope

__all__ = [
    "EXTRACTS",
    "Extract",
    "IngestSummary",
    "Snapshot",
    "check_scope",
    "extract_for",
    "ingest_file",
]
