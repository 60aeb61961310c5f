"""The use cases every entry point (CLI, pages, JSON API) calls, with the policy and the audit
applied: who may do it (:mod:`padan.access`), what they see of it, and the audit row.

One module per use case: children (search, profile, explanation, export), review (the queue and
the two-reviewer rule), dashboard, ingest, runs, audit, figures (indicators and worklists),
institutions, inspections, institution duplicates and accounts. :mod:`padan.access.authorise`
holds what they share: permission, regional scope, the audit row and the two errors.
"""

__all__: list[str] = []
