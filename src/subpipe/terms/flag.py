"""Flag a track: glossary hits, candidates the glossary lacks and, given a target and links, term QA.

This is what ``subpipe flag`` and the ``flag-terms`` flow call. One spaCy pass over the source serves
both matching and discovery.
"""

from dataclasses import dataclass, field
from pathlib import Path

from subpipe.cues import Track, format_timecode
from subpipe.errors import ErrorCode, SubpipeError
from subpipe.nlp import PipelineInfo, pipeline_info
from subpipe.terms.discover import Candidate, discover_in, group_candidates
from subpipe.terms.glossary import Glossary, load_glossary
from subpipe.terms.match import TermHit, analyze_languages, find_terms_in
from subpipe.terms.qa import TermQA, check_terms

ROW_COLUMNS = ("kind", "positions", "start", "end", "term", "text", "category", "action", "severity", "message",
               "target_positions", "target_start", "target_end")


@dataclass
class FlagReport:
    """Everything `flag_track` learnt about one source track."""

    source: Track
    lang: str
    glossary: Glossary
    pipeline: PipelineInfo
    hits: list[TermHit]
    candidates: list[Candidate]
    qa: TermQA | None = None
    target_lang: str | None = None
    unread: dict[str, str] = field(default_factory=dict)  # language -> why spaCy could not read its cues

    def summary(self) -> dict:
        groups = group_candidates(self.candidates)
        by_cat: dict[str, int] = {}
        for c in self.candidates:
            by_cat[c.category] = by_cat.get(c.category, 0) + 1
        return {
            "source": self.source.path, "lang": self.lang, "cues": len(self.source.cues),
            "glossary": self.glossary.path, "glossary_entries": len(self.glossary.for_language(self.lang)),
            "pipeline": self.pipeline.describe(),
            "hits": len(self.hits), "terms_found": len({id(h.entry) for h in self.hits}),
            "candidates": len(self.candidates), "distinct_candidates": len(groups),
            "candidates_by_category": by_cat,
            "qa": self.qa.summary() if self.qa else None,
            **({"languages_not_read": dict(self.unread)} if self.unread else {}),
        }

    def errors(self) -> int:
        """QA errors (missing, forbidden, altered do-not-translate terms)."""
        return len(self.qa.errors()) if self.qa else 0

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "pipeline": self.pipeline.to_dict(),
                "glossary": self.glossary.summary(),
                "glossary_findings": [f.to_dict() for f in self.glossary.findings],
                "hits": [h.to_dict() for h in self.hits],
                "candidates": group_candidates(self.candidates),
                "qa": self.qa.to_dict() if self.qa else None}

    def rows(self) -> list[dict]:
        """Flat rows (CSV, table artifacts): QA problems first, then hits, then candidates (grouped)."""
        rows = []
        if self.qa:
            for r in self.qa.results:
                if r.status == "ok":
                    continue
                d = r.to_dict()
                rows.append(_row("qa", r.hit.positions, d["source_start"], d["source_end"], r.hit.term, r.hit.text,
                                 r.hit.category, r.status, r.severity, r.message, r.target_positions,
                                 d["target_start"], d["target_end"]))
        for h in self.hits:
            e = h.entry
            approved = e.approved(self.target_lang) if self.target_lang else \
                [f"{lang}: {' | '.join(v)}" for lang, v in e.translations.items()]
            message = ("do not translate" if e.do_not_translate else
                       "approved: " + "; ".join(approved) if approved else "no approved translation")
            if e.note:
                message += f" ({e.note})"
            rows.append(_row("glossary", h.positions, format_timecode(h.start_ms), format_timecode(h.end_ms), e.term,
                             h.text, e.category, "keep" if e.do_not_translate else "translate", "info", message))
        for g in group_candidates(self.candidates):
            occ = g["occurrences"]
            positions = [p for o in occ for p in o["positions"]]
            message = g["reason"] + (f"; {g['suggestion']}" if g["suggestion"] else "")
            if g["count"] > 1:
                message += f" ({g['count']} occurrences)"
            rows.append(_row("candidate", positions, format_timecode(occ[0]["start_ms"]),
                             format_timecode(occ[0]["end_ms"]), "", g["text"], g["category"], g["action"],
                             "warning" if g["action"] in ("convert", "explain") else "info", message))
        return rows


def _row(kind, positions, start, end, term, text, category, action, severity, message, target_positions=(),
         target_start=None, target_end=None) -> dict:
    return {"kind": kind, "positions": " ".join(str(p) for p in positions), "start": start or "", "end": end or "",
            "term": term, "text": text, "category": category, "action": action, "severity": severity,
            "message": message, "target_positions": " ".join(str(p) for p in target_positions),
            "target_start": target_start or "", "target_end": target_end or ""}


def _lang_of(track: Track, given: str | None) -> str | None:
    from subpipe.ingest import guess_lang

    return given or track.lang or (guess_lang(track.path) if track.path else None)


def flag_track(track: Track, glossary: Glossary, *, lang: str | None = None, target: Track | None = None,
               links=None, target_lang: str | None = None, discover_candidates: bool = True) -> FlagReport:
    """Glossary hits and candidates in `track`; with `target` and `links`, term QA of the target too."""
    lang = _lang_of(track, lang)
    if not lang:
        langs = {e.language for e in glossary}
        if len(langs) != 1:
            raise SubpipeError("cannot tell the source language: name it (--lang) or as Title.lang.ext",
                               path=track.path, code=ErrorCode.NO_LANGUAGE)
        lang = langs.pop()
    if (target is None) != (links is None):
        raise SubpipeError("term QA needs both the target track and the alignment links", code=ErrorCode.USAGE)
    # Each language spoken in the track through its own pipeline, with its own glossary entries.
    unread: dict[str, str] = {}
    analyses = analyze_languages(track, lang, unread=unread, entities=discover_candidates)
    hits = find_terms_in(analyses, glossary)
    info = pipeline_info(lang)
    candidates = discover_in(analyses, hits=hits, glossary=glossary) if discover_candidates else []
    qa, tlang = None, None
    if target is not None:
        tlang = _lang_of(target, target_lang)
        if not tlang:
            raise SubpipeError("cannot tell the target language: name it (--target-lang) or as Title.lang.ext",
                               path=target.path, code=ErrorCode.NO_LANGUAGE)
        qa = check_terms(hits, target, links, target_lang=tlang)
    return FlagReport(source=track, lang=lang, glossary=glossary, pipeline=info, hits=hits, candidates=candidates,
                      qa=qa, target_lang=tlang, unread=unread)


def reference_qa(track: Track, glossary: Glossary, alignment, *, lang: str | None = None) -> FlagReport | None:
    """Term QA of an aligned reference track (a `subpipe.align.Alignment` of `track` to it): whether it
    renders `track`'s glossary terms as approved; None when the reference's language is unknown."""
    if not alignment.target.lang:
        return None
    return flag_track(track, glossary, lang=lang, target=alignment.target, links=alignment.to_dict(),
                      discover_candidates=False)


def flag_file(path: str | Path, glossary: str | Path | Glossary, *, lang: str | None = None,
              target: str | Path | None = None, links=None, target_lang: str | None = None,
              discover_candidates: bool = True) -> FlagReport:
    """`flag_track` on files: the subtitle file, the glossary file, optionally the target and links.json."""
    from subpipe.formats import read_track
    from subpipe.ingest import guess_lang

    track = read_track(path, lang=lang or guess_lang(path))
    if not isinstance(glossary, Glossary):
        glossary = load_glossary(glossary, lang=track.lang)
    target_track = None
    if target is not None:
        target_track = read_track(target, lang=target_lang or guess_lang(target))
    return flag_track(track, glossary, lang=lang, target=target_track, links=links, target_lang=target_lang,
                      discover_candidates=discover_candidates)
