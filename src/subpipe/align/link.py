"""Linking cues: a monotone N:M alignment of two tracks on one clock, with a confidence per link.

Once `fit_timeline` has put the target on the source's clock, the cues of the two tracks still differ:
one team split a sentence the other kept whole, one track has sound descriptions the other lacks, and
boundaries drift by a few frames. `link_cues` finds the links the way sentence aligners (Gale-Church,
Bleualign, Vecalign) do, with subtitle timing as the strongest signal:

- **Moves.** A dynamic programme over both cue sequences (sorted by time) with link types 1:1, 1:2,
  2:1, 2:2, 1:3, 3:1 and the skips 1:0 and 0:1, which leave a cue unaligned. Skips score 0, so a link
  is only made when its evidence beats leaving both sides alone: a "(howling wind)" that only one
  language has stays unaligned instead of being forced onto a neighbour.
- **Band.** Row i of the lattice (i source cues consumed) only visits the target cues around the time
  of source cue i, +- `band` cues (widened where needed to keep a path through), so the cost grows
  linearly with the film.
- **Score of a link** (each feature in [0, 1], weighted into a quality q):
  time overlap after the fit (the mean, over the link's cues, of the share of each cue that the other
  side covers);
  length agreement (Gale-Church: the target/source character ratio and its variance are learnt from the
  pair's own confident 1:1 matches, so German-English and Chinese-English each get their prior);
  lexical anchors (numbers, capitalised names, cognates by normalised edit distance, ``?`` and ``!``,
  leading and trailing ellipses, glossary pairs when given); and, when the caller passes one, a
  translation similarity ``similarity(src_text, tgt_text) -> float``. A link of s source and t target
  cues gains ``(s + t) / 2 * (q - threshold)`` minus a small prior cost for the larger types.
- **Confidence.** The posterior probability of the link among all monotone alignments in the band,
  from a forward-backward pass over the same lattice (the gains as log-weights): 0.5 means a coin toss
  between this link and something else; paths are counted once (skips in canonical order), so runs of
  unaligned cues do not inflate the alternatives.

The steps live in their own modules: `subpipe.align.anchors` (text anchors), `subpipe.align.scoring`
(features and gains of every move: `score_moves`) and `subpipe.align.lattice` (the band, then
`decode_best_path` and `link_posteriors`). This module ties them together and defines the results.

>>> from subpipe.cues import Cue
>>> en = [Cue(1000, 3000, "Where is Celia?", position=0), Cue(3500, 4000, "(door slams)", position=1),
...       Cue(5000, 9000, "She left at 9, with the robot.", position=2)]
>>> de = [Cue(1100, 2900, "Wo ist Celia?", position=0), Cue(5100, 7000, "Sie ging um 9,", position=1),
...       Cue(7000, 9100, "mit dem Roboter.", position=2)]
>>> result = link_cues(en, de)
>>> [(link.source, link.target) for link in result.links], result.unaligned_source
([([0], [0]), ([2], [1, 2])], [1])
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from subpipe.align.anchors import (  # noqa: F401 - the names this module has always offered
    ANCHOR_WEIGHTS,
    _glossary_index,
    cognate,
    cue_text_features,
    fold,
    levenshtein,
    lexical_match,
    merge_text_features,
    read_glossary_pairs,
)
from subpipe.align.lattice import LINK_TYPES, Lattice, decode_best_path, link_posteriors  # noqa: F401
from subpipe.align.scoring import (  # noqa: F401
    NEAR_MS,
    TYPE_COST,
    LengthModel,
    Similarity,
    learn_length_model,
    length_probability,
    score_moves,
)
from subpipe.align.timeline import Transform, speech_cues
from subpipe.cues import Cue, Track
from subpipe.errors import ErrorCode, SubpipeError

GlossaryPairs = Iterable[tuple[str, str]]

WEIGHTS = {"overlap": 0.6, "length": 0.15, "lexical": 0.25, "similarity": 0.3}
THRESHOLD = 0.3  # quality below which leaving both sides unaligned is better than linking them
TEMPERATURE = 16.0  # gains -> log-weights for the posterior (chosen for the lowest Brier score on the
# synthetic evaluation and the Elephants Dream gold set; 6-24 were tried)


# ------------------------------------------------------------------------------------------ results


@dataclass
class Link:
    """Source and target cue positions linked as one unit, with the confidence and the evidence.

    `overlap`, `length`, `lexical` and `similarity` are the link's features in [0, 1] (similarity is
    None without a similarity function); `quality` is their weighted mean.
    """

    source: list[int]
    target: list[int]
    confidence: float
    quality: float = 0.0
    overlap: float = 0.0
    length: float = 0.0
    lexical: float = 0.0
    similarity: float | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.source)}:{len(self.target)}"

    def to_dict(self) -> dict:
        """Exactly DESIGN.md's link object."""
        return {
            "source": list(self.source),
            "target": list(self.target),
            "confidence": round(float(self.confidence), 4),
        }



@dataclass
class Linking:
    """What `link_cues` returns: links in time order and the positions left unaligned."""

    links: list[Link]
    unaligned_source: list[int]
    unaligned_target: list[int]
    length_model: LengthModel = field(default_factory=LengthModel)



# ------------------------------------------------------------------------------------------- public


def link_cues(
    source: Track | Sequence[Cue],
    target: Track | Sequence[Cue],
    transform: Transform | None = None,
    *,
    glossary: GlossaryPairs | None = None,
    similarity: Similarity | None = None,
    band: int = 8,
    weights: dict[str, float] | None = None,
    threshold: float = THRESHOLD,
    temperature: float = TEMPERATURE,
) -> Linking:
    """Link the cues of `source` and `target` (target times mapped through `transform`, default identity).

    `glossary` is a list of (source term, target term) pairs: a pair found on both sides is an anchor.
    `similarity(src_text, tgt_text) -> float in [0, 1]` adds a translation-similarity feature (for
    instance from a machine translation of the source); it is called once per distinct pair of cue
    texts that are close in time. Empty cues and ASS comments are never linked; they are listed as
    unaligned like any cue without a counterpart.
    """
    weights = {**WEIGHTS, **(weights or {})}
    transform = transform or Transform.identity()
    src_all = list(source)
    tgt_all = list(target)
    for name, cues in (("source", src_all), ("target", tgt_all)):
        if len({c.position for c in cues}) != len(cues):
            raise SubpipeError(
                f"the {name} track's cue positions are not unique, so links could not name "
                "their cues; number them in document order (Cue.position)",
                code=ErrorCode.POSITIONS,
            )
    src = sorted(
        speech_cues(src_all) + [c for c in src_all if c.end <= c.start and c.plain.strip() and not c.comment],
        key=lambda c: (c.start, c.end, c.position),
    )
    tgt = speech_cues(tgt_all) + [c for c in tgt_all if c.end <= c.start and c.plain.strip() and not c.comment]
    mapped = transform.map_intervals([c.start for c in tgt], [c.end for c in tgt])
    tgt = [c for _, _, c in sorted(zip(mapped, [c.position for c in tgt], tgt), key=lambda m: m[:2])]
    linked_s: set[int] = set()
    linked_t: set[int] = set()
    links: list[Link] = []
    model = LengthModel()
    if src and tgt:
        links, model = _link_sorted(
            src, tgt, transform, glossary, similarity, band, weights, threshold, temperature
        )
        for link in links:
            linked_s.update(link.source)
            linked_t.update(link.target)
    return Linking(
        links,
        sorted(c.position for c in src_all if c.position not in linked_s),
        sorted(c.position for c in tgt_all if c.position not in linked_t),
        model,
    )



def _link_sorted(
    src: list[Cue],
    tgt: list[Cue],
    transform: Transform,
    glossary,
    similarity,
    half_width: int,
    weights: dict[str, float],
    threshold: float,
    beta: float,
) -> tuple[list[Link], LengthModel]:
    """Score every move, decode the best path, weigh each of its links by its posterior."""
    scores = score_moves(src, tgt, transform, glossary=glossary, similarity=similarity, half_width=half_width,
                         weights=weights, threshold=threshold)
    lattice = Lattice(scores.band, scores.gains)
    path = decode_best_path(lattice)
    confidences = link_posteriors(lattice, path, beta)
    links = []
    for (i, j, di, dj), confidence in zip(path, confidences, strict=True):
        k = j - scores.band.lo[i]
        f = scores.features[(di, dj)]
        links.append(
            Link(
                source=sorted(c.position for c in src[i - di : i]),
                target=sorted(c.position for c in tgt[j - dj : j]),
                confidence=confidence,
                quality=float(f["quality"][i, k]),
                overlap=float(f["overlap"][i, k]),
                length=float(f["length"][i, k]),
                lexical=float(f["lexical"][i, k]),
                similarity=float(f["similarity"][i, k]) if scores.with_similarity else None,
            )
        )
    return links, scores.length_model
