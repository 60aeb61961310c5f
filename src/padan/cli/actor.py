"""Who the CLI acts as when it changes accounts: the local operator.

Audit rows name ``cli:<login name>`` with the admin role: whoever can run the CLI against the
store can already change the store directly.
"""

from __future__ import annotations

import getpass

from padan.access.policy import Principal, get_role

__all__ = ["operator"]


def operator() -> Principal:
    """The principal the CLI acts as: ``cli:<login name>`` with the admin role."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        name = "unknown"
    return Principal(f"cli:{name}", get_role("admin"), None)
