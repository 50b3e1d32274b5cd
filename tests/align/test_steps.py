"""The three steps of linking, one at a time, on Tears of Steel: scoring, decoding, posteriors."""

import numpy as np
import pytest
from conftest import CORPUS

from subpipe.align import fit_timeline, link_cues, load_track
from subpipe.align.lattice import LINK_TYPES, Band, Lattice, decode_best_path, link_posteriors
from subpipe.align.link import THRESHOLD, WEIGHTS
from subpipe.align.scoring import TYPE_COST, score_moves
from subpipe.align.timeline import speech_cues

TOS = CORPUS / "films" / "tears-of-steel"


@pytest.fixture(scope="module")
def tos_scores():
    en, de = load_track(TOS / "TOS-en.vtt", lang="en"), load_track(TOS / "TOS-de.vtt", lang="de")
    transform = fit_timeline(en, de)
    src = sorted(speech_cues(en.cues), key=lambda c: (c.start, c.end, c.position))
    tgt = sorted(speech_cues(de.cues), key=lambda c: (transform.map_interval(c.start, c.end), c.position))
    scores = score_moves(src, tgt, transform, glossary=None, similarity=None, half_width=8, weights=WEIGHTS,
                         threshold=THRESHOLD)
    return en, de, transform, src, tgt, scores


def test_scoring_gives_every_move_a_gain_over_the_band(tos_scores):
    _, _, _, src, tgt, scores = tos_scores
    assert set(scores.gains) == set(LINK_TYPES)
    for move, gain in scores.gains.items():
        assert gain.shape == (len(src) + 1, scores.band.width)
        finite = gain[np.isfinite(gain)]
        # a gain is size * (quality - threshold) - type cost, quality in [0, 1]
        size = sum(move) / 2
        assert finite.min() >= size * (0 - THRESHOLD) - TYPE_COST[move] - 1e-9
        assert finite.max() <= size * (1 - THRESHOLD) - TYPE_COST[move] + 1e-9
    assert not scores.with_similarity and "similarity" not in scores.features[(1, 1)]
    # the two tracks share their timing: most German cues match the English one at the same time
    assert scores.length_model.learnt_from > len(src) / 2


def test_decoding_finds_a_monotone_path_of_disjoint_links(tos_scores):
    _, _, _, src, tgt, scores = tos_scores
    path = decode_best_path(Lattice(scores.band, scores.gains))
    assert all((di, dj) in LINK_TYPES for _, _, di, dj in path)
    ends = [(i, j) for i, j, _, _ in path]
    assert ends == sorted(ends) and len(set(ends)) == len(ends)
    for (i, j, _, _), (i2, j2, di2, dj2) in zip(path, path[1:]):
        assert i2 - di2 >= i and j2 - dj2 >= j  # no cue in two links
    assert sum(1 for *_, di, dj in path if (di, dj) == (1, 1)) > 0.8 * len(path)


def test_posteriors_are_probabilities_and_the_linker_reports_them(tos_scores):
    en, de, transform, _, _, scores = tos_scores
    lattice = Lattice(scores.band, scores.gains)
    path = decode_best_path(lattice)
    posteriors = link_posteriors(lattice, path, beta=16.0)
    assert len(posteriors) == len(path) and all(0.0 <= p <= 1.0 for p in posteriors)
    linked = link_cues(en, de, transform)
    assert [link.confidence for link in linked.links] == posteriors
    # a flatter temperature spreads the weight over more alternatives
    assert sum(link_posteriors(lattice, path, beta=2.0)) < sum(posteriors)


def test_a_band_keeps_a_path_through_when_rows_jump():
    band = Band.around(np.array([0.0, 1.0, 50.0, 51.0]), np.array([0.0, 1.0, 2.0, 50.0, 51.0]), half_width=1)
    assert band.lo[0] == 0 and band.hi[-1] == 5
    assert all(band.hi[i] >= band.lo[i + 1] for i in range(len(band.lo) - 1))


class _RowByRow:
    """The lattice passes as first written: one shifted copy per row and move (the reference that the
    padded, gathered passes of `Lattice` must reproduce bit for bit)."""

    def __init__(self, band, gains):
        self.band, self.gains = band, gains
        self.n, self.width = len(band.lo) - 1, band.width
        self.valid = np.arange(self.width)[None, :] <= (band.hi - band.lo)[:, None]

    @staticmethod
    def shift(row, shift, width):
        out = np.full(width, -np.inf)
        lo, hi = max(0, -shift), min(width, len(row) - shift)
        if hi > lo:
            out[lo:hi] = row[lo + shift : hi + shift]
        return out

    def prev(self, table, i, di, dj):
        return self.shift(table[i - di], int(self.band.lo[i] - self.band.lo[i - di] - dj), self.width)

    def viterbi(self):
        n, w = self.n, self.width
        total, direct = np.full((n + 1, w), -np.inf), np.full((n + 1, w), -np.inf)
        move = np.full((n + 1, w), -1, dtype=np.int8)
        direct[0, 0] = 0.0
        total[0] = np.where(self.valid[0], np.maximum.accumulate(direct[0]), -np.inf)
        for i in range(1, n + 1):
            best = self.prev(direct, i, 1, 0)
            arg = np.where(np.isfinite(best), len(LINK_TYPES), -1).astype(np.int8)
            for t, (di, dj) in enumerate(LINK_TYPES):
                if di > i:
                    continue
                cand = self.prev(total, i, di, dj) + self.gains[(di, dj)][i]
                better = cand > best
                best, arg = np.where(better, cand, best), np.where(better, t, arg)
            best = np.where(self.valid[i], best, -np.inf)
            direct[i], move[i] = best, arg
            total[i] = np.where(self.valid[i], np.maximum.accumulate(best), -np.inf)
        return total, direct, move

    def forward(self, beta):
        n, w = self.n, self.width
        total, direct = np.full((n + 1, w), -np.inf), np.full((n + 1, w), -np.inf)
        direct[0, 0] = 0.0
        total[0] = np.where(self.valid[0], np.logaddexp.accumulate(direct[0]), -np.inf)
        for i in range(1, n + 1):
            acc = self.prev(direct, i, 1, 0)
            for di, dj in LINK_TYPES:
                if di <= i:
                    acc = np.logaddexp(acc, self.prev(total, i, di, dj) + beta * self.gains[(di, dj)][i])
            direct[i] = acc = np.where(self.valid[i], acc, -np.inf)
            total[i] = np.where(self.valid[i], np.logaddexp.accumulate(acc), -np.inf)
        return total

    def backward(self, beta):
        n, w, lo = self.n, self.width, self.band.lo
        free = np.full((n + 1, w), -np.inf)
        for i in range(n, -1, -1):
            acc = np.full(w, -np.inf)
            if i == n:
                acc[int(self.band.hi[n] - lo[n])] = 0.0
            for di, dj in LINK_TYPES:
                if i + di <= n:
                    nxt = free[i + di] + beta * self.gains[(di, dj)][i + di]
                    acc = np.logaddexp(acc, self.shift(nxt, int(lo[i] + dj - lo[i + di]), w))
            acc = np.where(self.valid[i], acc, -np.inf)
            after = np.where(self.valid[i], np.logaddexp.accumulate(acc[::-1])[::-1], -np.inf)
            if i < n:
                down = self.shift(free[i + 1], int(lo[i] - lo[i + 1]), w)
                free[i] = np.where(self.valid[i], np.logaddexp(after, down), -np.inf)
            else:
                free[i] = after
        return free


def _jumping_lattice():
    """A band whose rows jump by more than its width both ways (source mids out of order), with random
    gains, ties included (gains rounded to a tenth), -inf where a move cannot end."""
    rng = np.random.default_rng(7)
    src_mid = np.sort(rng.uniform(0, 600, 60))
    src_mid[20:23] = src_mid[20:23][::-1] + [0, 90, 180]  # a long cue's mid after the next ones'
    band = Band.around(src_mid, np.sort(np.concatenate([rng.uniform(0, 600, 50), [300] * 12])), 3)
    rows = np.arange(len(band.lo))[:, None]
    cols = band.lo[:, None] + np.arange(band.width)[None, :]
    gains = {}
    for di, dj in LINK_TYPES:
        possible = (cols <= band.hi[:, None]) & (rows >= di) & (cols >= dj) & (rng.random(cols.shape) < 0.9)
        gains[(di, dj)] = np.where(possible, np.round(rng.normal(0, 0.4, cols.shape), 1), -np.inf)
    return band, gains


@pytest.mark.parametrize("case", ["tears of steel", "jumping band"])
def test_the_passes_equal_the_row_by_row_reference_bit_for_bit(tos_scores, case):
    band, gains = (tos_scores[5].band, tos_scores[5].gains) if case == "tears of steel" else _jumping_lattice()
    lattice, reference = Lattice(band, gains), _RowByRow(band, gains)
    if case == "jumping band":
        jumps = band.lo[3:] - band.lo[:-3]  # a move reads a row a whole row-width away, both ways
        assert jumps.max() > band.width and jumps.min() - 3 < -band.width
    for ours, theirs in zip(lattice.viterbi(), reference.viterbi(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    for beta in (2.0, 16.0):
        np.testing.assert_array_equal(lattice.forward(beta), reference.forward(beta))
        np.testing.assert_array_equal(lattice.backward(beta), reference.backward(beta))
