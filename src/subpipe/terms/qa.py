"""Term QA on a source/target pair: did the localized track render every glossary term as approved?

Given the source hits (`subpipe.terms.match`), the target track and the alignment links (the
``links.json`` of ``subpipe align``: ``{"links": [{"source": [3], "target": [2, 3], "confidence": 0.9}]}``),
each hit is checked in the target cues linked to its source cues:

- a do-not-translate term must appear verbatim (a possessive or plural ending is allowed: *Proogs*),
  and so must a term of a cue already spoken in the target language (a bilingual film keeps those
  cues as they are);
- a forbidden rendering of the term is an error;
- a term with approved translations into the target language must find one of them, matched on
  lemmas in the target language ("Hängenden Gärten" satisfies "Hängende Gärten");
- a term without approved translations for that language is reported as unchecked, a hit whose cues
  have no link as unaligned: neither passes nor fails.

Renderings are looked for only where the target speaks its language: target cues of another language
(`Cue.lang`: kept as they are, or ``und`` music and sounds) are not read as the target language.

Each result names the source and target cues by position and timecode; `TermQA.summary` counts them.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from subpipe.cues import Cue, Track, format_timecode
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.fileio import read_json_input
from subpipe.terms.glossary import GlossaryEntry, make_entry
from subpipe.terms.match import TermHit, analyze_track, find_terms
from subpipe.terms.model import same_base_language

STATUSES = ("ok", "missing", "forbidden", "dnt-altered", "unaligned", "unchecked")
_SEVERITY = {"ok": "info", "unchecked": "info", "unaligned": "warning", "missing": "error", "forbidden": "error",
             "dnt-altered": "error"}


@dataclass(frozen=True)
class Link:
    source: tuple[int, ...]
    target: tuple[int, ...]
    confidence: float | None = None


def load_links(links, *, path: str | None = None) -> list[Link]:
    """Links from a ``links.json`` path, its parsed dict, or a list of link dicts."""
    if isinstance(links, (str, Path)):
        path = str(links)
        links = read_json_input(path, what="links file", code=ErrorCode.LINKS)
    items = links.get("links") if isinstance(links, dict) else links
    if not isinstance(items, list):
        raise SubpipeError("links must be a list or an object with a 'links' list", path=path, code=ErrorCode.LINKS)
    out = []
    for n, item in enumerate(items, 1):
        try:
            src = tuple(int(p) for p in item["source"])
            tgt = tuple(int(p) for p in item["target"])
        except (KeyError, TypeError, ValueError):
            raise SubpipeError(f"link {n} needs 'source' and 'target' lists of cue positions", path=path,
                               code=ErrorCode.LINKS) from None
        conf = item.get("confidence") if isinstance(item, dict) else None
        out.append(Link(src, tgt, float(conf) if conf is not None else None))
    return out


@dataclass(eq=False)
class QAResult:
    """The verdict on one source hit."""

    hit: TermHit
    status: str
    message: str
    target_positions: tuple[int, ...] = ()
    target_start_ms: int | None = None
    target_end_ms: int | None = None
    expected: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    target_line: int | None = None

    @property
    def severity(self) -> str:
        return _SEVERITY[self.status]

    def to_dict(self) -> dict:
        def tc(ms: int | None) -> str | None:
            return format_timecode(ms) if ms is not None else None

        return {"term": self.hit.term, "category": self.hit.category, "status": self.status,
                "severity": self.severity, "message": self.message, "source_text": self.hit.text,
                "source_positions": list(self.hit.positions), "source_start": tc(self.hit.start_ms),
                "source_end": tc(self.hit.end_ms), "target_positions": list(self.target_positions),
                "target_start": tc(self.target_start_ms), "target_end": tc(self.target_end_ms),
                "expected": self.expected, "found": self.found}

    def to_finding(self, path: str | None) -> Finding:
        if self.target_positions:
            position, start, end = self.target_positions[0], self.target_start_ms, self.target_end_ms
        else:
            position, start, end = self.hit.positions[0], self.hit.start_ms, self.hit.end_ms
        return Finding(f"term-{self.status}", self.message, path=path, line=self.target_line, position=position,
                       severity=self.severity, start_ms=start, end_ms=end)


@dataclass
class TermQA:
    """All verdicts for a target track."""

    target_path: str | None
    target_lang: str
    results: list[QAResult]

    def summary(self) -> dict:
        counts = {s: 0 for s in STATUSES}
        for r in self.results:
            counts[r.status] += 1
        checked = sum(counts[s] for s in ("ok", "missing", "forbidden", "dnt-altered"))
        return {"target": self.target_path, "lang": self.target_lang, "hits": len(self.results),
                "checked": checked, "passed": counts["ok"], "errors": checked - counts["ok"],
                "pass_rate": round(counts["ok"] / checked, 4) if checked else 1.0, "by_status": counts}

    def errors(self) -> list[QAResult]:
        return [r for r in self.results if r.severity == "error"]

    def findings(self) -> list[Finding]:
        return [r.to_finding(self.target_path) for r in self.results if r.status != "ok"]

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "results": [r.to_dict() for r in self.results]}


def _verbatim(term: str, text: str, case_sensitive: bool) -> bool:
    """`term` as a whole word in `text`, allowing a possessive or plural ending (Proog's, Proogs); a term
    starting or ending in a script written without spaces (饺子, 東京) has no word edge there to find."""
    from subpipe.segment.linebreak import is_cjk

    before = "" if is_cjk(term[:1] or " ") else r"(?<!\w)"
    after = "" if is_cjk(term[-1:] or " ") else r"(?:['’]s|s|['’])?(?!\w)"
    pattern = rf"{before}{re.escape(term)}{after}"
    return re.search(pattern, text, 0 if case_sensitive else re.IGNORECASE) is not None


def check_terms(hits: Sequence[TermHit], target: Track, links, *, target_lang: str | None = None) -> TermQA:
    """Check every source hit against the target cues linked to it (see the module docstring)."""
    lang = target_lang or target.lang
    if not lang:
        raise SubpipeError("the target track's language is unknown: pass target_lang", path=target.path,
                           code=ErrorCode.NO_LANGUAGE)
    link_list = links if (isinstance(links, list) and all(isinstance(x, Link) for x in links)) else \
        load_links(links)
    by_source: dict[int, set[int]] = {}
    for link in link_list:
        for p in link.source:
            by_source.setdefault(p, set()).update(link.target)
    target_cues = target.by_position()

    # The renderings to look for, as glossary entries of the target language; found with the same
    # lemma matching as the source, nested matches kept ("Koloss" inside "Koloss von Rhodos" counts).
    wanted: list[GlossaryEntry] = []
    meaning: dict[int, tuple[GlossaryEntry, str]] = {}
    seen: set[int] = set()
    for hit in hits:
        entry = hit.entry
        if id(entry) in seen or entry.do_not_translate or same_base_language(entry.language, lang):
            continue
        seen.add(id(entry))
        for kind, values in (("approved", entry.approved(lang)), ("forbidden", entry.forbidden_in(lang))):
            for value in values:
                pseudo = make_entry(value, lang, case_sensitive=entry.case_sensitive)
                meaning[id(pseudo)] = (entry, kind)
                wanted.append(pseudo)
    found_at: dict[int, list[tuple[int, str, str]]] = {}  # target position -> (id(source entry), kind, text)
    if wanted:
        for thit in find_terms(analyze_track(target, lang), wanted, keep_nested=True):
            entry, kind = meaning[id(thit.entry)]
            for p in thit.positions:
                found_at.setdefault(p, []).append((id(entry), kind, thit.text))

    results = []
    for hit in hits:
        linked = sorted({t for p in hit.positions for t in by_source.get(p, ())} & set(target_cues))
        if not linked:
            results.append(QAResult(hit, "unaligned", f"{hit.term!r} at source cue(s) "
                                    f"{_cues(hit.positions)}: no target cue is linked, nothing to check"))
            continue
        cues = [target_cues[p] for p in linked]
        base = dict(target_positions=tuple(linked), target_start_ms=min(c.start for c in cues),
                    target_end_ms=max(c.end for c in cues), target_line=cues[0].line)
        results.append(_judge(hit, cues, lang, found_at, base))
    return TermQA(target.path, lang, results)


def _judge(hit: TermHit, cues: list[Cue], lang: str, found_at: dict, base: dict) -> QAResult:
    entry = hit.entry
    where = f"source cue(s) {_cues(hit.positions)} -> target cue(s) {_cues(base['target_positions'])}"
    text = " ".join(" ".join(c.plain.split()) for c in cues)
    if entry.do_not_translate or same_base_language(entry.language, lang):
        # as the target's script writes them: a Simplified term in a zh-Hant track is an error
        forms = list(dict.fromkeys(in_script(lang, [entry.term, hit.text])))
        if any(_verbatim(f, text, entry.case_sensitive) for f in forms):
            return QAResult(hit, "ok", f"{entry.term!r} kept as is ({where})", expected=forms,
                            found=[entry.term], **base)
        return QAResult(hit, "dnt-altered", f"{entry.term!r} must not be translated but the target reads "
                        f"{_quote(text)} ({where})", expected=forms, **base)
    renderings = [r for p in base["target_positions"] for r in found_at.get(p, []) if r[0] == id(entry)]
    forbidden = list(dict.fromkeys(t for _, kind, t in renderings if kind == "forbidden"))
    approved_found = list(dict.fromkeys(t for _, kind, t in renderings if kind == "approved"))
    approved = entry.approved(lang)
    if forbidden:
        return QAResult(hit, "forbidden", f"{entry.term!r} rendered as forbidden {', '.join(map(repr, forbidden))}"
                        f"{'; approved: ' + ', '.join(map(repr, approved)) if approved else ''} ({where})",
                        expected=approved, found=forbidden, **base)
    if approved_found:
        return QAResult(hit, "ok", f"{entry.term!r} rendered as {approved_found[0]!r} ({where})", expected=approved,
                        found=approved_found, **base)
    if approved:
        return QAResult(hit, "missing", f"{entry.term!r}: none of the approved {lang} renderings "
                        f"({', '.join(map(repr, approved))}) in {_quote(text)} ({where})", expected=approved, **base)
    if entry.forbidden_in(lang):
        return QAResult(hit, "ok", f"{entry.term!r}: no forbidden rendering ({where})", **base)
    return QAResult(hit, "unchecked", f"{entry.term!r} has no approved {lang} translation in the glossary ({where})",
                    **base)


def in_script(lang: str, texts: Sequence[str]) -> list[str]:
    """`texts` as `lang` writes them: Chinese in its script (`subpipe.locales.to_script`), else as they are."""
    from subpipe.locales import convert_script, to_script

    config = to_script(lang)
    return convert_script(texts, config) if config else list(texts)


def _cues(positions: Sequence[int]) -> str:
    return ", ".join(str(p) for p in positions)


def _quote(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
