"""Command line interface (Typer + Rich). Thin: parse, call the library once, render."""

__all__: list[str] = []
