"""Bilingual alignment: one clock for two tracks, N:M cue links with confidence, sync, exports.

The pieces, each usable alone:

- `fit_timeline(source, target) -> Transform`: the map from target time to source time (offset,
  frame-rate scale, piecewise segments at cuts and ad breaks), see `subpipe.align.timeline`;
- `link_cues(source, target, transform) -> Linking`: monotone N:M links with a confidence in [0, 1],
  cues without a counterpart left unaligned, see `subpipe.align.link`;
- `align_tracks(source, target) -> Alignment`: both, plus a second, sharper fit on the confident links;
  ``Alignment.to_dict()`` is exactly the ``links.json`` of DESIGN.md;
- `sync_track(target, reference) -> (Track, Transform)`: the target re-timed onto the reference's clock;
- exports (`subpipe.align.export`: links.json, TMX 1.4, dual-language tracks) and the HTML timeline
  report (`subpipe.align.report`).

>>> from subpipe.cues import Cue, Track
>>> en = Track([Cue(10_000 + 4_000 * i, 12_500 + 4_000 * i, f"Line {i}", position=i) for i in range(40)],
...            path="film.en.srt", lang="en")
>>> de = Track([c.copy(start=c.start + 1_500, end=c.end + 1_500, text=f"Zeile {c.position}") for c in en],
...            path="film.de.srt", lang="de")
>>> alignment = align_tracks(en, de)
>>> alignment.transform.to_dict()
{'segments': [{'start_ms': 0, 'end_ms': 170000, 'scale': 1.0, 'offset_ms': -1500}]}
>>> data = alignment.to_dict()
>>> data["links"][0], data["unaligned_source"], data["source"]
({'source': [0], 'target': [0], 'confidence': 0.9927}, [], {'path': 'film.en.srt', 'lang': 'en', 'cues': 40})
"""

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from subpipe.align.link import (
    GlossaryPairs,
    LengthModel,
    Link,
    Linking,
    Similarity,
    link_cues,
    read_glossary_pairs,
)
from subpipe.align.timeline import Segment, Transform, fit_timeline, refine_transform
from subpipe.cues import Track
from subpipe.errors import ErrorCode, Finding, SubpipeError

if TYPE_CHECKING:  # the glossary model is imported when a glossary is given, not with every alignment
    from subpipe.terms.model import Glossary

__all__ = [
    "Alignment",
    "LengthModel",
    "Link",
    "Linking",
    "Segment",
    "Transform",
    "align_tracks",
    "fit_timeline",
    "glossary_anchors",
    "link_cues",
    "load_track",
    "read_glossary_pairs",
    "refine_transform",
    "sync_track",
]

LOW_CONFIDENCE = 0.5


@dataclass
class Alignment:
    """Two tracks on one clock: the transform, the links and the cues left unaligned."""

    source: Track
    target: Track
    transform: Transform
    links: list[Link]
    unaligned_source: list[int]
    unaligned_target: list[int]
    length_model: LengthModel = field(default_factory=LengthModel)

    def to_dict(self) -> dict:
        """Exactly DESIGN.md's links.json: positions count every cue block of the file as read."""
        return {
            "source": _track_ref(self.source),
            "target": _track_ref(self.target),
            "transform": self.transform.to_dict(),
            "links": [link.to_dict() for link in self.links],
            "unaligned_source": list(self.unaligned_source),
            "unaligned_target": list(self.unaligned_target),
        }

    def units(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Links and unaligned cues as (source positions, target positions) pairs, as scorers want them."""
        out = [(tuple(link.source), tuple(link.target)) for link in self.links]
        out += [((p,), ()) for p in self.unaligned_source]
        out += [((), (p,)) for p in self.unaligned_target]
        return out

    def low_confidence(self, threshold: float = LOW_CONFIDENCE) -> list[Link]:
        return [link for link in self.links if link.confidence < threshold]

    def summary(self) -> dict:
        """Counts and quality figures for reports and the flow's summary."""
        kinds = Counter(link.kind for link in self.links)
        conf = np.array([link.confidence for link in self.links]) if self.links else np.zeros(0)
        return {
            "source": _track_ref(self.source),
            "target": _track_ref(self.target),
            "links": len(self.links),
            "link_types": dict(sorted(kinds.items())),
            "unaligned_source": len(self.unaligned_source),
            "unaligned_target": len(self.unaligned_target),
            "mean_confidence": round(float(conf.mean()), 4) if len(conf) else None,
            "low_confidence": int((conf < LOW_CONFIDENCE).sum()),
            "transform": self.transform.describe(),
            "segments": len(self.transform.segments),
            "fit_score": round(float(self.transform.score), 4),
            "residual_ms": round(float(self.transform.residual_ms), 1)
            if self.transform.residual_ms is not None
            else None,
            "length_ratio": round(self.length_model.ratio, 4),
        }

    def link_rows(self, limit: int | None = None) -> list[dict]:
        """One row per link, lowest confidence first, with timecodes and texts (table artifacts, CSV)."""
        from subpipe.cues import format_timecode

        src = self.source.by_position()
        tgt = self.target.by_position()
        rows = []
        for link in sorted(self.links, key=lambda lk: (lk.confidence, lk.source)):
            s_cues = [src[p] for p in link.source]
            t_cues = [tgt[p] for p in link.target]
            rows.append(
                {
                    "confidence": round(link.confidence, 3),
                    "type": link.kind,
                    "source": ",".join(map(str, link.source)),
                    "target": ",".join(map(str, link.target)),
                    "source_start": format_timecode(min(c.start for c in s_cues)),
                    "target_start": format_timecode(min(c.start for c in t_cues)),
                    "overlap": round(link.overlap, 2),
                    "length": round(link.length, 2),
                    "lexical": round(link.lexical, 2),
                    "source_text": " / ".join(" ".join(c.plain.split()) for c in s_cues),
                    "target_text": " / ".join(" ".join(c.plain.split()) for c in t_cues),
                }
            )
            if limit is not None and len(rows) >= limit:
                break
        return rows

    def write_json(self, path: str | os.PathLike) -> Path:
        from subpipe.reports import write_json

        return write_json(path, self.to_dict())


def _track_ref(track: Track) -> dict:
    return {"path": track.path, "lang": track.lang, "cues": len(track.cues)}


def load_track(track: Track | str | os.PathLike, lang: str | None = None) -> Track:
    """A Track as given, or read from a path (language from `lang` or the file name, Title.lang.ext)."""
    if isinstance(track, Track):
        return track
    from subpipe.formats import read_track
    from subpipe.ingest import guess_lang

    return read_track(track, lang=lang or guess_lang(track))


def glossary_anchors(
    glossary: "Glossary | str | os.PathLike | GlossaryPairs", source: Track, target: Track
) -> list[tuple[str, str]]:
    """The (source term, target rendering) pairs alignment anchors on, from `glossary`: a
    `subpipe.terms.Glossary`, a glossary file (read by `subpipe.terms.load_glossary` in the source
    track's language) or pairs already made. From a glossary: its entries in the source track's
    language, each with its approved renderings in the target track's language, and do-not-translate
    terms with themselves (`Glossary.anchor_pairs`)."""
    from subpipe.terms.glossary import load_glossary
    from subpipe.terms.model import Glossary

    if isinstance(glossary, (str, os.PathLike)):
        glossary = load_glossary(glossary, lang=source.lang)
    if not isinstance(glossary, Glossary):
        return [(str(s), str(t)) for s, t in glossary]
    if not source.lang or not target.lang:
        missing = source if not source.lang else target
        raise SubpipeError("glossary anchors need both tracks' languages: name the file Title.lang.ext or pass "
                           "the language", path=missing.path, code=ErrorCode.NO_LANGUAGE)
    return glossary.anchor_pairs(source.lang, target.lang)


def align_tracks(
    source: Track | str | os.PathLike,
    target: Track | str | os.PathLike,
    *,
    glossary: "Glossary | str | os.PathLike | GlossaryPairs | None" = None,
    similarity: Similarity | None = None,
    transform: Transform | None = None,
    band: int = 8,
    cuts: bool = True,
    max_offset_ms: float = 600_000,
    scale_range: float = 0.05,
) -> Alignment:
    """Fit the timeline, link the cues, refit on the confident links, relink if the fit moved.

    `source` and `target` are Tracks or paths. A given `transform` is used as is (no fitting).
    `glossary` is a glossary (a `subpipe.terms.Glossary` or a file `subpipe.terms` reads, whose terms in
    the source language and their renderings in the target language become anchors, see
    `glossary_anchors`) or a list of (source term, target term) pairs; `similarity(src_text, tgt_text)`
    an optional translation-similarity function (see `link_cues`).
    """
    source, target = load_track(source), load_track(target)
    pairs = glossary_anchors(glossary, source, target) if glossary is not None else None
    options = {"glossary": pairs or None, "similarity": similarity, "band": band}
    fitted = transform is None
    if fitted:
        transform = fit_timeline(
            source, target, max_offset_ms=max_offset_ms, scale_range=scale_range, cuts=cuts
        )
    linking = link_cues(source, target, transform, **options)
    if fitted:
        refined = _refit_on_links(source, target, transform, linking)
        if refined is not None:
            transform = refined
            linking = link_cues(source, target, transform, **options)
    return Alignment(
        source,
        target,
        transform,
        linking.links,
        linking.unaligned_source,
        linking.unaligned_target,
        linking.length_model,
    )


def _refit_on_links(
    source: Track,
    target: Track,
    transform: Transform,
    linking: Linking,
    min_confidence: float = 0.7,
    moved_ms: float = 40.0,
) -> Transform | None:
    """A transform refitted on confident 1:1 links, or None when it would not move any cue by `moved_ms`."""
    src = source.by_position()
    tgt = target.by_position()
    t, y = [], []
    for link in linking.links:
        if link.kind == "1:1" and link.confidence >= min_confidence:
            s, g = src[link.source[0]], tgt[link.target[0]]
            t += [g.start, g.end]
            y += [s.start, s.end]
    if len(t) < 8:
        return None
    refined = refine_transform(transform, np.array(t), np.array(y))
    refined.score = transform.score
    times = np.array([c.start for c in target.cues], dtype=np.float64)
    if not len(times) or np.max(np.abs(refined.apply(times) - transform.apply(times))) < moved_ms:
        return None
    return refined


def sync_track(
    target: Track | str | os.PathLike,
    reference: Track | str | os.PathLike,
    *,
    transform: Transform | None = None,
    **options,
) -> tuple[Track, Transform]:
    """`target` re-timed onto `reference`'s clock (what alass does with a reference subtitle).

    Everything but the times is kept: text, styling, positions, findings (plus one ``retimed`` info
    finding saying what was done). Each cue moves with the segment of its start, so a cue never
    straddles a cut. Returns the new track and the transform used.
    """
    target, reference = load_track(target), load_track(reference)
    if transform is None:
        transform = align_tracks(reference, target, **options).transform
    cues = []
    for cue in target.cues:
        start, end = transform.map_interval(cue.start, cue.end)
        start = max(0, start)
        cues.append(cue.copy(start=start, end=max(start, end)))
    synced = target.copy(cues=cues)
    synced.findings.append(
        Finding(
            "retimed",
            f"re-timed onto {reference.path or 'the reference'}: {transform.describe()}",
            path=target.path,
            severity="info",
            fixed=True,
        )
    )
    return synced, transform
