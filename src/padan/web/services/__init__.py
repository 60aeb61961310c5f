"""What the pages, the API and the exports ask for, with the policy and the audit applied.

One module per use case: children (search, profile, explanation, export), review (the queue and
the two-reviewer rule), dashboard, ingest, runs, audit, figures (indicators and worklists),
institutions, inspections and institution duplicates. :mod:`~padan.web.services.access` holds
what they share: permission, regional scope, the audit row and the two errors.
"""

__all__: list[str] = []
