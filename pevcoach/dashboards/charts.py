"""Charts drawn on the server as inline SVG: a few KB each, no chart library sent to the phone.

Each function takes plain values and returns markup ready for a template. Every chart carries
`role="img"` and a `<title>` (its accessible name); pages pair each one with a table of the same
figures (`<details>`), so nothing is only in a picture. Colours come from classes styled in
app.css, which keeps the markup small and lets the print style change them.
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _n(x):
    """A coordinate with at most one decimal, without trailing zeros: the bytes count on 2G."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(body, *, title, width, height, css):
    # Every piece of text in `body` went through escape() where it was made.
    return mark_safe(  # noqa: S308
        f'<svg class="{css}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>")


def _segments(points):
    """Runs of consecutive known points: a month without data breaks the line."""
    runs, current = [], []
    for point in points:
        if point is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    return runs


def _polylines(points, css=""):
    attr = f' class="{css}"' if css else ""
    return "".join(f'<polyline{attr} points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in run)}"/>'
                   for run in _segments(points) if len(run) > 1)


def sparkline(values, *, title, width=100, height=24):
    """A small line of a series (oldest first; None for a month without data), the last point marked."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span, pad = (high - low) or 1, 3
    step = width / max(len(values) - 1, 1)
    points = [None if v is None else (i * step, pad + (height - 2 * pad) * (1 - (v - low) / span))
              for i, v in enumerate(values)]
    x, y = next(p for p in reversed(points) if p is not None)
    body = _polylines(points) + f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5"/>'
    return _svg(body, title=title, width=width, height=height, css="spark")


def _ticks(labels, most=6):
    """Indexes of the labels to print along the x axis: at most `most`, always the last."""
    step = max(1, math.ceil(len(labels) / most))
    return set(range(len(labels) - 1, -1, -step))


def _tick(x, y, text, *, last):
    """An x-axis label; the last one ends at its point so that it stays inside the picture."""
    anchor = "end" if last else "middle"
    return f'<text x="{_n(x)}" y="{y}" text-anchor="{anchor}">{escape(text)}</text>'


def stacked_bars(labels, stacks, *, title, width=320, height=150):
    """Bars per label, each split into stacks: [(css class, [value per label])]."""
    left, bottom, top = 22, 18, 8
    totals = [sum(values[i] for _css, values in stacks) for i in range(len(labels))]
    peak = max(totals + [1])
    plot_w, plot_h = width - left - 4, height - bottom - top
    slot = plot_w / max(len(labels), 1)
    parts = [f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}"/>',
             f'<text x="{left - 3}" y="{top + 4}" text-anchor="end">{peak}</text>',
             f'<text x="{left - 3}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, label in enumerate(labels):
        base = top + plot_h
        for css, values in stacks:
            if values[i]:
                h = plot_h * values[i] / peak
                base -= h
                parts.append(f'<rect class="{css}" x="{_n(left + i * slot + slot * 0.15)}" y="{_n(base)}" '
                             f'width="{_n(slot * 0.7)}" height="{_n(h)}"/>')
        if i in _ticks(labels):
            last = i == len(labels) - 1
            parts.append(_tick(left + (i + 1 if last else i + 0.5) * slot, height - 4, label, last=last))
    return _svg("".join(parts), title=title, width=width, height=height, css="chart")


def line_chart(labels, lines, *, title, marker=None, marker_label="", width=320, height=160):
    """Lines over the same labels: [(css class, [value or None per label])]; `marker` an index to mark."""
    known = [v for _css, values in lines for v in values if v is not None]
    if not known:
        return ""
    left, bottom, top = 30, 18, 10
    low, high = math.floor(min(known)), math.ceil(max(known))
    span = (high - low) or 1
    plot_w, plot_h = width - left - 6, height - bottom - top
    step = plot_w / max(len(labels) - 1, 1)

    def at(i, v):
        return left + i * step, top + plot_h * (1 - (v - low) / span)

    parts = [f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - 6}" y2="{top + plot_h}"/>',
             f'<text x="{left - 3}" y="{top + 4}" text-anchor="end">{high}</text>',
             f'<text x="{left - 3}" y="{top + plot_h}" text-anchor="end">{low}</text>']
    if marker is not None:
        x = left + marker * step
        anchor, dx = ("end", -3) if x > width * 0.6 else ("start", 3)
        parts.append(f'<line class="marker" x1="{_n(x)}" y1="{top}" x2="{_n(x)}" y2="{top + plot_h}"/>'
                     f'<text x="{_n(x + dx)}" y="{top + 8}" text-anchor="{anchor}">{escape(marker_label)}</text>')
    for css, values in lines:
        parts.append(_polylines([None if v is None else at(i, v) for i, v in enumerate(values)], css))
    for i in _ticks(labels):
        parts.append(_tick(left + i * step, height - 4, labels[i], last=i == len(labels) - 1))
    return _svg("".join(parts), title=title, width=width, height=height, css="chart lines")


# --- The gap map ---------------------------------------------------------------------------------

def _rings(geometry):
    """The outer and inner rings of a GeoJSON Polygon or MultiPolygon, as lists of (lon, lat)."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[(float(lon), float(lat)) for lon, lat, *_rest in ring] for polygon in polygons for ring in polygon]


class Projection:
    """Longitude and latitude to SVG pixels: equirectangular, squeezed by cos(latitude) so that
    shapes keep their proportions at Mali's latitudes; fitted to the width, north up."""

    def __init__(self, lonlats, *, width, max_height, pad=10):
        lons, lats = [p[0] for p in lonlats], [p[1] for p in lonlats]
        self.k = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.x0, self.y0 = min(lons) * self.k, max(lats)
        dx, dy = (max(lons) - min(lons)) * self.k, max(lats) - min(lats)
        self.scale = min((width - 2 * pad) / (dx or 1), (max_height - 2 * pad) / (dy or 1))
        if not dx and not dy:
            self.scale = 1
        self.pad = pad
        self.width = width
        self.height = min(max_height, dy * self.scale + 2 * pad)

    def __call__(self, lon, lat):
        return self.pad + (lon * self.k - self.x0) * self.scale, self.pad + (self.y0 - lat) * self.scale


def _outline_path(rings, project):
    parts = []
    for ring in rings:
        kept = []
        for lon, lat in ring:
            x, y = project(lon, lat)
            if not kept or abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= 1.5:  # under a pixel or so: skip
                kept.append((x, y))
        if len(kept) > 2:
            parts.append("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in kept) + "Z")
    return "".join(parts)


def gap_map(points, outlines=(), *, title, width=340, max_height=420):
    """Facilities as dots at their coordinates, each a link with its own title; area outlines behind.

    points: [{"lon", "lat", "href", "label", "css"}]; outlines: GeoJSON geometries (Polygon, MultiPolygon).
    """
    if not points:
        return ""
    rings = [_rings(geometry) for geometry in outlines]
    corners = [(p["lon"], p["lat"]) for p in points] + [pt for group in rings for ring in group for pt in ring]
    project = Projection(corners, width=width, max_height=max_height)
    parts = [f'<path class="outline" d="{d}"/>' for group in rings if (d := _outline_path(group, project))]
    for p in points:
        x, y = project(p["lon"], p["lat"])
        parts.append(f'<a href="{escape(p["href"])}"><circle class="{p["css"]}" cx="{_n(x)}" cy="{_n(y)}" r="7">'
                     f'<title>{escape(p["label"])}</title></circle></a>')
    return _svg("".join(parts), title=title, width=width, height=project.height, css="map")
