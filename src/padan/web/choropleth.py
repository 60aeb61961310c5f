"""The province map of the dashboard: the shipped boundaries drawn as inline SVG, coloured by
one indicator (a choropleth).

The boundaries are ``static/geo/indonesia-38-provinces.geojson`` (CC BY 4.0, see the README
next to it; :data:`ATTRIBUTION` is shown under every map). They are projected once per process
with a plain equirectangular projection: Indonesia straddles the equator, so degrees of
longitude and latitude are nearly the same length there and no scaling by latitude is needed.
The figures come from :func:`padan.services.figures.province_figures`, already suppressed and
scoped; this module only draws them.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

__all__ = ["ATTRIBUTION", "GEOJSON", "Shape", "choropleth", "shapes"]

#: The boundaries file inside the package (served under /static/geo/ as well).
GEOJSON: Final = "static/geo/indonesia-38-provinces.geojson"
#: Shown under every map (the licence asks for it).
ATTRIBUTION: Final = {
    "text": "Province boundaries: Indonesia GeoJSON & TopoJSON Maps (38 Provinces), "
    "denyherianto/indonesia-geojson-topojson-maps-with-38-provinces",
    "source": "https://github.com/denyherianto/indonesia-geojson-topojson-maps-with-38-provinces",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "notes": "/static/geo/README.md",
}
#: Drawing width in SVG units; the height follows the country's shape.
WIDTH: Final = 1000
#: At most this many colour classes (plus one for 0); the CSS has a colour for each.
CLASSES: Final = 5

Ring = list[list[float]]


@dataclass(frozen=True)
class Shape:
    """One province as an SVG path (``d``) in a ``WIDTH`` x ``height`` drawing."""

    code: str
    name: str
    d: str
    box: tuple[float, float, float, float]  # left, top, right, bottom


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


@cache
def shapes() -> tuple[tuple[Shape, ...], int]:
    """Every province's path, sorted by code, and the drawing's height."""
    text = (resources.files("padan.web") / GEOJSON).read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    points = [
        pt for f in features for poly in _polygons(f["geometry"]) for ring in poly for pt in ring
    ]
    west = min(p[0] for p in points)
    east = max(p[0] for p in points)
    south = min(p[1] for p in points)
    north = max(p[1] for p in points)
    scale = WIDTH / (east - west)
    out = []
    for f in features:
        parts = []
        xs: list[float] = []
        ys: list[float] = []
        for poly in _polygons(f["geometry"]):
            for ring in poly:
                xy: list[tuple[float, float]] = []
                for lon, lat in ring:
                    pt = (round((lon - west) * scale, 1), round((north - lat) * scale, 1))
                    if not xy or xy[-1] != pt:  # points that fall together at this scale
                        xy.append(pt)
                if len(xy) >= 3:
                    parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in xy) + "Z")
                    xs.extend(x for x, _ in xy)
                    ys.extend(y for _, y in xy)
        props = f["properties"]
        box = (min(xs), min(ys), max(xs), max(ys))
        out.append(Shape(str(props["kode_wilayah"]), str(props["PROVINSI"]), "".join(parts), box))
    out.sort(key=lambda s: s.code)
    return tuple(out), round((north - south) * scale)


def _classes(values: list[float]) -> list[tuple[float, float]]:
    """Up to :data:`CLASSES` ranges ``(low, high)`` of positive values, by quantiles, each
    spanning the values that fall in it (no empty class, no overlap)."""
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    n = min(CLASSES, len(set(ordered)))
    highs = sorted(
        {ordered[min(len(ordered) - 1, -(-len(ordered) * i // n) - 1)] for i in range(1, n + 1)}
    )
    out = []
    low_index = 0
    for high in highs:
        members = [v for v in ordered[low_index:] if v <= high]
        if members:
            out.append((members[0], members[-1]))
            low_index += len(members)
    return out


def _view(drawn: tuple[Shape, ...], height: int, focus: Collection[str] | None) -> str:
    """The SVG viewBox: the whole country, or the provinces of ``focus`` with their
    surroundings (a margin of half their size, at least a tenth of the country's width)."""
    boxes = [s.box for s in drawn if focus and s.code in focus]
    if not boxes:
        return f"0 0 {WIDTH} {height}"
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    margin = max((right - left) / 2, (bottom - top) / 2, WIDTH / 10)
    left, top = max(0.0, left - margin), max(0.0, top - margin)
    right, bottom = min(WIDTH, right + margin), min(height, bottom + margin)
    return f"{left:g} {top:g} {right - left:g} {bottom - top:g}"


def choropleth(
    figures: dict[str, Any], *, measure: str = "count", focus: Collection[str] | None = None
) -> dict[str, Any]:
    """The map of :func:`~padan.services.figures.province_figures`: one entry per province
    (path, colour class, figures, whether it links to its regencies) and the legend.

    ``measure`` is ``"count"`` or ``"rate"`` (the percent of the denominator; an indicator
    without one is drawn by count). Suppressed cells get the class ``supp``; provinces without
    figures (no children there, or outside the user's scope) the class ``none``. ``focus``
    (province codes, e.g. a regional user's) zooms the drawing onto those provinces.
    """
    rate = measure == "rate" and figures.get("denominator") is not None
    provinces: dict[str, dict[str, Any]] = figures.get("provinces", {})

    def number(f: dict[str, Any]) -> float | None:
        v = f["percent"] if rate else f["value"]
        return v if isinstance(v, int | float) and not isinstance(v, bool) else None

    values = [v for f in provinces.values() if (v := number(f)) is not None]
    classes = _classes(values)
    drawn, height = shapes()
    items = []
    for shape in drawn:
        f = provinces.get(shape.code)
        if f is None:
            css = "none"
        elif (v := number(f)) is None:
            css = "supp"
        elif v == 0:
            css = "q0"
        else:
            at = next(i for i, (_, high) in enumerate(classes) if v <= high)
            css = f"q{at + 1}"
        v = number(f) if f is not None else None
        items.append(
            {
                "code": shape.code,
                "name": shape.name,
                "d": shape.d,
                "css": css,
                "figures": f,
                # largest first, then hidden cells (1-4), then zeros
                "sort_key": (0 if v else 2 if v == 0 else 1, -(v or 0), shape.name),
            }
        )
    legend = [
        {"css": f"q{i + 1}", "low": low, "high": high} for i, (low, high) in enumerate(classes)
    ]
    return {
        "measure": "rate" if rate else "count",
        "width": WIDTH,
        "height": height,
        "view": _view(drawn, height, focus),
        "provinces": items,
        "legend": legend,
        "zero": any(number(f) == 0 for f in provinces.values()),
        "suppressed": any(number(f) is None for f in provinces.values()),
        "none": any(shape.code not in provinces for shape in drawn),
        "attribution": ATTRIBUTION,
    }
