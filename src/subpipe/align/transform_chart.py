"""The transform chart of an alignment: the fitted map (target time -> source time) as line
segments, each link's start as a dot, so a wrong fit or a missed cut shows as dots leaving the line.

The left margin is computed from the widest time label, so the rotated axis title sits clear of the
tick labels (it used to overlap the middle one).
"""

from dataclasses import dataclass

from subpipe.align.svg import LOW, colour, esc, text_width
from subpipe.cues import format_timecode

TICK_FONT, AXIS_FONT = 11, 12
BOTTOM = 66  # room under the plot for the time labels and the axis title
TICK_GAP = 6  # between a tick label and the plot frame
FRACTIONS = (0, 0.25, 0.5, 0.75, 1)


@dataclass(frozen=True)
class Plot:
    """Where the plot area sits in the chart, and the data ranges it shows."""

    w: int
    h: int
    left: float
    x0: float
    x1: float
    y0: float
    y1: float

    def px(self, t: float) -> float:
        return self.left + (t - self.x0) / max(self.x1 - self.x0, 1) * (self.w - self.left - 16)

    def py(self, t: float) -> float:
        return self.h - BOTTOM + 10 - (t - self.y0) / max(self.y1 - self.y0, 1) * (self.h - BOTTOM - 20)


def _label(ms: float) -> str:
    return format_timecode(int(ms))[:8]


def _left_margin(y0: float, y1: float) -> float:
    """Room for the axis title (one line, rotated), a gap, the widest tick label and its gap."""
    widest = max(text_width(_label(y0 + f * (y1 - y0)), TICK_FONT) for f in FRACTIONS)
    return 4 + AXIS_FONT + 6 + widest + TICK_GAP


def _link_points(alignment) -> list[tuple[int, int, float]]:
    src = alignment.source.by_position()
    tgt = alignment.target.by_position()
    return [(min(tgt[p].start for p in lk.target), min(src[p].start for p in lk.source), lk.confidence)
            for lk in alignment.links]


def _plot(alignment, points, size: tuple[int, int]) -> Plot:
    segments = alignment.transform.segments
    seg_pts = [(s.start_ms, s.apply(s.start_ms)) for s in segments] + [(s.end_ms, s.apply(s.end_ms))
                                                                      for s in segments]
    xs = [p[0] for p in points] + [p[0] for p in seg_pts] + [0]
    ys = [p[1] for p in points] + [p[1] for p in seg_pts] + [0]
    y0, y1 = min(ys), max(ys) or 1
    return Plot(*size, _left_margin(y0, y1), min(xs), max(xs) or 1, y0, y1)


def _frame_and_ticks(plot: Plot) -> list[str]:
    out = [f'<rect x="{plot.left:.1f}" y="10" width="{plot.w - plot.left - 16:.1f}" height="{plot.h - BOTTOM - 10}" '
           'fill="#fbfcfd" stroke="#d5dae1"/>']
    for frac in FRACTIONS:
        tx, ty = plot.x0 + frac * (plot.x1 - plot.x0), plot.y0 + frac * (plot.y1 - plot.y0)
        anchor = {0: "start", 1: "end"}.get(frac, "middle")
        out.append(
            f'<text x="{plot.px(tx):.1f}" y="{plot.h - BOTTOM + 26}" font-size="{TICK_FONT}" '
            f'text-anchor="{anchor}" fill="#5b6575">{_label(tx)}</text>'
            f'<text x="{plot.left - TICK_GAP:.1f}" y="{plot.py(ty) + 4:.1f}" font-size="{TICK_FONT}" '
            f'text-anchor="end" fill="#5b6575">{_label(ty)}</text>'
        )
    return out


def _identity_line(plot: Plot) -> list[str]:
    lo, hi = max(plot.x0, plot.y0), min(plot.x1, plot.y1)
    if hi <= lo:
        return []
    return [f'<line x1="{plot.px(lo):.1f}" y1="{plot.py(lo):.1f}" x2="{plot.px(hi):.1f}" y2="{plot.py(hi):.1f}" '
            'stroke="#98a2b3" stroke-dasharray="4 4"><title>identity (no change)</title></line>']


def _segment_lines(transform, plot: Plot) -> list[str]:
    out = []
    for s in transform.segments:
        label = esc(f"target {format_timecode(s.start_ms)}-{format_timecode(s.end_ms)}: source = "
                    f"{s.scale:.6f} x target {s.offset_ms:+.0f} ms")
        out.append(
            f'<line x1="{plot.px(s.start_ms):.1f}" y1="{plot.py(s.apply(s.start_ms)):.1f}" '
            f'x2="{plot.px(s.end_ms):.1f}" y2="{plot.py(s.apply(s.end_ms)):.1f}" stroke="#7a5af8" '
            f'stroke-width="2.5"><title>{label}</title></line>'
        )
    return out


def _axis_titles(plot: Plot) -> str:
    # The y title's baseline: one font height right of the chart's edge, so the rotated glyphs
    # (which rise to the left of their baseline) stay inside the left margin.
    x_title = 4 + AXIS_FONT * 0.8
    mid = plot.h / 2
    return (f'<text x="{(plot.w + plot.left) / 2:.0f}" y="{plot.h - 6}" font-size="{AXIS_FONT}" '
            f'text-anchor="middle">target time</text><text x="{x_title:.1f}" y="{mid:.0f}" '
            f'font-size="{AXIS_FONT}" text-anchor="middle" transform="rotate(-90 {x_title:.1f} {mid:.0f})">'
            "source time</text>")


def transform_svg(alignment, size: tuple[int, int] = (640, 380)) -> str:
    """The fitted transform (target time -> source time) with each link's start as a dot."""
    points = _link_points(alignment)
    plot = _plot(alignment, points, size)
    dots = [f'<circle cx="{plot.px(t):.1f}" cy="{plot.py(y):.1f}" r="{3.5 if c < LOW else 2.2}" '
            f'fill="{colour(c)}"/>' for t, y, c in points]
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{plot.w}" height="{plot.h}" '
        f'viewBox="0 0 {plot.w} {plot.h}" role="img" aria-label="fitted transform">',
        *_frame_and_ticks(plot),
        *_identity_line(plot),
        *_segment_lines(alignment.transform, plot),
        *dots,
        _axis_titles(plot),
        "</svg>",
    ])
