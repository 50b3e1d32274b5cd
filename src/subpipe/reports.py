"""Reports shared by the CLI and the flows: JSON, CSV and Markdown (HTML reports join later).

Every writer is atomic (`subpipe.fileio`), so a reader of out/ never sees half a report.

Every CSV subpipe writes goes through `csv_text` / `write_csv`, which neutralise formula cells as the
OWASP "CSV Injection" page recommends: subtitle text and file names are other people's input, and a
cell such as ``=HYPERLINK("http://x","y")`` or ``@SUM(1+1)`` would run as a formula when the report is
opened in a spreadsheet. A cell is neutralised when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, or does so after leading whitespace (spreadsheets trim it), full-width ``＝＋－＠``
included: it gets a leading single quote (the spreadsheet convention for "this is text") and is
always written quoted. One exception keeps reports readable: a plain negative number (``-12``,
``-0.5``: a minus, ASCII digits, at most one decimal point) is left as it is, since a numeric literal
can call nothing. ``-Scales`` and ``+1`` are neutralised. Reading the CSV back with Python's `csv`
module gives ``'=HYPERLINK(...)``: the original cell with one quote in front.

>>> print(csv_text([{"text": "=1+1", "shift": -40, "name": "-Scales"}]), end="")
text,shift,name
"'=1+1",-40,"'-Scales"
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from subpipe.cues import format_timecode
from subpipe.errors import Finding
from subpipe.fileio import write_text_atomic

FINDING_COLUMNS = ("path", "line", "position", "start", "end", "severity", "kind", "fixed", "dropped",
                   "message")


def finding_row(f: Finding) -> dict:
    """One finding as a flat row with human timecodes (CSV, table artifacts)."""
    return {
        "path": f.path or "",
        "line": f.line if f.line is not None else "",
        "position": f.position if f.position is not None else "",
        "start": format_timecode(f.start_ms) if f.start_ms is not None else "",
        "end": format_timecode(f.end_ms) if f.end_ms is not None else "",
        "severity": f.severity,
        "kind": f.kind,
        "fixed": f.fixed,  # a CSV writes true/false, as JSON does (`neutralise_cell`)
        "dropped": f.dropped,
        "message": f.message,
    }


_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_PLAIN_NEGATIVE = re.compile(r"-[0-9]+(?:\.[0-9]+)?")
_NEEDS_QUOTES = frozenset(',"\n\r')


def neutralise_cell(value) -> tuple[str, bool]:
    """(text of the cell, whether it was neutralised); None is an empty cell.

    >>> neutralise_cell("@SUM(1+1)"), neutralise_cell("-3.5"), neutralise_cell(" =1"), neutralise_cell("a-b")
    (("'@SUM(1+1)", True), ('-3.5', False), ("' =1", True), ('a-b', False))
    >>> neutralise_cell(False)
    ('false', False)
    """
    if isinstance(value, bool):  # as JSON writes them, in every CSV: an empty cell would read as unknown
        return ("true" if value else "false"), False
    text = "" if value is None else str(value)
    if not text or _PLAIN_NEGATIVE.fullmatch(text):
        return text, False
    if text[0] in _FORMULA_START or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text, True
    return text, False


def restore_cell(text: str) -> str:
    """The cell `neutralise_cell` was given, for a reader of subpipe's own CSVs (a glossary exported as
    CSV reads back unchanged); any other text is returned as it is.

    >>> restore_cell("'-Scales"), restore_cell("'quoted"), restore_cell("-12")
    ('-Scales', "'quoted", '-12')
    """
    if text.startswith("'") and neutralise_cell(text[1:]) == (text, True):
        return text[1:]
    return text


def _csv_cell(value) -> str:
    text, neutralised = neutralise_cell(value)
    if neutralised or any(c in _NEEDS_QUOTES for c in text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(rows: Iterable[Mapping], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV text (a header, then one line per row), every cell neutralised (module docstring).

    `columns` defaults to the keys of the first row; a row lacking a column gets an empty cell. No rows
    and no columns give an empty string.
    """
    rows = list(rows)
    columns = list(columns if columns is not None else (rows[0] if rows else ()))
    if not columns:
        return ""
    lines = [_csv_line(columns)]
    lines += [_csv_line([row.get(c, "") for c in columns]) for row in rows]
    return "\n".join(lines) + "\n"


def _csv_line(values: Sequence) -> str:
    # a lone empty cell is written "" (as the csv module does): an empty line would read as no row
    return ",".join(_csv_cell(v) for v in values) or '""'


def write_csv(path: str | Path, rows: Iterable[Mapping], columns: Sequence[str] | None = None) -> Path:
    """`csv_text` written atomically to `path`."""
    return write_text_atomic(path, csv_text(rows, columns))


def findings_csv(findings: Iterable[Finding]) -> str:
    return csv_text((finding_row(f) for f in findings), FINDING_COLUMNS)


def write_json(path: str | Path, data) -> Path:
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_findings_csv(path: str | Path, findings: Iterable[Finding]) -> Path:
    return write_text_atomic(path, findings_csv(findings))


def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: Sequence[dict], columns: Sequence[str] | None = None, limit: int | None = None) -> str:
    """A GitHub-flavoured Markdown table; with `limit`, a note says how many rows were left out."""
    if not rows:
        return "_none_\n"
    columns = list(columns or rows[0].keys())
    shown = rows if limit is None else rows[:limit]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_cell(r.get(c, "")) for c in columns) + " |" for r in shown]
    if len(shown) < len(rows):
        lines.append(f"\n_{len(rows) - len(shown)} more rows in the full CSV._")
    return "\n".join(lines) + "\n"


def qc_mode_cell(mode: dict | None) -> str:
    """A track's `subpipe.ingest.QCMode` in a table cell: ``bilingual en+es``, ``dual en/es``, ``single en``."""
    if not mode:
        return "single"
    sep = "/" if mode["mode"] == "dual" else "+"
    return " ".join([mode["mode"], sep.join(mode["languages"])]).strip()


def ingest_markdown(summaries: Sequence[dict], errors: Sequence[dict] = ()) -> str:
    """The summary of an ingest run: one row per track, then the files that could not be read."""
    rows = []
    for s in summaries:
        qc = s["qc"]
        repaired = sum(s["reader_findings"].values())
        rows.append({
            "file": Path(s["path"]).name, "format": s["format"], "encoding": s["encoding"],
            "lang": s["lang"] or "?", "cues": s["cues"], "duration": format_timecode(s["duration_ms"]),
            "reader findings": repaired, "QC pass": f"{qc['pass_rate']:.0%}",
            "QC findings": qc["findings"], "QC mode": qc_mode_cell(s.get("qc_mode")),
        })
    text = f"# Ingest: {len(summaries)} track(s) read, {len(errors)} rejected\n\n" + markdown_table(rows)
    if errors:
        text += "\n## Rejected\n\n" + markdown_table(
            [{"file": Path(e["path"]).name, "error": e["text"]} for e in errors])
    return text
