"""Griffe extension for the API pages: Sphinx roles in docstrings as plain code.

The docstrings cite other objects the Sphinx way (:func:`padan.x.y`, :class:`~Store`), which
Markdown would show with the role's colons. Each becomes inline code with the name as written
(without a leading ``~``). Loaded by mkdocs.yml (mkdocstrings' python handler, ``extensions``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|data|attr|exc|obj|const):`~?([^`]+)`")


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`name``` to ```name``` in every docstring as it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(r"`\1`", obj.docstring.value)
