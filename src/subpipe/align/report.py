"""A self-contained HTML picture of an alignment: what a person opens to check it.

One file, no scripts, no external CSS or fonts: a summary, then both tracks as bars on one time axis
(the source on its own clock, the target mapped onto it by the fitted transform), each link drawn as
a band between its source and target bars, coloured by confidence, with links below `LOW` drawn
thick and red and listed in a table; cues left unaligned are hatched grey; cuts found by the fit are
dashed lines. A second chart plots the fitted transform (target time -> source time) with every
link's start as a dot, so a wrong fit or a missed cut shows as dots leaving the line. Hovering a
bar or a link shows its positions, timecodes and text (SVG ``<title>``).
"""

import html
import math
import os
from pathlib import Path

from subpipe.cues import Cue, format_timecode

LOW = 0.5
MAX_WIDTH_PX = 60_000
ROW_SOURCE, ROW_TARGET, BAR_H = 50, 190, 34

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2430;
background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.muted{color:#5b6575} table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #d5dae1;padding:4px 8px;text-align:left;vertical-align:top} th{background:#f3f5f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;border:1px solid #d5dae1;border-radius:6px;background:#fbfcfd}
.legend span{display:inline-block;margin-right:16px} .sw{display:inline-block;width:14px;height:10px;
margin-right:5px;vertical-align:middle;border-radius:2px}
.low{color:#b42318;font-weight:600}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _colour(confidence: float) -> str:
    if confidence < LOW:
        return "#d92d20"
    if confidence < 0.8:
        return "#f79009"
    return "#12b76a"


def _tick_step(span_s: float) -> int:
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span_s / step <= 40:
            return step
    return 7200


def _cue_title(lang: str, cue: Cue, start: int, end: int) -> str:
    return _esc(f"{lang} #{cue.position}  {format_timecode(start)} --> {format_timecode(end)}\n{cue.plain}")


def timeline_svg(alignment) -> str:
    """Both tracks on the source clock with the links between them, as one SVG element."""
    transform = alignment.transform
    src_cues = list(alignment.source.cues)
    tgt_cues = list(alignment.target.cues)
    mapped = {c.position: transform.map_interval(c.start, c.end) for c in tgt_cues}
    times = [c.start for c in src_cues] + [c.end for c in src_cues]
    times += [t for iv in mapped.values() for t in iv]
    t0 = max(0, min(times, default=0) - 2_000)
    t1 = max(times, default=1_000) + 2_000
    px_per_ms = min(0.02, max(0.002, MAX_WIDTH_PX / max(t1 - t0, 1)))
    width = int((t1 - t0) * px_per_ms) + 40

    def x(t: float) -> float:
        return 20 + (t - t0) * px_per_ms

    linked_s = {p for link in alignment.links for p in link.source}
    linked_t = {p for link in alignment.links for p in link.target}
    src_lang = alignment.source.lang or "source"
    tgt_lang = alignment.target.lang or "target"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="270" '
        f'viewBox="0 0 {width} 270" role="img" aria-label="alignment timeline">',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e7ec"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#98a2b3" stroke-width="2"/></pattern></defs>',
    ]
    step = _tick_step((t1 - t0) / 1000)
    first_tick = math.ceil(t0 / 1000 / step) * step
    for s in range(int(first_tick), int(t1 / 1000) + 1, step):
        xs = x(s * 1000)
        parts.append(
            f'<line x1="{xs:.1f}" y1="20" x2="{xs:.1f}" y2="250" stroke="#eef0f3"/>'
            f'<text x="{xs + 2:.1f}" y="264" font-size="11" fill="#5b6575">'
            f"{format_timecode(s * 1000)[:8]}</text>"
        )
    parts.append(
        f'<text x="22" y="{ROW_SOURCE - 8}" font-size="12" font-weight="600">{_esc(src_lang)} '
        f'(source clock)</text><text x="22" y="{ROW_TARGET + BAR_H + 16}" font-size="12" '
        f'font-weight="600">{_esc(tgt_lang)} (mapped onto the source clock)</text>'
    )
    for seg in transform.segments[1:]:
        xs = x(seg.apply(seg.start_ms))
        parts.append(
            f'<line x1="{xs:.1f}" y1="{ROW_TARGET - 20}" x2="{xs:.1f}" y2="{ROW_TARGET + BAR_H + 4}" '
            f'stroke="#7a5af8" stroke-width="2" stroke-dasharray="6 4"><title>cut: offset '
            f"{seg.offset_ms:+.0f} ms from target {format_timecode(seg.start_ms)}</title></line>"
        )
    src_by_pos = alignment.source.by_position()
    tgt_by_pos = alignment.target.by_position()
    for link in sorted(alignment.links, key=lambda lk: -lk.confidence):  # low confidence drawn on top
        s_cues = [src_by_pos[p] for p in link.source]
        t_iv = [mapped[p] for p in link.target]
        sa, sb = x(min(c.start for c in s_cues)), x(max(c.end for c in s_cues))
        ta, tb = x(min(a for a, _ in t_iv)), x(max(b for _, b in t_iv))
        low = link.confidence < LOW
        colour = _colour(link.confidence)
        title = _esc(
            f"{link.kind} link, confidence {link.confidence:.2f} (overlap {link.overlap:.2f}, length "
            f"{link.length:.2f}, lexical {link.lexical:.2f})\nsource {link.source}: "
            + " / ".join(c.plain for c in s_cues)
            + f"\ntarget {link.target}: "
            + " / ".join(tgt_by_pos[p].plain for p in link.target)
        )
        parts.append(
            f'<polygon points="{sa:.1f},{ROW_SOURCE + BAR_H} {sb:.1f},{ROW_SOURCE + BAR_H} '
            f'{tb:.1f},{ROW_TARGET} {ta:.1f},{ROW_TARGET}" fill="{colour}" '
            f'fill-opacity="{0.55 if low else 0.22}" stroke="{colour}" '
            f'stroke-width="{2.5 if low else 0.6}"><title>{title}</title></polygon>'
        )
    for cues, row, linked, lang, iv_of in (
        (src_cues, ROW_SOURCE, linked_s, src_lang, lambda c: (c.start, c.end)),
        (tgt_cues, ROW_TARGET, linked_t, tgt_lang, lambda c: mapped[c.position]),
    ):
        for c in cues:
            a, b = iv_of(c)
            fill = "#475467" if c.position in linked else "url(#hatch)"
            parts.append(
                f'<rect x="{x(a):.1f}" y="{row}" width="{max(x(b) - x(a), 1.5):.1f}" height="{BAR_H}" '
                f'rx="2" fill="{fill}"><title>{_cue_title(lang, c, a, b)}'
                f"{'' if c.position in linked else ' (unaligned)'}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def transform_svg(alignment, size: tuple[int, int] = (640, 380)) -> str:
    """The fitted transform (target time -> source time) with each link's start as a dot."""
    w, h = size
    pad = 66
    transform = alignment.transform
    src = alignment.source.by_position()
    tgt = alignment.target.by_position()
    points = [
        (min(tgt[p].start for p in lk.target), min(src[p].start for p in lk.source), lk.confidence)
        for lk in alignment.links
    ]
    seg_pts = [(s.start_ms, s.apply(s.start_ms)) for s in transform.segments]
    seg_pts += [(s.end_ms, s.apply(s.end_ms)) for s in transform.segments]
    xs = [p[0] for p in points] + [p[0] for p in seg_pts] + [0]
    ys = [p[1] for p in points] + [p[1] for p in seg_pts] + [0]
    x0, x1 = min(xs), max(xs) or 1
    y0, y1 = min(ys), max(ys) or 1

    def px(t: float) -> float:
        return pad + (t - x0) / max(x1 - x0, 1) * (w - pad - 16)

    def py(t: float) -> float:
        return h - pad + 10 - (t - y0) / max(y1 - y0, 1) * (h - pad - 20)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'role="img" aria-label="fitted transform">',
        f'<rect x="{pad}" y="10" width="{w - pad - 16}" height="{h - pad - 10}" fill="#fbfcfd" '
        'stroke="#d5dae1"/>',
    ]
    for frac in (0, 0.25, 0.5, 0.75, 1):
        tx, ty = x0 + frac * (x1 - x0), y0 + frac * (y1 - y0)
        anchor = {0: "start", 1: "end"}.get(frac, "middle")
        out.append(
            f'<text x="{px(tx):.1f}" y="{h - pad + 26}" font-size="11" text-anchor="{anchor}" '
            f'fill="#5b6575">{format_timecode(int(tx))[:8]}</text>'
            f'<text x="{pad - 6}" y="{py(ty) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#5b6575">{format_timecode(int(ty))[:8]}</text>'
        )
    lo, hi = max(x0, y0), min(x1, y1)
    if hi > lo:
        out.append(
            f'<line x1="{px(lo):.1f}" y1="{py(lo):.1f}" x2="{px(hi):.1f}" y2="{py(hi):.1f}" '
            'stroke="#98a2b3" stroke-dasharray="4 4"><title>identity (no change)</title></line>'
        )
    for s in transform.segments:
        label = _esc(
            f"target {format_timecode(s.start_ms)}-{format_timecode(s.end_ms)}: source = "
            f"{s.scale:.6f} x target {s.offset_ms:+.0f} ms"
        )
        out.append(
            f'<line x1="{px(s.start_ms):.1f}" y1="{py(s.apply(s.start_ms)):.1f}" x2="{px(s.end_ms):.1f}" '
            f'y2="{py(s.apply(s.end_ms)):.1f}" stroke="#7a5af8" stroke-width="2.5"><title>{label}'
            "</title></line>"
        )
    for t, y, c in points:
        out.append(
            f'<circle cx="{px(t):.1f}" cy="{py(y):.1f}" r="{3.5 if c < LOW else 2.2}" fill="{_colour(c)}"/>'
        )
    out.append(
        f'<text x="{(w + pad) / 2:.0f}" y="{h - 6}" font-size="12" text-anchor="middle">target time'
        f'</text><text x="14" y="{h / 2:.0f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {h / 2:.0f})">source time</text></svg>'
    )
    return "".join(out)


def render_report(alignment, title: str | None = None) -> str:
    """The whole HTML page for `alignment`."""
    s = alignment.summary()
    src, tgt = s["source"], s["target"]
    title = (
        title or f"Alignment: {Path(src['path'] or 'source').name} -> {Path(tgt['path'] or 'target').name}"
    )
    rows = [
        ("source", f"{src['path']} ({src['lang'] or '?'}, {src['cues']} cues)"),
        ("target", f"{tgt['path']} ({tgt['lang'] or '?'}, {tgt['cues']} cues)"),
        ("transform", s["transform"]),
        (
            "fit",
            f"speech overlap score {s['fit_score']:.3f}, median residual of confident matches "
            f"{s['residual_ms'] if s['residual_ms'] is not None else '-'} ms",
        ),
        ("links", f"{s['links']} ({', '.join(f'{k}: {v}' for k, v in s['link_types'].items()) or 'none'})"),
        ("unaligned", f"{s['unaligned_source']} source cues, {s['unaligned_target']} target cues"),
        (
            "confidence",
            f"mean {s['mean_confidence'] if s['mean_confidence'] is not None else '-'}; "
            f"{s['low_confidence']} links below {LOW}",
        ),
    ]
    summary = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(str(v))}</td></tr>" for k, v in rows)
    low = alignment.link_rows()
    low = [r for r in low if r["confidence"] < LOW][:100] or low[:10]
    cols = (
        "confidence",
        "type",
        "source",
        "target",
        "source_start",
        "overlap",
        "length",
        "lexical",
        "source_text",
        "target_text",
    )
    table = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num low" if c == "confidence" and r[c] < LOW else ""}">{_esc(str(r[c]))}</td>'
            for c in cols
        )
        + "</tr>"
        for r in low
    )
    legend = (
        '<p class="legend"><span><i class="sw" style="background:#12b76a"></i>confidence >= 0.8</span>'
        '<span><i class="sw" style="background:#f79009"></i>0.5-0.8</span>'
        f'<span><i class="sw" style="background:#d92d20"></i>below {LOW} (thick)</span>'
        '<span><i class="sw" style="background:#475467"></i>linked cue</span>'
        '<span><i class="sw" style="background:#c0c5cf"></i>unaligned cue (hatched)</span>'
        '<span><i class="sw" style="background:#7a5af8"></i>cut / fitted transform</span></p>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>'
        f'<body><h1>{_esc(title)}</h1><p class="muted">Made by subpipe. Hover a bar or a link for its text.'
        f'</p><table>{summary}</table><h2>Timeline</h2>{legend}<div class="scroll">{timeline_svg(alignment)}'
        f'</div><h2>Fitted transform</h2><p class="muted">Each segment maps target time to source time; dots '
        f"are link starts (red: low confidence).</p>{transform_svg(alignment)}"
        f"<h2>Lowest-confidence links</h2><table><tr>{''.join(f'<th>{c}</th>' for c in cols)}</tr>{table}"
        "</table></body></html>\n"
    )


def write_report(alignment, path: str | os.PathLike, title: str | None = None) -> Path:
    from subpipe.fileio import write_text_atomic

    return write_text_atomic(path, render_report(alignment, title))
