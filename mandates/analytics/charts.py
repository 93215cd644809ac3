"""Charts as SVG geometry: curves become path strings once, when a report is built; a template draws them.

The pages' Content-Security-Policy allows no inline style, so the SVG carries no ``style`` attribute or element:
colours and strokes come from classes in our static CSS (``mn-chart`` in manatnet.css and admin-mandates.css),
with presentation attributes as the fallback. Drawing a cached chart costs a template loop over a few strings.
"""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 300
SMALL = (320, 170)
MARGIN = (48, 14, 16, 34)  # left, right, top, bottom


@dataclass(frozen=True)
class Path:
    css: str  # the series' class: which colour
    line: str
    band: str  # "" without an interval
    label: object  # legend text (str or Label)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    paths: tuple
    x_ticks: tuple
    y_ticks: tuple
    x_max: float = 1.0

    def x_of(self, value):
        """The x coordinate of ``value`` on this chart (clipped to its right end): e.g. where a manager stands."""
        return round(self.left + (self.right - self.left) * min(max(value, 0.0), self.x_max) / self.x_max, 1)


class _Scale:
    def __init__(self, size, x_max, y_max):
        width, height = size
        self.left, self.right = MARGIN[0], width - MARGIN[1]
        self.top, self.bottom = MARGIN[2], height - MARGIN[3]
        self.x_max, self.y_max = x_max or 1.0, y_max or 1.0

    def x(self, value):
        return round(self.left + (self.right - self.left) * min(value, self.x_max) / self.x_max, 1)

    def y(self, value):
        return round(self.bottom - (self.bottom - self.top) * min(max(value, 0.0), self.y_max) / self.y_max, 1)


def _step(scale, xs, ys):
    if not xs:
        return ""
    parts = [f"M{scale.x(xs[0])},{scale.y(ys[0])}"]
    for x, y in zip(xs[1:], ys[1:], strict=True):
        parts.append(f"H{scale.x(x)}V{scale.y(y)}")
    return "".join(parts)


def _line(scale, xs, ys):
    return " ".join(
        f"{'M' if i == 0 else 'L'}{scale.x(x)},{scale.y(y)}" for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    )


def _band(scale, xs, lows, highs):
    if not xs:
        return ""
    upper = _step(scale, xs, highs)
    back = [f"L{scale.x(xs[-1])},{scale.y(lows[-1])}"]
    for i in range(len(xs) - 1, 0, -1):
        back.append(f"H{scale.x(xs[i])}V{scale.y(lows[i - 1])}")
    back.append(f"H{scale.x(xs[0])}Z")
    return upper + "".join(back)


@dataclass(frozen=True)
class Series:
    """One curve: x values, y values, optionally a band (lows, highs), its class and its legend label."""

    css: str
    xs: tuple
    ys: tuple
    lows: tuple = ()
    highs: tuple = ()
    label: object = ""


def chart(
    series,
    *,
    x_max,
    x_ticks,
    y_max=1.0,
    y_ticks=(0, 0.25, 0.5, 0.75, 1.0),
    y_format="{:.0%}",
    step=True,
    size=(WIDTH, HEIGHT),
    x_labels=None,
):
    """Geometry of a chart with the given series (step curves by default, straight lines with ``step=False``).

    ``x_labels``: tick labels for ``x_ticks`` (default: the numbers).
    """
    scale = _Scale(size, x_max, y_max)
    draw = _step if step else _line
    paths = tuple(
        Path(
            s.css,
            draw(scale, list(s.xs), list(s.ys)),
            _band(scale, list(s.xs), list(s.lows), list(s.highs)) if s.lows else "",
            s.label,
        )
        for s in series
    )
    labels = x_labels or [f"{t:g}" for t in x_ticks]
    return Chart(
        width=size[0],
        height=size[1],
        left=scale.left,
        right=scale.right,
        top=scale.top,
        bottom=scale.bottom,
        paths=paths,
        x_ticks=tuple(Tick(scale.x(t), label) for t, label in zip(x_ticks, labels, strict=True)),
        y_ticks=tuple(Tick(scale.y(t), y_format.format(t).replace("%", " %")) for t in y_ticks),
        x_max=scale.x_max,
    )
