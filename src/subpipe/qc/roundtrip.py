"""Fluent nonsense caught by a second engine: each translated sentence held against what an *independent*
engine makes of the same text, both ways.

The lexicon and the rules of `subpipe.qc.mt` see invented words and loops, not a line of real words that
says something else ("Compra esa razón." for "But that's no reason to destroy the world."). A second
engine that did not produce the line can: translated back ``target -> source``, nonsense no longer
resembles its source; and that engine's own translation ``source -> target`` shares little with it.

For each sentence, two sacrebleu sentence chrF scores (0-100):

- *round trip*: the independent engine's back-translation of the output against the source;
- *agreement*: the output against the independent engine's own translation of the source;

and their mean, the *support*. A sentence is flagged ``mt-round-trip`` (a warning on its first target cue,
the message quoting the back-translation so staff see why) when its support is below the judging
engine's `Threshold`: below ``floor`` always, below ``below`` when its source has ``min_letters``
letters or more (short lines, "Come on!" / "¡Vamos!", are idioms no engine renders as a subtitler does).

Short lines get a second judge, on words rather than chrF (character n-grams of a two-word line say
little: "Thank you." -> "Muchas." has support 14, the human "Come on!" -> "¡Vamos!" 8). Where the judge's
dictionary reads the source as a fixed expression (`FIXED_SHARE` of its letters in interjections and
multiword entries: "Thank you", "I'm sorry"; not "Come on", two words), its own translation is that
entry's, not a guess; a line then must share a word (case, accents and punctuation aside) with it, or its
back-translation a word with the source. "Muchas." shares none with "Gracias.", nor "Many." with "Thank
you.": flagged. Only judges that can tell (Apertium: `ApertiumEngine.fixed_expressions`) run it.

Independent means not the engine that translated: the output of argos is judged by Apertium and
Apertium's by argos (`JUDGES`, in that order of preference). Each direction is one batched call per
film and language pair. When no independent engine translates the pair both ways (or it fails), the
check is not run, and says so: one informational ``mt-round-trip-not-run`` finding naming the reason,
and the number of sentences left unchecked (`RoundTrip.unchecked`), never a silent pass.

Thresholds were set on data (`bench/bench_quality.py`, MT-fault section): the human Spanish and English
subtitles of Tears of Steel and Sintel paired by time with their source (202 cues) must stay at or below
3% flagged, MT rules included (6 of 202; the rules alone: 2); Apertium as the judge then brings the demo
model's lines that score chrF < 25 against the human subtitles from 48 flagged by the rules alone to 64 of
104; the fixed-expression judge of short lines adds 2 (66 of 104: "Thank you." -> "Muchas.", "I'm sorry."
-> "Estoy dudo.") and no human cue. The demo argos models as the judge of Apertium get the thresholds that keep 2.5% of the human cues
flagged, and then add 2 of Apertium's 51 such lines to the rules' 1: a judge must translate at least as
well as the engine it judges.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from subpipe.errors import Finding, SubpipeError
from subpipe.limits import excerpt

KIND = "mt-round-trip"
NOT_RUN = "mt-round-trip-not-run"


@dataclass(frozen=True)
class Threshold:
    """Support (mean chrF of round trip and agreement) below which a sentence is flagged."""

    floor: float  # any sentence
    below: float  # sentences whose source has `min_letters` letters or more
    min_letters: int


# Short lines: a source this much made of the judge's fixed expressions is judged on words (module docstring).
FIXED_SHARE = 0.5

# Calibrated per judging engine on the corpus films' human translations (module docstring).
JUDGES = {"apertium": Threshold(floor=7.0, below=20.0, min_letters=16),
          "argos": Threshold(floor=5.0, below=10.0, min_letters=16)}


@dataclass(frozen=True)
class Support:
    """What the judging engine made of one sentence, and how close it came."""

    back: str  # the output translated back to the source language
    own: str  # the judge's own translation of the source
    round_trip: float  # chrF of `back` against the source
    agreement: float  # chrF of the output against `own`
    fixed: float = 0.0  # share of the source's letters the judge's dictionary holds as fixed expressions

    @property
    def score(self) -> float:
        return (self.round_trip + self.agreement) / 2


@dataclass
class RoundTrip:
    """The check over one language pair of a film: findings, the judge used, sentences not checked."""

    findings: list[Finding] = field(default_factory=list)
    judge: str | None = None
    checked: int = 0
    unchecked: int = 0
    reason: str | None = None


def letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def forward_engines(engine, source: str, target: str) -> set[str]:
    """Names of the engines that translated `source` -> `target` (None: the default, argos); a chain
    names the engines of its route's hops."""
    if engine is None:
        return {"argos"}
    try:
        hops = engine.route(source, target)
    except SubpipeError:
        return {engine.name}
    names = {getattr(hop, "engine", engine).name for hop in hops}
    return names or {engine.name}


def find_judge(forward: set[str], source: str, target: str, judges: Sequence[str] = tuple(JUDGES)):
    """(engine, None) for the first engine of `judges` that is not in `forward` and translates the pair
    both ways; (None, why not) when there is none."""
    from subpipe.translate import get_engine

    reasons = []
    for name in judges:
        if name in forward:
            continue
        try:
            judge = get_engine(name)
            judge.route(target, source)
            judge.route(source, target)
        except SubpipeError as exc:
            reasons.append(f"{name}: {exc.message}")
            continue
        return judge, None
    if not reasons:
        return None, f"every judging engine ({', '.join(judges)}) translated the line itself"
    return None, "no independent engine translates it both ways (" + "; ".join(reasons) + ")"


def supports(pairs, judge, source: str, target: str) -> list[Support]:
    """The judge's back-translation and own translation of every pair (two batched calls), scored; and,
    where the judge can tell (``fixed_expressions``), how much of each source is its fixed expressions."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    back = judge.translate_batch([p.target for p in pairs], target, source)
    own = judge.translate_batch([p.source for p in pairs], source, target)
    tell = getattr(judge, "fixed_expressions", None)
    fixed = tell([p.source for p in pairs], source, target) if tell else [0.0] * len(pairs)
    return [Support(b, o, chrf.sentence_score(b, [p.source]).score, chrf.sentence_score(p.target, [o]).score, f)
            for p, b, o, f in zip(pairs, back, own, fixed)]


def shares_a_word(a: str, b: str) -> bool:
    """Whether `a` and `b` have a word in common, case, accents and punctuation aside.

    >>> shares_a_word("Thank you.", "Many."), shares_a_word("¡Lo sé!", "Sé.")
    (False, True)
    """
    from subpipe.qc.mt import _fold, words

    return bool({_fold(w) for w in words(a)} & {_fold(w) for w in words(b)})


def fixed_expression_missed(pair, support: Support, threshold: Threshold) -> bool:
    """Whether `pair` is a short line whose source the judge holds as a fixed expression (`FIXED_SHARE`) and
    that shares no word with the judge's rendering of it, nor its back-translation a word with the source."""
    return (letters(pair.source) < threshold.min_letters and support.fixed >= FIXED_SHARE
            and not shares_a_word(support.own, pair.target) and not shares_a_word(support.back, pair.source))


def unsupported(pair, support: Support, threshold: Threshold) -> bool:
    """Whether the judge's support for `pair` is below `threshold` (`Threshold`), or the line is short and
    misses the fixed expression its source is (`fixed_expression_missed`)."""
    limit = threshold.below if letters(pair.source) >= threshold.min_letters else threshold.floor
    return support.score < limit or fixed_expression_missed(pair, support, threshold)


def round_trip_message(pair, support: Support, judge: str) -> str:
    threshold = JUDGES.get(judge)
    if threshold is not None and fixed_expression_missed(pair, support, threshold):
        return (f"{judge}'s dictionary holds the source as a fixed expression, rendered {excerpt(support.own)}; "
                f"the output shares no word with it, nor its back-translation {excerpt(support.back)} with the "
                f"source: {excerpt(pair.target)} (source: {excerpt(pair.source)})")
    return (f"{judge} translates it back as {excerpt(support.back)} (chrF {support.round_trip:.0f} against the "
            f"source) and the source as {excerpt(support.own)} (chrF {support.agreement:.0f} against the "
            f"output): {excerpt(pair.target)} (source: {excerpt(pair.source)})")


def judged(pairs, judge, source: str, target: str) -> tuple[list[Support] | None, str | None]:
    """(`supports`, None), or (None, why the judge could not judge): no calibrated threshold, or it failed
    (a QC check that fails leaves its lines unchecked, never the language undelivered)."""
    if judge.name not in JUDGES:
        return None, f"{judge.name} has no calibrated threshold (calibrated: {', '.join(JUDGES)})"
    try:
        return supports(pairs, judge, source, target), None
    except (SubpipeError, RuntimeError, OSError, ValueError) as exc:
        return None, f"{judge.name} failed: {getattr(exc, 'message', None) or exc}"


def check_round_trip(pairs, source: str, target: str, *, engine=None, judge=None, path: str | None = None
                     ) -> RoundTrip:
    """``mt-round-trip`` findings for `pairs` (`subpipe.qc.mt.MTPair`, translated by `engine`), judged by
    `judge` (default: `find_judge`); when no judge can run, a `RoundTrip` with every pair unchecked and
    one ``mt-round-trip-not-run`` info finding saying why."""
    from subpipe.qc.mt import words

    pairs = [p for p in pairs if p.target.strip() and words(p.source)]
    if not pairs:
        return RoundTrip()
    if judge is None:
        judge, reason = find_judge(forward_engines(engine, source, target), source, target)
    if judge is not None:
        scored, reason = judged(pairs, judge, source, target)
        if scored is not None:
            threshold = JUDGES[judge.name]
            found = [Finding(KIND, round_trip_message(p, s, judge.name), path=path, line=p.line,
                             position=p.position, start_ms=p.start_ms, end_ms=p.end_ms)
                     for p, s in zip(pairs, scored) if unsupported(p, s, threshold)]
            return RoundTrip(found, judge.name, checked=len(pairs))
    note = Finding(NOT_RUN, f"round-trip check of {source}->{target} not run on {len(pairs)} sentences: {reason}",
                   path=path, severity="info")
    return RoundTrip([note], None, unchecked=len(pairs), reason=reason)
