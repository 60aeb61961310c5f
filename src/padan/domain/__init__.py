"""Domain rules: pure functions for Indonesian identifiers, regions, dates, names and code lists.

Nothing here touches files other than the reference tables shipped inside this package.
"""

__all__: list[str] = []
