"""Staff review of culture-specific terms: what to ask, the decisions, where they are kept, how they apply.

After flagging, a film's review items are the culture-specific candidates the glossary lacks and the
glossary terms an existing translation contradicts (term QA errors against a reference track), each with
its cues (positions) and timecodes. Per term, a person decides:

=============  ===========================================================================================
``keep``       do not translate: the term is protected and comes out verbatim
``translate``  translate as the given rendering: protected and rendered so
``adapt``      replace by a cultural substitute (the rendering): protected and rendered so
``ignore``     not protected: machine translation handles it like any other words
=============  ===========================================================================================

`apply_decisions` turns decisions into glossary entries (the glossary's own model: ``do_not_translate``
and approved translations), so the existing glossary protection (`subpipe.translate.protect`) honours
them; the input glossary is left unchanged.

Decisions are stored per film, in the film's output folder: ``<out>/<Title>/review/decisions.json``
(written atomically; each decision with who and when, in UTC). A later run of the same film into the same
output folder applies the stored decisions and asks only about terms nobody has decided yet. The latest
decision on a term replaces earlier ones. `merge_into_glossary` folds decisions into a project glossary
(TBX or CSV, both readable by `subpipe.terms.load_glossary`) when someone asks for it
(``subpipe review merge``).

`run_review` is the one review sequence; who asks is a function given to it (`ask`): the Prefect flow
asks through a paused run's form (``flows/review.py``), CLI and batch runs ask nobody and reuse what is
stored (`reuse_decisions`).

>>> from subpipe.terms.glossary import Glossary
>>> d = Decision("Nooooo", "keep", who="ana", when="2026-01-01T00:00:00Z")
>>> g = apply_decisions(Glossary(), [d], "en", ["es"])
>>> [(e.term, e.do_not_translate) for e in g.entries]
[('Nooooo', True)]
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from subpipe.cues import format_timecode
from subpipe.errors import ErrorCode, SubpipeError
from subpipe.fileio import check_input_file, read_json_input, write_text_atomic
from subpipe.reports import csv_text
from subpipe.terms.discover import group_candidates
from subpipe.terms.glossary import (
    CATEGORIES,
    Glossary,
    GlossaryEntry,
    load_glossary,
    make_entry,
    normalize_tag,
    same_language,
)

ACTIONS = ("keep", "translate", "adapt", "ignore")
RENDERED = ("translate", "adapt")
STATUSES = ("reviewed", "reused", "timed-out", "nothing-to-review", "skipped")
STORE = Path("review") / "decisions.json"
_QA_CONFLICTS = ("missing", "forbidden", "dnt-altered")


def utc_now() -> str:
    """The current time as ISO 8601 in UTC, to the second (``2026-12-02T18:05:09Z``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- what to ask ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Occurrence:
    """Where a term is said: the cues (positions) and their time span."""

    positions: tuple[int, ...]
    start_ms: int
    end_ms: int
    text: str

    def timecode(self) -> str:
        return f"{format_timecode(self.start_ms)} --> {format_timecode(self.end_ms)}"

    def to_dict(self) -> dict:
        return {"positions": list(self.positions), "start": format_timecode(self.start_ms),
                "end": format_timecode(self.end_ms), "start_ms": self.start_ms, "end_ms": self.end_ms,
                "text": self.text}


@dataclass
class ReviewItem:
    """One term to decide: a ``candidate`` the glossary lacks, or a glossary ``conflict``."""

    term: str
    kind: str  # "candidate" | "conflict"
    category: str
    reason: str
    occurrences: list[Occurrence]
    entry: GlossaryEntry | None = None

    @property
    def key(self) -> str:
        return term_key(self.term)

    def cues(self) -> list[int]:
        return sorted({p for o in self.occurrences for p in o.positions})

    def default_action(self, target_langs: Sequence[str] = ()) -> str:
        """What the glossary does with the term when nobody decides (a candidate: nothing)."""
        if self.entry is None:
            return "ignore"
        if self.entry.do_not_translate:
            return "keep"
        langs = target_langs or list(self.entry.translations)
        return "translate" if any(self.entry.approved(lang) for lang in langs) else "ignore"

    def default_rendering(self, lang: str) -> str:
        approved = self.entry.approved(lang) if self.entry is not None else []
        return approved[0] if approved else ""

    def describe(self, limit: int = 6) -> str:
        """``cues 3, 43 at 00:00:12,000 --> 00:00:14,500; 00:03:01,000 --> ...``: where to look."""
        shown = "; ".join(o.timecode() for o in self.occurrences[:limit])
        more = f" (+{len(self.occurrences) - limit} more)" if len(self.occurrences) > limit else ""
        return f"cues {', '.join(map(str, self.cues()))} at {shown}{more}"

    def to_dict(self) -> dict:
        return {"term": self.term, "kind": self.kind, "category": self.category, "reason": self.reason,
                "cues": self.cues(), "occurrences": [o.to_dict() for o in self.occurrences],
                "default_action": self.default_action(),
                "glossary_entry": self.entry.id or self.entry.term if self.entry is not None else None}


def term_key(term: str) -> str:
    """Terms are decided case- and space-insensitively: ``Freaked  Out`` and ``freaked out`` are one."""
    return " ".join(term.casefold().split())


def with_reference_qa(report, alignments: Sequence) -> list:
    """The film's flag report plus term QA against each reference track whose language is known: the
    reports `review_items` finds conflicts in. `alignments` are `subpipe.align.Alignment` objects."""
    from subpipe.terms.flag import reference_qa

    qa = (reference_qa(report.source, report.glossary, a, lang=report.lang) for a in alignments)
    return [report, *(r for r in qa if r is not None)]


def _reports(terms_report) -> list:
    if terms_report is None:
        return []
    if hasattr(terms_report, "qa") and hasattr(terms_report, "report"):
        # The pipeline's TermsResult: the film's flag report and the term QA of each reference track.
        return [terms_report.report, *(q.report for q in terms_report.qa if q.report is not None)]
    if isinstance(terms_report, (list, tuple)):
        return [r for r in terms_report if r is not None]
    return [terms_report]


def review_items(terms_report, glossary: Glossary | None = None) -> list[ReviewItem]:
    """The terms to decide in a film, in order of first appearance.

    `terms_report` is a `subpipe.terms.FlagReport` (or a list of them: the film's report plus the term
    QA reports against reference tracks). Candidates come from discovery; conflicts from term QA
    errors (missing, forbidden, altered do-not-translate renderings in an existing translation).
    Candidates whose text is in `glossary` are left out: the glossary already decides them.
    """
    reports = _reports(terms_report)
    known = set()
    if glossary is not None and reports:
        known = {term_key(e.term) for e in glossary.for_language(reports[0].lang)}
    items: dict[str, ReviewItem] = {}
    for report in reports:
        for group in group_candidates(report.candidates):
            key = term_key(group["text"])
            if key in known:
                continue
            reason = group["reason"] + (f"; {group['suggestion']}" if group["suggestion"] else "")
            item = items.setdefault(key, ReviewItem(
                group["text"], "candidate", group["category"] if group["category"] in CATEGORIES else "other",
                f"{group['action']}: {reason}", []))
            item.occurrences.extend(Occurrence(tuple(o["positions"]), o["start_ms"], o["end_ms"], o["text"])
                                    for o in group["occurrences"])
        for result in (report.qa.results if report.qa else []):
            if result.status not in _QA_CONFLICTS:
                continue
            hit = result.hit
            item = items.setdefault(term_key(hit.term), ReviewItem(
                hit.term, "conflict", hit.category, f"{report.qa.target_lang} reference: {result.message}", [],
                hit.entry))
            occurrence = Occurrence(tuple(hit.positions), hit.start_ms, hit.end_ms, hit.text)
            if occurrence not in item.occurrences:
                item.occurrences.append(occurrence)
    ordered = sorted(items.values(), key=lambda i: min(o.positions[0] for o in i.occurrences))
    for item in ordered:
        item.occurrences.sort(key=lambda o: o.positions)
    return ordered


# --- decisions --------------------------------------------------------------------------------------------

@dataclass
class Decision:
    """What a person decided about one term (for one target language, or all: ``lang=""``)."""

    term: str
    action: str
    rendering: str = ""
    note: str = ""
    who: str = ""
    when: str = ""
    lang: str = ""
    category: str = "other"

    def __post_init__(self) -> None:
        self.term = " ".join(str(self.term).split())
        self.rendering = " ".join(str(self.rendering or "").split())
        self.note = str(self.note or "").strip()
        if not self.term:
            raise SubpipeError("a review decision needs a term", code=ErrorCode.REVIEW)
        if self.action not in ACTIONS:
            raise SubpipeError(f"term {self.term!r}: unknown action {self.action!r}; expected one of "
                               f"{', '.join(ACTIONS)}", code=ErrorCode.REVIEW)
        if self.action in RENDERED and not self.rendering:
            raise SubpipeError(f"term {self.term!r}: {self.action} needs the rendering", code=ErrorCode.REVIEW)
        if self.action not in RENDERED:
            self.rendering = ""
        self.lang = normalize_tag(self.lang) if self.lang else ""
        if self.category not in CATEGORIES:
            self.category = "other"

    @property
    def key(self) -> str:
        return term_key(self.term)

    def applies_to(self, lang: str) -> bool:
        return not self.lang or same_language(self.lang, lang)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict, *, path: str | None = None, n: int | None = None) -> "Decision":
        known = {f for f in cls.__dataclass_fields__}
        if not isinstance(data, dict) or not {"term", "action"} <= set(data) or set(data) - known:
            raise SubpipeError(f"decision {n}: expected an object with 'term' and 'action' (keys: "
                               f"{', '.join(sorted(known))})", path=path, code=ErrorCode.REVIEW)
        try:
            return cls(**data)
        except SubpipeError as exc:
            raise SubpipeError(f"decision {n}: {exc.message}", path=path, code=ErrorCode.REVIEW) from None


def _drop(table: dict[str, list[str]], lang: str) -> list[str]:
    """Remove every tag of `table` that names `lang`; the values it held, in order."""
    out: list[str] = []
    for tag in [t for t in table if same_language(t, lang)]:
        out.extend(v for v in table.pop(tag) if v not in out)
    return out


def _decided(entry: GlossaryEntry, decisions: Sequence[Decision], target_langs: Sequence[str]) -> GlossaryEntry:
    """`entry` with `decisions` folded into its translations, forbidden renderings and do-not-translate."""
    translations = {k: list(v) for k, v in entry.translations.items()}
    forbidden = {k: list(v) for k, v in entry.forbidden.items()}
    dnt = entry.do_not_translate
    notes = [entry.note] if entry.note else []
    for d in decisions:
        targets = [d.lang] if d.lang else list(target_langs)
        if d.action == "keep":
            dnt = True
        elif d.action == "ignore":
            dnt = False
            if targets:
                for lang in targets:
                    _drop(translations, lang)
            else:
                translations.clear()
        else:
            dnt = False
            for lang in targets:
                before = _drop(translations, lang)
                translations[normalize_tag(lang)] = [d.rendering] + [v for v in before if v != d.rendering]
                still_forbidden = [v for v in _drop(forbidden, lang) if v != d.rendering]
                if still_forbidden:
                    forbidden[normalize_tag(lang)] = still_forbidden
        said = f"review: {d.action}" + (f" as {d.rendering!r}" if d.rendering else "") + \
            (f" ({d.lang})" if d.lang else "") + f" by {d.who or 'unknown'} {d.when}".rstrip()
        notes.append(said + (f": {d.note}" if d.note else ""))
    return make_entry(entry.term, entry.language, category=entry.category, translations=translations,
                      forbidden=forbidden, do_not_translate=dnt, case_sensitive=entry.case_sensitive,
                      note="; ".join(notes), id=entry.id, line=entry.line)


def apply_decisions(glossary: Glossary | None, decisions: Iterable[Decision], source_lang: str,
                    target_langs: Sequence[str]) -> Glossary:
    """A new glossary in which protection honours `decisions`; `glossary` itself is not changed.

    A decided term already in the glossary (in `source_lang`) has its entry rewritten; a new term gets an
    entry, unless it is ignored (nothing to protect). Renderings of decisions without a language apply to
    every language of `target_langs`.
    """
    glossary = glossary if glossary is not None else Glossary()
    by_term: dict[str, list[Decision]] = {}
    for d in decisions:
        by_term.setdefault(d.key, []).append(d)
    entries: list[GlossaryEntry] = []
    for entry in glossary.entries:
        decided = by_term.get(term_key(entry.term)) if same_language(entry.language, source_lang) else None
        entries.append(_decided(entry, decided, target_langs) if decided else replace(
            entry, translations={k: list(v) for k, v in entry.translations.items()},
            forbidden={k: list(v) for k, v in entry.forbidden.items()}))
    have = {term_key(e.term) for e in glossary.for_language(source_lang)}
    for key, decided in by_term.items():
        if key in have or all(d.action == "ignore" for d in decided):
            continue
        first = decided[0]
        entries.append(_decided(make_entry(first.term, source_lang, category=first.category), decided,
                                target_langs))
    return Glossary(entries=entries, path=glossary.path, format=glossary.format, findings=list(glossary.findings))


def pending_items(items: Sequence[ReviewItem], decisions: Sequence[Decision],
                  target_langs: Sequence[str] = ()) -> list[ReviewItem]:
    """The items no decision covers: keep and ignore cover a term; a rendering covers the languages it names."""
    by_term: dict[str, list[Decision]] = {}
    for d in decisions:
        by_term.setdefault(d.key, []).append(d)

    def covered(item: ReviewItem) -> bool:
        decided = by_term.get(item.key, [])
        if any(d.action not in RENDERED for d in decided):
            return True
        if not target_langs:
            return bool(decided)
        return all(any(d.applies_to(lang) for d in decided) for lang in target_langs)

    return [i for i in items if not covered(i)]


# --- the store --------------------------------------------------------------------------------------------

def decisions_path(output_dir: str | Path, title: str) -> Path:
    """``<output_dir>/<title>/review/decisions.json``, refused if `title` would lead outside `output_dir`."""
    root = Path(output_dir).resolve()
    path = (root / title / STORE).resolve()
    if not title or title in (".", "..") or Path(title).name != title or not path.is_relative_to(root):
        raise SubpipeError(f"film title {title!r} does not make a folder inside the output folder",
                           path=str(output_dir), code=ErrorCode.PATH)
    return path


def load_store(path: str | Path) -> tuple[list[Decision], str]:
    """The decisions stored at `path` and the film's source language; none when it was never reviewed."""
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        return [], ""
    data = read_json_input(p, what="review decisions file", code=ErrorCode.REVIEW)
    items = data.get("decisions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SubpipeError("expected an object with a 'decisions' list", path=str(p), code=ErrorCode.REVIEW)
    source_lang = str(data.get("source_lang") or "") if isinstance(data, dict) else ""
    return [Decision.from_dict(d, path=str(p), n=n) for n, d in enumerate(items, 1)], source_lang


def load_decisions(path: str | Path) -> list[Decision]:
    """The decisions stored at `path` (see `load_store`)."""
    return load_store(path)[0]


def store_decisions(path: str | Path, decisions: Sequence[Decision], *, title: str = "",
                    source_lang: str = "") -> list[Decision]:
    """Add `decisions` to the store at `path` (atomically): they replace what was stored for their terms.

    Returns everything now stored.
    """
    decided = {d.key for d in decisions}
    kept = [d for d in load_decisions(path) if d.key not in decided]
    merged = kept + list(decisions)
    payload = {"film": title, "source_lang": source_lang, "updated": utc_now(),
               "decisions": [d.to_dict() for d in merged]}
    write_text_atomic(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return merged


# --- the review sequence ------------------------------------------------------------------------------------

@dataclass
class ReviewOutcome:
    """What a review step hands on: the glossary to protect with from now on, and what happened."""

    glossary: Glossary | None
    decisions: list[Decision] = field(default_factory=list)
    status: str = "nothing-to-review"
    note: str = ""
    items: list[ReviewItem] = field(default_factory=list)
    asked: int = 0
    store: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"review status {self.status!r} is not one of {', '.join(STATUSES)}")

    def summary(self) -> dict:
        by_action = {a: 0 for a in ACTIONS}
        for d in self.decisions:
            by_action[d.action] += 1
        return {"status": self.status, "note": self.note, "items": len(self.items), "asked": self.asked,
                "decisions": [d.to_dict() for d in self.decisions], "by_action": by_action, "store": self.store}


Ask = Callable[[list[ReviewItem]], "list[Decision] | None"]
Review = Callable[..., ReviewOutcome]


def run_review(title: str, terms_report, glossary: Glossary | None, *, store: str | Path,
               target_langs: Sequence[str] = (), ask: Ask | None = None) -> ReviewOutcome:
    """Items of the film, stored decisions applied, the rest asked (when `ask` is given), the outcome.

    `ask(pending)` returns the decisions made, or None when nobody answered in time: then the pending
    terms go with the glossary's defaults and the outcome says so (``timed-out``). Without `ask` pending
    terms are not asked about (``skipped``).
    """
    reports = _reports(terms_report)
    source_lang = reports[0].lang if reports else ""
    items = review_items(reports, glossary)
    stored = load_decisions(store)
    pending = pending_items(items, stored, target_langs)
    relevant = {i.key for i in items}
    used = [d for d in stored if d.key in relevant]

    def outcome(status: str, note: str, decisions: list[Decision], asked: int = 0) -> ReviewOutcome:
        reviewed = apply_decisions(glossary, decisions, source_lang, target_langs) if decisions else glossary
        return ReviewOutcome(reviewed, decisions, status, note, items, asked, str(store))

    if not items:
        return outcome("nothing-to-review", "no culture-specific candidate or glossary conflict", [])
    if not pending:
        return outcome("reused", f"all {len(items)} terms decided before ({store})", used)
    reused = f"; {len(used)} stored decisions applied" if used else ""
    if ask is None:
        return outcome("skipped", f"{len(pending)} of {len(items)} terms not reviewed: the glossary's defaults "
                       f"apply{reused}", used)
    answers = ask(pending)
    if answers is None:
        return outcome("timed-out", f"nobody reviewed {len(pending)} terms in time: the glossary's defaults "
                       f"apply{reused}", used, len(pending))
    asked_keys = {i.key for i in pending}
    answers = [d for d in answers if d.key in asked_keys]
    everything = store_decisions(store, answers, title=title, source_lang=source_lang) if answers else stored
    used = [d for d in everything if d.key in relevant]
    left = pending_items(items, used, target_langs)
    note = f"{len(answers)} decisions on {len({d.key for d in answers})} of {len(pending)} terms asked{reused}"
    if left:
        note += f"; undecided, glossary defaults: {', '.join(i.term for i in left)}"
    return outcome("reviewed", note, used, len(pending))


def reuse_decisions(output_dir: str | Path, target_langs: Sequence[str] = ()) -> Review:
    """The review hook of CLI and batch runs: stored decisions of the film applied, nobody asked."""
    def review(title: str, terms_report, glossary: Glossary | None) -> ReviewOutcome:
        return run_review(title, terms_report, glossary, store=decisions_path(output_dir, title),
                          target_langs=target_langs)

    return review


# --- a project glossary -------------------------------------------------------------------------------------

def glossary_csv(glossary: Glossary) -> str:
    """The glossary as CSV in the columns `subpipe.terms.glossary.parse_csv` reads."""
    langs = sorted({t for e in glossary for t in e.translations})
    banned = sorted({t for e in glossary for t in e.forbidden})
    columns = ["id", "term", "language", "category", "do_not_translate", "case_sensitive", *langs,
               *(f"forbidden_{t}" for t in banned), "note"]
    rows = [{"id": e.id, "term": e.term, "language": e.language, "category": e.category,
             "do_not_translate": "yes" if e.do_not_translate else "no",
             "case_sensitive": "yes" if e.case_sensitive else "no",
             **{t: " | ".join(e.translations.get(t, [])) for t in langs},
             **{f"forbidden_{t}": " | ".join(e.forbidden.get(t, [])) for t in banned}, "note": e.note}
            for e in glossary]
    return csv_text(rows, columns)  # formula cells neutralised; the glossary loader reads them back


def _tig(term: str, notes: Sequence[tuple[str, str]], indent: str) -> list[str]:
    lines = [f"{indent}<tig>", f"{indent}  <term>{escape(term)}</term>"]
    lines += [f"{indent}  <termNote type={quoteattr(kind)}>{escape(value)}</termNote>" for kind, value in notes]
    return lines + [f"{indent}</tig>"]


def glossary_tbx(glossary: Glossary, *, title: str = "subpipe project glossary") -> str:
    """The glossary as TBX-Basic, in the conventions of ``samples/glossary/films.tbx`` (read by `parse_tbx`)."""
    source = glossary.entries[0].language if glossary.entries else "en"
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">',
           f'<martif type="TBX-Basic" xml:lang={quoteattr(source)}>',
           "  <martifHeader>", "    <fileDesc>", "      <titleStmt>", f"        <title>{escape(title)}</title>",
           "      </titleStmt>", "      <sourceDesc>",
           "        <p>Written by subpipe: a glossary with staff review decisions merged in.</p>",
           "      </sourceDesc>", "    </fileDesc>", "    <encodingDesc>",
           '      <p type="XCSURI">TBXBasicXCSV02.xcs</p>', "    </encodingDesc>", "  </martifHeader>",
           "  <text>", "    <body>"]
    for n, e in enumerate(glossary, 1):
        out.append(f"      <termEntry id={quoteattr(e.id or f'entry-{n}')}>")
        out.append(f'        <descrip type="subjectField">{escape(e.category)}</descrip>')
        if e.note:
            out.append(f"        <note>{escape(e.note)}</note>")
        notes = [("partOfSpeech", "properNoun" if e.case_sensitive else "noun")]
        if e.do_not_translate:
            notes.append(("translationNote", "no"))
        out += [f'        <langSet xml:lang={quoteattr(e.language)}>', *_tig(e.term, notes, "          "),
                "        </langSet>"]
        for lang in sorted({*e.translations, *e.forbidden}):
            out.append(f"        <langSet xml:lang={quoteattr(lang)}>")
            for value in e.translations.get(lang, []):
                out += _tig(value, [("administrativeStatus", "preferredTerm-admn-sts")], "          ")
            for value in e.forbidden.get(lang, []):
                out += _tig(value, [("administrativeStatus", "deprecatedTerm-admn-sts")], "          ")
            out.append("        </langSet>")
        out.append("      </termEntry>")
    out += ["    </body>", "  </text>", "</martif>"]
    return "\n".join(out) + "\n"


WRITERS = {".csv": glossary_csv, ".tbx": glossary_tbx}


def merge_into_glossary(decisions: Sequence[Decision] | str | Path, glossary_path: str | Path | None,
                        out_path: str | Path, *, source_lang: str | None = None) -> Glossary:
    """The glossary at `glossary_path` (none: an empty one) with `decisions` folded in, written to `out_path`.

    `decisions` is a list or the path of a ``decisions.json``. The format follows `out_path`'s extension
    (``.tbx`` or ``.csv``); the write is atomic; the input glossary is not touched.
    """
    if isinstance(decisions, (str, Path)):
        check_input_file(decisions, "decisions file")
        decisions, stored_lang = load_store(decisions)
        source_lang = source_lang or stored_lang or None
    write = WRITERS.get(Path(out_path).suffix.lower())
    if write is None:
        raise SubpipeError("write the project glossary as .tbx or .csv", path=str(out_path), code=ErrorCode.USAGE)
    glossary = load_glossary(glossary_path, lang=source_lang) if glossary_path else Glossary()
    source_lang = source_lang or (glossary.languages()[0] if glossary.languages() else None)
    if not source_lang:
        raise SubpipeError("cannot tell the glossary's source language: name it", path=str(out_path),
                           code=ErrorCode.NO_LANGUAGE)
    targets = sorted({d.lang for d in decisions if d.lang})
    merged = apply_decisions(glossary, decisions, source_lang, targets)
    write_text_atomic(out_path, write(merged))
    return merged


__all__ = ["ACTIONS", "STATUSES", "Decision", "Occurrence", "ReviewItem", "ReviewOutcome", "apply_decisions",
           "decisions_path", "glossary_csv", "glossary_tbx", "load_decisions", "load_store", "merge_into_glossary",
           "pending_items", "reuse_decisions", "review_items", "run_review", "store_decisions", "term_key",
           "utc_now", "with_reference_qa"]
