"""Reports of a `FlagReport`: JSON (everything), Markdown (for people), CSV (one row per item).

`write_reports(report, out)` writes one file when `out` ends in ``.json``, ``.md`` or ``.csv``, and all
three (``<stem>.terms.json/.md/.csv``) when `out` is a folder. Writes are atomic.
"""

import json
from pathlib import Path

from subpipe.fileio import write_text_atomic
from subpipe.reports import csv_text, markdown_table
from subpipe.terms.discover import group_candidates
from subpipe.terms.flag import ROW_COLUMNS, FlagReport

FORMATS = {".json": "json", ".md": "markdown", ".csv": "csv"}


def report_json(report: FlagReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def report_csv(report: FlagReport) -> str:
    """One row per QA problem, hit and candidate; formula cells neutralised (`subpipe.reports.csv_text`)."""
    return csv_text(report.rows(), ROW_COLUMNS)


def report_markdown(report: FlagReport, *, limit: int = 200, csv_path: str | None = None) -> str:
    """The summary, hits by term, candidates by kind and QA problems; tables cut at `limit` rows."""
    s = report.summary()
    name = Path(s["source"]).name if s["source"] else "track"
    lines = [f"# Culture-specific terms: {name} ({s['lang']})", "",
             f"Glossary `{Path(s['glossary']).name if s['glossary'] else '-'}`: {s['glossary_entries']} entries in "
             f"{s['lang']}. spaCy: {s['pipeline']}.", ""]
    qa = s["qa"]
    overview = {"cues": s["cues"], "glossary hits": s["hits"], "terms found": s["terms_found"],
                "candidates": s["candidates"], "distinct candidates": s["distinct_candidates"]}
    if qa:
        overview |= {"QA target": Path(qa["target"]).name if qa["target"] else "-", "QA checked": qa["checked"],
                     "QA passed": qa["passed"], "QA errors": qa["errors"],
                     "unaligned": qa["by_status"]["unaligned"], "unchecked": qa["by_status"]["unchecked"]}
    lines += [markdown_table([overview])]
    if csv_path:
        lines += [f"Full table (every row): `{csv_path}`", ""]
    if report.qa:
        problems = [r.to_dict() for r in report.qa.results if r.status != "ok"]
        lines += [f"## Term QA against {qa['lang']}", ""]
        lines += [markdown_table([{"status": p["status"], "term": p["term"], "source": p["source_start"],
                                   "source cues": " ".join(map(str, p["source_positions"])),
                                   "target cues": " ".join(map(str, p["target_positions"])),
                                   "message": p["message"]} for p in problems], limit=limit)]
    by_term: dict[int, dict] = {}
    for h in report.hits:
        row = by_term.setdefault(id(h.entry), {"term": h.entry.term, "category": h.entry.category, "count": 0,
                                               "first at": h.timecode().split(" ")[0],
                                               "do not translate": "yes" if h.entry.do_not_translate else "",
                                               "forms seen": []})
        row["count"] += 1
        if h.text not in row["forms seen"]:
            row["forms seen"].append(h.text)
    hit_rows = [r | {"forms seen": ", ".join(r["forms seen"])} for r in by_term.values()]
    lines += ["## Glossary terms found", "", markdown_table(hit_rows, limit=limit)]
    groups = group_candidates(report.candidates)
    lines += ["## Candidates the glossary lacks", "",
              markdown_table([{"text": g["text"], "category": g["category"], "action": g["action"],
                               "count": g["count"], "first at": g["first_start"],
                               "why": g["reason"] + (f" ({g['suggestion']})" if g["suggestion"] else "")}
                              for g in groups], limit=limit)]
    if report.glossary.findings:
        lines += ["## Glossary notes", ""] + [f"- {f}" for f in report.glossary.findings] + [""]
    return "\n".join(lines)


def output_paths(report: FlagReport, out: str | Path) -> dict[str, Path]:
    """Where `write_reports` writes: one file for a .json/.md/.csv name, all three for a folder."""
    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt and not out.is_dir():
        return {fmt: out}
    src = Path(report.source.path or "track")
    stem = src.name[: -len(src.suffix)] if src.suffix else src.name
    return {"json": out / f"{stem}.terms.json", "markdown": out / f"{stem}.terms.md", "csv": out / f"{stem}.terms.csv"}


def write_reports(report: FlagReport, out: str | Path) -> dict[str, Path]:
    paths = output_paths(report, out)
    written = {}
    if "csv" in paths:
        written["csv"] = write_text_atomic(paths["csv"], report_csv(report))
    if "json" in paths:
        written["json"] = write_text_atomic(paths["json"], report_json(report))
    if "markdown" in paths:
        csv_path = str(paths["csv"].resolve()) if "csv" in paths else None
        written["markdown"] = write_text_atomic(paths["markdown"], report_markdown(report, csv_path=csv_path))
    return written
