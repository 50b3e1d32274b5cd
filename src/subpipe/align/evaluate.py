"""Evaluation: distort real films with a seed, keep the gold links, align, and score.

Tears of Steel and Sintel come in many languages translated on one timing template, so cue i of one
language is the translation of cue i of another: a gold alignment for free. `distort` damages the
target the way real tracks differ, keeping track of where every original cue went:

- ``offset``: everything later (up to 10 minutes) or earlier;
- ``frame-rate``: a ratio between 23.976/24/25/29.97/30 fps, or any scale within +-5 %;
- ``cut``: an ad break: from a point between two cues, the rest of the film starts 20-180 s later;
- ``split``: 15 % of the cues split in two at a word boundary (gold becomes 1:2);
- ``merge``: 15 % of close neighbours merged into one cue (gold 2:1);
- ``drop``: 10 % of the cues removed (their source cues must stay unaligned);
- ``jitter``: every boundary moved by up to +-300 ms;
- ``combined``: all of the above at once.

`score_units` computes strict and lax precision, recall and F1 exactly as Vecalign's ``score.py``
(Thompson & Koehn 2019; the same definitions as Bleualign's evaluation): a test link is a strict hit
when its source and target sets equal a gold link's, a lax hit when it shares at least one source and
one target cue with gold; unaligned cues are units ``((i,), ())`` that count in precision; recall
counts only gold links with both sides. The sync residual is the distance between the fitted transform
and the true one at every target cue: what is left after the fit, jitter excluded.
"""

import math
import random
import re
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from subpipe.align.timeline import FRAME_RATES, Transform
from subpipe.cues import Cue, Track
from subpipe.errors import ErrorCode
from subpipe.fileio import read_json_input

DISTORTIONS = ("offset", "frame-rate", "cut", "split", "merge", "drop", "jitter", "combined")
Unit = tuple[tuple[int, ...], tuple[int, ...]]

# Films whose languages share one timing template, source language first.
SHARED_TIMING = {
    "tears-of-steel": (
        "TOS-en.vtt",
        ["TOS-de.vtt", "TOS-es.vtt", "TOS-fr-Goofy.vtt", "TOS-it.vtt", "TOS-nl.vtt"],
    ),
    "sintel": (
        "sintel-en.vtt",
        [
            "sintel-de.vtt",
            "sintel-es.vtt",
            "sintel-fr.vtt",
            "sintel-it.vtt",
            "sintel-nl.vtt",
            "sintel-pl.vtt",
            "sintel-pt.vtt",
            "sintel-ru.vtt",
        ],
    ),
}


# ------------------------------------------------------------------------------------- distortion


@dataclass
class _Piece:
    """A cue of the distorted target: its times, text and the original target indices it holds."""

    start: float
    end: float
    text: str
    origins: tuple[int, ...]
    true_start: float = 0.0  # on the source clock, before the time distortions (after jitter)
    timed: bool = False  # a time distortion has been applied (true_start is set)


@dataclass
class Distorted:
    """A distorted target track with its gold units and the true clock of every cue."""

    track: Track
    gold: list[Unit]
    true_source_ms: np.ndarray  # per target cue (track order): its start on the source clock
    kind: str
    seed: int
    description: str


def _split_text(text: str) -> tuple[str, str] | None:
    """Split cue text at the line break or the word boundary nearest its middle."""
    if "\n" in text:
        head, tail = text.split("\n", 1)
        if head.strip() and tail.strip():
            return head, tail
    words = text.split(" ")
    if len(words) < 2:
        return None
    total = len(text)
    best, cut = None, 0
    pos = 0
    for k in range(1, len(words)):
        pos += len(words[k - 1]) + 1
        # prefer punctuation just before the cut; otherwise the middle
        cost = abs(pos - total / 2) - (8 if re.search(r"[,.;:!?]$", words[k - 1]) else 0)
        if best is None or cost < best:
            best, cut = cost, k
    head, tail = " ".join(words[:cut]), " ".join(words[cut:])
    return (head, tail) if head.strip() and tail.strip() else None


def distort(source: Track, target: Track, kind: str, seed: int = 0) -> Distorted:
    """Damage `target` (timed like `source`, cue i translating cue i) by `kind`, reproducibly by `seed`."""
    if kind not in DISTORTIONS:
        raise ValueError(f"unknown distortion {kind!r}; known: {', '.join(DISTORTIONS)}")
    rng = random.Random(f"{kind}:{seed}:{target.path}")
    pairs = min(len(source.cues), len(target.cues))
    pieces = [_Piece(c.start, c.end, c.text, (i,)) for i, c in enumerate(target.cues[:pairs])]
    steps = (
        ["split", "merge", "drop", "jitter", "frame-rate", "offset", "cut"] if kind == "combined" else [kind]
    )
    notes = []
    for step in steps:
        if step == "offset" and kind == "combined":
            # offset plus ad break stay within the +-10 minutes the fit searches
            pieces, note = _step_offset(pieces, rng, limit=600_000.0 - 180_000.0)
        else:
            pieces, note = _STEPS[step](pieces, rng)
        notes.append(note)
    for p in pieces:
        if not p.timed:
            p.true_start = p.start
    pieces.sort(key=lambda p: (p.start, p.end))
    cues = [
        Cue(int(round(p.start)), int(round(p.end)), p.text, position=k, identifier=str(k + 1))
        for k, p in enumerate(pieces)
    ]
    track = Track(
        cues=cues,
        path=f"{target.path or 'target'}#{kind}-{seed}",
        format=target.format,
        lang=target.lang,
        fps=target.fps,
    )
    gold = _gold_units(source, target, pieces, pairs)
    return Distorted(track, gold, np.array([p.true_start for p in pieces]), kind, seed, "; ".join(notes))


def _gold_units(source: Track, target: Track, pieces: list[_Piece], pairs: int) -> list[Unit]:
    """Connected components of source cue i -- final cues holding original target cue i."""
    holders: dict[int, list[int]] = {}
    for k, p in enumerate(pieces):
        for o in p.origins:
            holders.setdefault(o, []).append(k)
    src_pos = [c.position for c in source.cues]
    parent = list(range(pairs + len(pieces)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(pairs):
        for k in holders.get(i, []):
            parent[find(pairs + k)] = find(i)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(pairs):
        groups.setdefault(find(i), ([], []))[0].append(src_pos[i])
    for k in range(len(pieces)):
        groups.setdefault(find(pairs + k), ([], []))[1].append(k)
    units = [(tuple(sorted(s)), tuple(sorted(t))) for s, t in groups.values()]
    units += [((p,), ()) for p in src_pos[pairs:]]
    return sorted(units)


def _step_split(pieces: list[_Piece], rng: random.Random) -> tuple[list[_Piece], str]:
    out, n = [], 0
    for p in pieces:
        halves = _split_text(p.text) if len(p.origins) == 1 and p.end - p.start >= 1200 else None
        if halves and rng.random() < 0.15:
            head, tail = halves
            mid = p.start + (p.end - p.start) * len(head) / max(len(head) + len(tail), 1)
            gap = rng.uniform(0, 80)
            out += [
                _Piece(p.start, mid - gap / 2, head, p.origins),
                _Piece(mid + gap / 2, p.end, tail, p.origins),
            ]
            n += 1
        else:
            out.append(p)
    return out, f"split {n} cues"


def _step_merge(pieces: list[_Piece], rng: random.Random) -> tuple[list[_Piece], str]:
    out, n, k = [], 0, 0
    while k < len(pieces):
        p = pieces[k]
        q = pieces[k + 1] if k + 1 < len(pieces) else None
        mergeable = (
            q is not None
            and q.start - p.end <= 1500
            and set(p.origins).isdisjoint(q.origins)
            and len(p.origins) == 1
            and len(q.origins) == 1
        )
        if mergeable and rng.random() < 0.15:
            out.append(_Piece(p.start, max(p.end, q.end), p.text + "\n" + q.text, p.origins + q.origins))
            n += 1
            k += 2
        else:
            out.append(p)
            k += 1
    return out, f"merged {n} pairs"


def _step_drop(pieces: list[_Piece], rng: random.Random) -> tuple[list[_Piece], str]:
    keep = [p for p in pieces if rng.random() >= 0.10]
    return keep, f"dropped {len(pieces) - len(keep)} cues"


def _step_jitter(pieces: list[_Piece], rng: random.Random) -> tuple[list[_Piece], str]:
    out = []
    for p in pieces:
        start = max(0.0, p.start + rng.uniform(-300, 300))
        end = max(start + 300, p.end + rng.uniform(-300, 300))
        out.append(_Piece(start, end, p.text, p.origins))
    return out, "jittered boundaries by +-300 ms"


def _time_step(pieces: list[_Piece], f) -> list[_Piece]:
    """Apply a time map; the first time map also fixes each piece's true source time."""
    return [
        _Piece(f(p.start), f(p.end), p.text, p.origins, p.true_start if p.timed else p.start, True)
        for p in pieces
    ]


def _step_frame_rate(pieces: list[_Piece], rng: random.Random) -> tuple[list[_Piece], str]:
    if rng.random() < 0.5:
        ratios = [a / b for a in FRAME_RATES for b in FRAME_RATES if a != b and 0.95 <= a / b <= 1.05]
        scale = rng.choice(ratios)
    else:
        scale = rng.uniform(0.95, 1.05)
    shift = rng.uniform(-2000, 2000)
    first = min(p.start for p in pieces)
    shift = max(shift, -first * scale + 100)
    return _time_step(pieces, lambda t: t * scale + shift), f"scaled by {scale:.5f}, shifted {shift:+.0f} ms"


def _step_offset(
    pieces: list[_Piece], rng: random.Random, limit: float = 600_000.0
) -> tuple[list[_Piece], str]:
    first = min(p.start for p in pieces)
    lowest = -min(limit, first - 100)
    offset = (
        rng.uniform(5_000, limit) if rng.random() < 0.6 or lowest > -5_000 else rng.uniform(lowest, -1_000)
    )
    return _time_step(pieces, lambda t: t + offset), f"offset {offset:+.0f} ms"


def _step_cut(pieces: list[_Piece], rng: random.Random) -> tuple[list[_Piece], str]:
    order = sorted(pieces, key=lambda p: p.start)
    k = rng.randint(max(1, int(len(order) * 0.3)), max(1, int(len(order) * 0.7)))
    k = min(k, len(order) - 1)
    # in the silence before cue k: an ad break never interrupts a line
    last_end = max(p.end for p in order[:k])
    cut = (max(last_end, order[k - 1].start) + max(order[k].start, last_end)) / 2
    gap = rng.uniform(20_000, 180_000)
    out = []
    for p in pieces:
        shift = gap if p.start >= cut else 0.0
        out.append(
            _Piece(
                p.start + shift, p.end + shift, p.text, p.origins, p.true_start if p.timed else p.start, True
            )
        )
    return out, f"ad break of {gap / 1000:.0f} s at {cut / 1000:.0f} s"


_STEPS = {
    "split": _step_split,
    "merge": _step_merge,
    "drop": _step_drop,
    "jitter": _step_jitter,
    "frame-rate": _step_frame_rate,
    "offset": _step_offset,
    "cut": _step_cut,
}


# ---------------------------------------------------------------------------------------- scoring


def _precision(gold: Iterable[Unit], test: Iterable[Unit]) -> np.ndarray:
    """Vecalign's ``_precision``: [tp strict, fp strict, tp lax, fp lax] of `test` against `gold`."""
    test_set = {(tuple(s), tuple(t)) for s, t in test if len(s) or len(t)}
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if len(s) or len(t)}
    src_to_gold_tgt: dict[int, set[int]] = {}
    for gs, gt in gold_set:
        for s in gs:
            src_to_gold_tgt.setdefault(s, set()).update(gt)
    counts = np.zeros(4, dtype=np.int64)
    for ts, tt in test_set:
        if (ts, tt) in gold_set:
            counts += (1, 0, 1, 0)
        else:
            targets = set().union(*(src_to_gold_tgt.get(s, set()) for s in ts)) if ts else set()
            counts += (0, 1, 1, 0) if targets & set(tt) else (0, 1, 0, 1)
    return counts


def score_units(gold: Sequence[Unit], test: Sequence[Unit]) -> dict:
    """Strict and lax precision, recall and F1 of `test` units against `gold` (Vecalign's definitions).

    >>> gold = [((0,), (0,)), ((1,), (1, 2)), ((2,), ())]
    >>> s = score_units(gold, [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ())])
    >>> s["strict_precision"], s["strict_recall"], s["lax_precision"], s["lax_recall"]
    (0.5, 0.5, 0.75, 1.0)
    """
    p = _precision(gold, test)
    r = _precision([u for u in test if u[0] and u[1]], [u for u in gold if u[0] and u[1]])

    def f1(prec: float, rec: float) -> float:
        return 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    sp = float(p[0] / max(p[0] + p[1], 1))
    lp = float(p[2] / max(p[2] + p[3], 1))
    sr = float(r[0] / max(r[0] + r[1], 1))
    lr = float(r[2] / max(r[2] + r[3], 1))
    return {
        "strict_precision": round(float(sp), 4),
        "strict_recall": round(float(sr), 4),
        "strict_f1": round(f1(sp, sr), 4),
        "lax_precision": round(float(lp), 4),
        "lax_recall": round(float(lr), 4),
        "lax_f1": round(f1(lp, lr), 4),
    }


def sync_residuals(transform: Transform, distorted: Distorted) -> np.ndarray:
    """|fitted source time - true source time| at every target cue start, in ms."""
    starts = np.array([c.start for c in distorted.track.cues], dtype=np.float64)
    return np.abs(transform.apply(starts) - distorted.true_source_ms)


# ----------------------------------------------------------------------------------------- running


@dataclass
class Result:
    film: str
    lang: str
    distortion: str
    seed: int
    scores: dict
    residual_median_ms: float
    seconds: float
    description: str = ""

    def row(self) -> dict:
        return {
            "film": self.film,
            "lang": self.lang,
            "distortion": self.distortion,
            "seed": self.seed,
            "strict_f1": self.scores["strict_f1"],
            "lax_f1": self.scores["lax_f1"],
            "residual_median_ms": round(self.residual_median_ms, 1),
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Evaluation:
    results: list[Result] = field(default_factory=list)

    def by_distortion(self) -> dict[str, dict]:
        """Mean strict/lax F1 and median residual per distortion (over films, languages, seeds)."""
        out = {}
        for kind in dict.fromkeys(r.distortion for r in self.results):
            rs = [r for r in self.results if r.distortion == kind]
            out[kind] = {
                "runs": len(rs),
                "strict_f1": round(statistics.fmean(r.scores["strict_f1"] for r in rs), 4),
                "lax_f1": round(statistics.fmean(r.scores["lax_f1"] for r in rs), 4),
                "residual_median_ms": round(statistics.median(r.residual_median_ms for r in rs), 1),
                "residual_worst_ms": round(max(r.residual_median_ms for r in rs), 1),
            }
        return out

    @property
    def strict_f1(self) -> float:
        """Strict F1 averaged over distortions (each the mean over films and languages)."""
        per = self.by_distortion()
        return round(statistics.fmean(d["strict_f1"] for d in per.values()), 4) if per else 0.0

    @property
    def lax_f1(self) -> float:
        per = self.by_distortion()
        return round(statistics.fmean(d["lax_f1"] for d in per.values()), 4) if per else 0.0

    @property
    def residual_median_ms(self) -> float:
        return (
            float(statistics.median(r.residual_median_ms for r in self.results)) if self.results else math.nan
        )

    def markdown(self) -> str:
        lines = [
            "| distortion | runs | strict F1 | lax F1 | sync residual median (ms) | worst run (ms) |",
            "|---|---|---|---|---|---|",
        ]
        for kind, d in self.by_distortion().items():
            lines.append(
                f"| {kind} | {d['runs']} | {d['strict_f1']:.3f} | {d['lax_f1']:.3f} | "
                f"{d['residual_median_ms']:.1f} | {d['residual_worst_ms']:.1f} |"
            )
        lines.append(
            f"| **all** | {len(self.results)} | **{self.strict_f1:.3f}** | **{self.lax_f1:.3f}** | "
            f"{self.residual_median_ms:.1f} | |"
        )
        return "\n".join(lines) + "\n"


def shared_timing_pairs(
    corpus: str | Path, films: Sequence[str] | None = None
) -> list[tuple[str, Track, Track]]:
    """(film, source track, target track) for every language pair of the shared-timing films."""
    from subpipe.align import load_track

    root = Path(corpus) / "films"
    out = []
    for film, (src_name, targets) in SHARED_TIMING.items():
        if films and film not in films:
            continue
        source = load_track(root / film / src_name, lang="en")
        for name in targets:
            lang = re.search(r"-([a-z]{2})(?:-\w+)?\.vtt$", name).group(1)
            out.append((film, source, load_track(root / film / name, lang=lang)))
    return out


def evaluate(
    pairs: Sequence[tuple[str, Track, Track]],
    distortions: Sequence[str] = DISTORTIONS,
    seeds: Sequence[int] = (0,),
    **align_options,
) -> Evaluation:
    """Distort every target of `pairs` by every distortion and seed, align, score."""
    from subpipe.align import align_tracks

    evaluation = Evaluation()
    for film, source, target in pairs:
        for kind in distortions:
            for seed in seeds:
                d = distort(source, target, kind, seed)
                t0 = time.perf_counter()
                alignment = align_tracks(source, d.track, **align_options)
                seconds = time.perf_counter() - t0
                scores = score_units(d.gold, alignment.units())
                resid = float(np.median(sync_residuals(alignment.transform, d)))
                evaluation.results.append(
                    Result(film, target.lang or "?", kind, seed, scores, resid, seconds, d.description)
                )
    return evaluation


# ------------------------------------------------------------------------------------ the gold set


def load_gold(path: str | Path) -> dict:
    """A hand-made gold file: links.json's schema plus ``stretch`` and ``note``."""
    return read_json_input(path, what="gold file", code=ErrorCode.LINKS)


def gold_units(gold: dict) -> list[Unit]:
    units = [(tuple(link["source"]), tuple(link["target"])) for link in gold["links"]]
    units += [((p,), ()) for p in gold.get("unaligned_source", [])]
    units += [((), (p,)) for p in gold.get("unaligned_target", [])]
    return units


def score_against_gold(units: Sequence[Unit], gold: dict) -> dict:
    """Score test units on the gold's stretch only: units touching a cue outside it are left out."""
    s_lo, s_hi = gold["stretch"]["source"]
    t_lo, t_hi = gold["stretch"]["target"]

    def inside(unit: Unit) -> bool:
        s, t = unit
        return all(s_lo <= p <= s_hi for p in s) and all(t_lo <= p <= t_hi for p in t)

    return score_units(gold_units(gold), [u for u in units if inside(u)])
