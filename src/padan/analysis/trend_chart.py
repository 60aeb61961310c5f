"""A trend line as inline SVG, drawn on the server (the dashboard and the HTML report).

Accessible: the ``<svg>`` is an image named by its title and a summary of its points; the same
figures are in a table beside it (the caller renders it from the same
:class:`~padan.analysis.trend_view.TrendRow`). Hidden cells (``<5``) and unknown ones are not
drawn: the line breaks there, so a chart never gives back what the table hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from padan.analysis.trend_view import TrendCell

__all__ = ["trend_svg"]

_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 16, 56


def _ticks(peak: int) -> list[int]:
    """Up to five round values from 0 to at least ``peak``."""
    if peak <= 4:
        return list(range(0, max(peak, 1) + 1))
    step = 1
    while peak / step > 4:
        for factor in (2, 5, 10):
            if peak / (step * factor) <= 4:
                step *= factor
                break
        else:
            step *= 10
    return list(range(0, peak + step, step))[:6]


def trend_svg(
    *,
    title: str,
    x_title: str,
    y_title: str,
    labels: Sequence[str],
    values: Sequence[TrendCell],
    ident: str,
    width: int = 560,
    height: int = 240,
) -> str:
    """The SVG markup of a line through ``values`` (one per point ``labels``), with both axes
    titled. ``ident`` makes the element ids unique on the page."""
    numbers = [v if isinstance(v, int) and not isinstance(v, bool) else None for v in values]
    peak = max([n for n in numbers if n is not None] or [0])
    ticks = _ticks(peak)
    top = ticks[-1] or 1
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return round(_LEFT + (plot_w * (i + 0.5) / count), 1)

    def y(v: int) -> float:
        return round(_TOP + plot_h - plot_h * v / top, 1)

    summary = "; ".join(
        f"{lab}: {'–' if v is None else v}" for lab, v in zip(labels, values, strict=True)
    )
    parts = [
        f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(summary)}</desc>',
    ]
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{y(tick)}" y2="{y(tick)}"/>'
            f'<text class="tick" x="{_LEFT - 6}" y="{y(tick) + 4}" text-anchor="end">{tick}</text>'
        )
    for i, lab in enumerate(labels):
        parts.append(
            f'<text class="tick" x="{x(i)}" y="{_TOP + plot_h + 16}" '
            f'text-anchor="middle">{escape(lab)}</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, n in enumerate(numbers):
        if n is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i)},{y(n)}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline class="line" fill="none" points="{" ".join(seg)}"/>')
    for i, n in enumerate(numbers):
        if n is not None:
            parts.append(
                f'<circle class="dot" cx="{x(i)}" cy="{y(n)}" r="4">'
                f"<title>{escape(labels[i])}: {n}</title></circle>"
            )
    parts += [
        f'<text class="axis" x="{_LEFT + plot_w / 2}" y="{height - 8}" '
        f'text-anchor="middle">{escape(x_title)}</text>',
        f'<text class="axis" x="14" y="{_TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_TOP + plot_h / 2})">{escape(y_title)}</text>',
        f'<line class="axis-line" x1="{_LEFT}" x2="{width - _RIGHT}" '
        f'y1="{_TOP + plot_h}" y2="{_TOP + plot_h}"/>',
        "</svg>",
    ]
    return "".join(parts)
