"""The routes: server-rendered pages and their ``/api/v1`` JSON twins.

Each takes who is asking, CSRF and rendering from :mod:`padan.web.deps` and calls one service
of :mod:`padan.services`.
"""

__all__: list[str] = []
