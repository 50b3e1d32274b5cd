"""Reports shared by the CLI and the flows: JSON, CSV and Markdown (HTML reports join later).

Every writer is atomic (`subpipe.fileio`), so a reader of out/ never sees half a report.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence
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
        "fixed": "yes" if f.fixed else "",
        "dropped": "yes" if f.dropped else "",
        "message": f.message,
    }


def findings_csv(findings: Iterable[Finding]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FINDING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in findings:
        writer.writerow(finding_row(f))
    return buf.getvalue()


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
            "QC findings": qc["findings"],
        })
    text = f"# Ingest: {len(summaries)} track(s) read, {len(errors)} rejected\n\n" + markdown_table(rows)
    if errors:
        text += "\n## Rejected\n\n" + markdown_table(
            [{"file": Path(e["path"]).name, "error": e["text"]} for e in errors])
    return text
