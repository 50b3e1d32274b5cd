"""Culture-specific terms: glossaries, matching on lemmas across cues, discovery, term QA::

    from subpipe.terms import load_glossary, flag_track
    report = flag_track(track, load_glossary("samples/glossary/films.csv"))

Modules: `model` (Glossary, GlossaryEntry, the entry limit), `glossary` (the loader registry: CSV, TSV,
JSON, and TBX from `tbx`, the TBX reader and checks), `match` (passages and the term index), `discover` (what the glossary lacks), `qa` (the target against the glossary), `flag`
(all of it on one track) and `report` (JSON, Markdown, CSV).
"""

from subpipe.terms.discover import Candidate, discover, discover_terms, group_candidates
from subpipe.terms.flag import FlagReport, flag_file, flag_track
from subpipe.terms.glossary import load_glossary, register_loader
from subpipe.terms.match import TermHit, analyze_track, build_passages, find_terms, match_track
from subpipe.terms.model import CATEGORIES, Glossary, GlossaryEntry, make_entry, max_entries
from subpipe.terms.qa import QAResult, TermQA, check_terms, load_links
from subpipe.terms.report import report_csv, report_json, report_markdown, write_reports

__all__ = ["CATEGORIES", "Candidate", "FlagReport", "Glossary", "GlossaryEntry", "QAResult", "TermHit", "TermQA",
           "analyze_track", "build_passages", "check_terms", "discover", "discover_terms", "find_terms", "flag_file",
           "flag_track", "group_candidates", "load_glossary", "load_links", "make_entry", "match_track", "max_entries",
           "register_loader", "report_csv", "report_json", "report_markdown", "write_reports"]
