"""Ingestion: read an agency extract, validate every row, store it as one atomic batch."""

from padan.ingest.declared import SourceAdded, add_source, declared_extracts
from padan.ingest.definitions import EXTRACTS, TEMPLATES, extract_for, parse_definition
from padan.ingest.pipeline import IngestSummary, ingest_file
from padan.ingest.schema import Extract
from padan.ingest.snapshot import Snapshot, check_scope

__all__ = [
    "EXTRACTS",
    "TEMPLATES",
    "Extract",
    "IngestSummary",
    "Snapshot",
    "SourceAdded",
    "add_source",
    "check_scope",
    "declared_extracts",
    "extract_for",
    "ingest_file",
    "parse_definition",
]
