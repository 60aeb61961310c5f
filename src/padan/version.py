"""Padan's version, stamped on what it writes (batches); :mod:`padan` re-exports it.

A module of its own so that the layers below the public API can read it without importing the
package's top, which sits above them all.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
