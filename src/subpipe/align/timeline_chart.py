"""The timeline chart of an alignment: both tracks as bars on the source clock, links as bands.

The source track is drawn on its own clock, the target mapped onto it by the fitted transform; each
link is a band between its source and target bars, coloured by confidence (below `LOW` thick and
red, drawn on top); unaligned cues are hatched grey; cuts found by the fit are dashed lines.
Hovering a bar or a band shows cue numbers, timecodes and text (SVG ``<title>``).
"""

import math
from dataclasses import dataclass

from subpipe.align.svg import LOW, colour, cue_numbers, esc
from subpipe.cues import Cue, format_timecode

MAX_WIDTH_PX = 60_000
ROW_SOURCE, ROW_TARGET, BAR_H = 50, 190, 34
HEIGHT = 270
TICK_LABEL_Y = 264

_HATCH = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
          'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e7ec"/>'
          '<line x1="0" y1="0" x2="0" y2="6" stroke="#98a2b3" stroke-width="2"/></pattern></defs>')


@dataclass(frozen=True)
class TimeScale:
    """Source-clock milliseconds -> x pixels, with 2 s of margin either side of the cues."""

    t0: int
    t1: int
    px_per_ms: float

    @classmethod
    def spanning(cls, times: list[int]) -> "TimeScale":
        t0 = max(0, min(times, default=0) - 2_000)
        t1 = max(times, default=1_000) + 2_000
        return cls(t0, t1, min(0.02, max(0.002, MAX_WIDTH_PX / max(t1 - t0, 1))))

    @property
    def width(self) -> int:
        return int((self.t1 - self.t0) * self.px_per_ms) + 40

    def x(self, t: float) -> float:
        return 20 + (t - self.t0) * self.px_per_ms


def tick_step(span_s: float) -> int:
    """Seconds between time ticks: at most 40 ticks over the chart."""
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span_s / step <= 40:
            return step
    return 7200


def _cue_title(lang: str, cue: Cue, start: int, end: int) -> str:
    return esc(f"{lang} cue {cue.position + 1}  {format_timecode(start)} --> {format_timecode(end)}\n{cue.plain}")


def _time_ticks(scale: TimeScale) -> list[str]:
    step = tick_step((scale.t1 - scale.t0) / 1000)
    first = int(math.ceil(scale.t0 / 1000 / step) * step)
    return [
        f'<line x1="{scale.x(s * 1000):.1f}" y1="20" x2="{scale.x(s * 1000):.1f}" y2="250" stroke="#eef0f3"/>'
        f'<text x="{scale.x(s * 1000) + 2:.1f}" y="{TICK_LABEL_Y}" font-size="11" fill="#5b6575">'
        f"{format_timecode(s * 1000)[:8]}</text>"
        for s in range(first, int(scale.t1 / 1000) + 1, step)
    ]


def _row_labels(src_lang: str, tgt_lang: str) -> str:
    return (f'<text x="22" y="{ROW_SOURCE - 8}" font-size="12" font-weight="600">{esc(src_lang)} '
            f'(source clock)</text><text x="22" y="{ROW_TARGET + BAR_H + 16}" font-size="12" '
            f'font-weight="600">{esc(tgt_lang)} (mapped onto the source clock)</text>')


def _cut_lines(transform, scale: TimeScale) -> list[str]:
    return [
        f'<line x1="{scale.x(seg.apply(seg.start_ms)):.1f}" y1="{ROW_TARGET - 20}" '
        f'x2="{scale.x(seg.apply(seg.start_ms)):.1f}" y2="{ROW_TARGET + BAR_H + 4}" '
        f'stroke="#7a5af8" stroke-width="2" stroke-dasharray="6 4"><title>cut: offset '
        f"{seg.offset_ms:+.0f} ms from target {format_timecode(seg.start_ms)}</title></line>"
        for seg in transform.segments[1:]
    ]


def _link_band(link, s_cues: list[Cue], t_cues: list[Cue], t_iv: list[tuple[int, int]],
               scale: TimeScale) -> str:
    sa, sb = scale.x(min(c.start for c in s_cues)), scale.x(max(c.end for c in s_cues))
    ta, tb = scale.x(min(a for a, _ in t_iv)), scale.x(max(b for _, b in t_iv))
    low = link.confidence < LOW
    fill = colour(link.confidence)
    title = esc(
        f"{link.kind} link, confidence {link.confidence:.2f} (overlap {link.overlap:.2f}, length "
        f"{link.length:.2f}, lexical {link.lexical:.2f})\nsource cue {cue_numbers(link.source)}: "
        + " / ".join(c.plain for c in s_cues)
        + f"\ntarget cue {cue_numbers(link.target)}: "
        + " / ".join(c.plain for c in t_cues)
    )
    return (f'<polygon points="{sa:.1f},{ROW_SOURCE + BAR_H} {sb:.1f},{ROW_SOURCE + BAR_H} '
            f'{tb:.1f},{ROW_TARGET} {ta:.1f},{ROW_TARGET}" fill="{fill}" '
            f'fill-opacity="{0.55 if low else 0.22}" stroke="{fill}" '
            f'stroke-width="{2.5 if low else 0.6}"><title>{title}</title></polygon>')


def _link_bands(alignment, mapped: dict[int, tuple[int, int]], scale: TimeScale) -> list[str]:
    src_by_pos = alignment.source.by_position()
    tgt_by_pos = alignment.target.by_position()
    return [
        _link_band(link, [src_by_pos[p] for p in link.source], [tgt_by_pos[p] for p in link.target],
                   [mapped[p] for p in link.target], scale)
        for link in sorted(alignment.links, key=lambda lk: -lk.confidence)  # low confidence on top
    ]


def _cue_bars(cues: list[Cue], row: int, linked: set[int], lang: str, interval, scale: TimeScale) -> list[str]:
    bars = []
    for c in cues:
        a, b = interval(c)
        fill = "#475467" if c.position in linked else "url(#hatch)"
        bars.append(
            f'<rect x="{scale.x(a):.1f}" y="{row}" width="{max(scale.x(b) - scale.x(a), 1.5):.1f}" '
            f'height="{BAR_H}" rx="2" fill="{fill}"><title>{_cue_title(lang, c, a, b)}'
            f"{'' if c.position in linked else ' (unaligned)'}</title></rect>"
        )
    return bars


def timeline_svg(alignment) -> str:
    """Both tracks on the source clock with the links between them, as one SVG element."""
    src_cues = list(alignment.source.cues)
    tgt_cues = list(alignment.target.cues)
    mapped = {c.position: alignment.transform.map_interval(c.start, c.end) for c in tgt_cues}
    scale = TimeScale.spanning([t for c in src_cues for t in (c.start, c.end)]
                               + [t for iv in mapped.values() for t in iv])
    src_lang = alignment.source.lang or "source"
    tgt_lang = alignment.target.lang or "target"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{scale.width}" height="{HEIGHT}" '
        f'viewBox="0 0 {scale.width} {HEIGHT}" role="img" aria-label="alignment timeline">',
        _HATCH,
        *_time_ticks(scale),
        _row_labels(src_lang, tgt_lang),
        *_cut_lines(alignment.transform, scale),
        *_link_bands(alignment, mapped, scale),
        *_cue_bars(src_cues, ROW_SOURCE, {p for lk in alignment.links for p in lk.source}, src_lang,
                   lambda c: (c.start, c.end), scale),
        *_cue_bars(tgt_cues, ROW_TARGET, {p for lk in alignment.links for p in lk.target}, tgt_lang,
                   lambda c: mapped[c.position], scale),
        "</svg>",
    ]
    return "".join(parts)
