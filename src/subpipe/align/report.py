"""A self-contained HTML picture of an alignment: what a person opens to check it.

One file, no scripts, no external CSS or fonts: a summary, the timeline chart
(`subpipe.align.timeline_chart`: both tracks on the source clock, links as bands coloured by
confidence), the transform chart (`subpipe.align.transform_chart`: the fitted map with each link's
start as a dot) and a table of the lowest-confidence links. Cues are named by their 1-based number,
and the page says so; a track inside the report's folder (or the film's folder the caller names, `root`)
is named relative to the report's folder, one outside it by its file name alone (as deliver's manifest
names files), so a report moved with its files, or sent to someone else, names no folder of the machine
that made it (no ``../../..`` climbing out of the film's folder).
"""

import os
from pathlib import Path

from subpipe.align.svg import LOW, cue_numbers, esc
from subpipe.align.timeline_chart import timeline_svg
from subpipe.align.transform_chart import transform_svg
from subpipe.paths import display_path

__all__ = ["LOW", "render_report", "timeline_svg", "transform_svg", "write_report"]

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

CUE_NUMBERS_NOTE = ("Cues are numbered from 1 in the order of their file (cue 1 is the first); links.json "
                    "names the same cues by position, counted from 0.")

# The link table: (header, key of `Alignment.link_rows`); cue columns show 1-based numbers.
_COLUMNS = (("confidence", "confidence"), ("type", "type"), ("source cue no.", "source"),
            ("target cue no.", "target"), ("source start", "source_start"), ("overlap", "overlap"),
            ("length", "length"), ("lexical", "lexical"), ("source text", "source_text"),
            ("target text", "target_text"))


def _summary_rows(s: dict, folder: str | os.PathLike | None,
                  root: str | os.PathLike | None) -> list[tuple[str, str]]:
    src, tgt = s["source"], s["target"]
    return [
        ("source", f"{display_path(src['path'], folder, 'source', root=root)} ({src['lang'] or '?'}, "
                   f"{src['cues']} cues)"),
        ("target", f"{display_path(tgt['path'], folder, 'target', root=root)} ({tgt['lang'] or '?'}, "
                   f"{tgt['cues']} cues)"),
        ("transform", s["transform"]),
        ("fit", f"speech overlap score {s['fit_score']:.3f}, median residual of confident matches "
                f"{s['residual_ms'] if s['residual_ms'] is not None else '-'} ms"),
        ("links", f"{s['links']} ({', '.join(f'{k}: {v}' for k, v in s['link_types'].items()) or 'none'})"),
        ("unaligned", f"{s['unaligned_source']} source cues, {s['unaligned_target']} target cues"),
        ("confidence", f"mean {s['mean_confidence'] if s['mean_confidence'] is not None else '-'}; "
                       f"{s['low_confidence']} links below {LOW}"),
    ]


def _cell(key: str, value) -> str:
    if key in ("source", "target"):  # link_rows gives "3,4": positions
        value = cue_numbers(int(p) for p in str(value).split(",") if p)
    css = "num low" if key == "confidence" and value < LOW else ""
    return f'<td class="{css}">{esc(str(value))}</td>'


def _link_table(alignment) -> str:
    rows = alignment.link_rows()
    rows = [r for r in rows if r["confidence"] < LOW][:100] or rows[:10]
    header = "".join(f"<th>{esc(name)}</th>" for name, _ in _COLUMNS)
    body = "".join("<tr>" + "".join(_cell(key, r[key]) for _, key in _COLUMNS) + "</tr>" for r in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


_LEGEND = (
    '<p class="legend"><span><i class="sw" style="background:#12b76a"></i>confidence >= 0.8</span>'
    '<span><i class="sw" style="background:#f79009"></i>0.5-0.8</span>'
    f'<span><i class="sw" style="background:#d92d20"></i>below {LOW} (thick)</span>'
    '<span><i class="sw" style="background:#475467"></i>linked cue</span>'
    '<span><i class="sw" style="background:#c0c5cf"></i>unaligned cue (hatched)</span>'
    '<span><i class="sw" style="background:#7a5af8"></i>cut / fitted transform</span></p>'
)


def render_report(alignment, title: str | None = None, *, folder: str | os.PathLike | None = None,
                  root: str | os.PathLike | None = None) -> str:
    """The whole HTML page for `alignment`; tracks inside `root` (default: `folder`) are named relative
    to `folder` (the report's own folder), others, and all without a `folder`, by file name alone."""
    s = alignment.summary()
    title = title or (f"Alignment: {display_path(s['source']['path'], None, 'source')} -> "
                      f"{display_path(s['target']['path'], None, 'target')}")
    summary = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in _summary_rows(s, folder, root or folder))
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>'
        f'<body><h1>{esc(title)}</h1><p class="muted">Made by subpipe. Hover a bar or a link for its text. '
        f'{esc(CUE_NUMBERS_NOTE)}</p><table>{summary}</table><h2>Timeline</h2>{_LEGEND}'
        f'<div class="scroll">{timeline_svg(alignment)}</div><h2>Fitted transform</h2><p class="muted">'
        "Each segment maps target time to source time; dots are link starts (red: low confidence).</p>"
        f"{transform_svg(alignment)}<h2>Lowest-confidence links</h2>{_link_table(alignment)}</body></html>\n"
    )


def write_report(alignment, path: str | os.PathLike, title: str | None = None, *,
                 root: str | os.PathLike | None = None) -> Path:
    """The report at `path`; a track outside `root` (default: the report's folder) named by its file name."""
    from subpipe.fileio import write_text_atomic

    return write_text_atomic(path, render_report(alignment, title, folder=Path(path).parent, root=root))
