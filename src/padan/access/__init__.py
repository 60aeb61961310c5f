"""Who asks and what they may do, for every entry point: the data-sharing policy
(:mod:`~padan.access.policy`, ``policy.toml``, the PKS), the principals behind a password,
session, API token or local CLI user (:mod:`~padan.access.auth`), and the checks every service
applies before it answers (:mod:`~padan.access.authorise`: permission, regional scope, audit).

The CLI, the web pages and the JSON API call the same services (:mod:`padan.services`), which
call these; no entry point decides who may see what.
"""

__all__: list[str] = []
