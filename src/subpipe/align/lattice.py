"""The alignment lattice: which cells a banded dynamic programme visits, and its three passes.

Row i of the lattice means i source cues consumed, column j, j target cues. A move (di, dj) of
`LINK_TYPES` links the next di source cues to the next dj target cues; 1:0 and 0:1 leave a cue
unaligned. Given the gain of every move into every cell (`subpipe.align.scoring`), `decode_best_path`
finds the best monotone alignment (Viterbi, then backtracking) and `link_posteriors` the probability
of each of its links among all alignments in the band (forward-backward).
"""

import math
from dataclasses import dataclass

import numpy as np

LINK_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))

@dataclass
class Band:
    """Row i of the lattice visits target boundaries j in [lo[i], hi[i]] (column k = j - lo[i])."""

    lo: np.ndarray
    hi: np.ndarray

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max()) + 1

    @classmethod
    def around(cls, src_mid: np.ndarray, tgt_mid: np.ndarray, half_width: int) -> "Band":
        n, m = len(src_mid), len(tgt_mid)
        boundary = (src_mid[:-1] + src_mid[1:]) / 2
        centre = np.concatenate([[0], np.searchsorted(np.sort(tgt_mid), boundary), [m]])
        lo = np.clip(centre - half_width, 0, m)
        hi = np.clip(centre + half_width, 0, m)
        lo[0], hi[n] = 0, m
        # keep a path through: row i must reach as far as row i+1 starts (1:0 moves keep j)
        hi = np.maximum(hi, np.concatenate([lo[1:], [m]]))
        return cls(lo.astype(np.int64), hi.astype(np.int64))


class Lattice:
    """Gains of every move into every band cell, and the three passes over them.

    Each pass reads, for row i, the rows a move comes from shifted to row i's columns. The tables are
    kept with `width` columns of -inf either side, so that a shifted row is a slice (a shift of a
    whole row or more reads only -inf), and the moves of a row are gathered in one indexing: the
    passes then cost a few array operations per row, not a few per row and move.
    """

    def __init__(self, band: Band, gains: dict[tuple[int, int], np.ndarray]) -> None:
        self.band = band
        self.gains = gains  # (di, dj) -> (n+1, W) gain of the link ending at (i, j); -inf where impossible
        self.n = len(band.lo) - 1
        self.width = band.width
        self.valid = np.arange(self.width)[None, :] <= (band.hi - band.lo)[:, None]

    def _sources(self) -> tuple[np.ndarray, np.ndarray]:
        """Where row i's moves come from in a padded table of 2(n+1) rows (direct rows, then total
        rows): row index and first column, per row (n+1) and move (1:0 first, then `LINK_TYPES`)."""
        n, w, lo = self.n, self.width, self.band.lo
        i = np.arange(n + 1)
        rows, cols = [], []
        for di, dj, table in [(1, 0, 0)] + [(di, dj, 1) for di, dj in LINK_TYPES]:
            before = np.maximum(i - di, 0)
            rows.append(table * (n + 1) + before)
            cols.append(w + np.clip(lo - lo[before] - dj, -w, w))
        return np.stack(rows, axis=1), np.stack(cols, axis=1)

    def _move_gains(self, beta: float) -> np.ndarray:
        """(n+1, 1 + len(LINK_TYPES), W): `beta` times the gain of each move into row i, 0 for 1:0, and
        -inf for a move longer than i (as if it were not tried)."""
        g = np.zeros((self.n + 1, 1 + len(LINK_TYPES), self.width))
        for t, (di, dj) in enumerate(LINK_TYPES, 1):
            g[:, t] = beta * self.gains[(di, dj)]
            g[:di, t] = -np.inf
        return g

    def viterbi(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, w = self.n, self.width
        table = np.full((2 * (n + 1), 3 * w), -np.inf)  # direct rows, then total rows, padded
        direct, total = table[: n + 1, w : 2 * w], table[n + 1 :, w : 2 * w]
        move = np.full((n + 1, w), -1, dtype=np.int8)  # index into LINK_TYPES, or len(LINK_TYPES) for 1:0
        direct[0, 0] = 0.0
        total[0] = np.where(self.valid[0], np.maximum.accumulate(direct[0]), -np.inf)
        rows, cols = self._sources()
        gains = self._move_gains(1.0)
        span = np.arange(w)
        # the first best candidate wins, as if taken in turn with a strict >: 1:0, then LINK_TYPES
        labels = np.array([len(LINK_TYPES), *range(len(LINK_TYPES))], dtype=np.int8)
        for i in range(1, n + 1):
            # 1:0 comes only from a cell not entered by 0:1; a move longer than i reads -inf gains
            cand = table[rows[i][:, None], cols[i][:, None] + span] + gains[i]
            k = np.argmax(cand, axis=0)
            best = cand[k, span]
            arg = np.where(np.isfinite(best), labels[k], -1).astype(np.int8)
            best = np.where(self.valid[i], best, -np.inf)
            direct[i], move[i] = best, arg
            total[i] = np.where(self.valid[i], np.maximum.accumulate(best), -np.inf)
        return total.copy(), direct.copy(), move

    def forward(self, beta: float) -> np.ndarray:
        n, w = self.n, self.width
        table = np.full((2 * (n + 1), 3 * w), -np.inf)
        direct, total = table[: n + 1, w : 2 * w], table[n + 1 :, w : 2 * w]
        direct[0, 0] = 0.0
        total[0] = np.where(self.valid[0], np.logaddexp.accumulate(direct[0]), -np.inf)
        rows, cols = self._sources()
        gains = self._move_gains(beta)
        span = np.arange(w)
        for i in range(1, n + 1):
            terms = table[rows[i][:, None], cols[i][:, None] + span] + gains[i]
            # a reduction over the first axis takes the rows in turn: the sum of log-weights as it
            # was always taken, move after move
            acc = np.where(self.valid[i], np.logaddexp.reduce(terms, axis=0), -np.inf)
            direct[i] = acc
            total[i] = np.where(self.valid[i], np.logaddexp.accumulate(acc), -np.inf)
        return total.copy()

    def backward(self, beta: float) -> np.ndarray:
        """``free[i, k]``: log-weight of all completions from cell (i, j) when a 1:0 move is allowed."""
        n, w = self.n, self.width
        lo = self.band.lo
        moves = len(LINK_TYPES)
        # rows past n (where a move would end beyond the lattice) and the padding columns read -inf
        past = n + 1 + max(di for di, _ in LINK_TYPES)
        padded = np.full((past, 3 * w), -np.inf)
        free = padded[: n + 1, w : 2 * w]
        gains = np.full((past, moves, 3 * w), -np.inf)
        for t, move in enumerate(LINK_TYPES):
            gains[: n + 1, t, w : 2 * w] = beta * self.gains[move]
        i = np.arange(n + 1)
        di = np.array([m[0] for m in LINK_TYPES])
        dj = np.array([m[1] for m in LINK_TYPES])
        rows = i[:, None] + di[None, :]
        cols = w + np.clip(lo[:, None] + dj[None, :] - lo[np.minimum(rows, n)], -w, w)
        down_cols = w + np.clip(lo[:-1] - lo[1:], -w, w)
        which = np.arange(moves)[:, None]
        span = np.arange(w)
        for i in range(n, -1, -1):
            at = (rows[i][:, None], cols[i][:, None] + span)
            acc = np.logaddexp.reduce(padded[at] + gains[at[0], which, at[1]], axis=0)  # moves in turn
            if i == n:
                acc[int(self.band.hi[n] - lo[n])] = 0.0  # the end of the lattice (no move goes on)
            acc = np.where(self.valid[i], acc, -np.inf)
            after_skip = np.logaddexp.accumulate(acc[::-1])[::-1]  # 0:1 moves along the row
            after_skip = np.where(self.valid[i], after_skip, -np.inf)
            if i < n:
                down = padded[i + 1, down_cols[i] : down_cols[i] + w]  # 1:0 move
                free[i] = np.where(self.valid[i], np.logaddexp(after_skip, down), -np.inf)
            else:
                free[i] = after_skip
        return free.copy()


def _backtrack(
    lattice: Lattice, total: np.ndarray, direct: np.ndarray, move: np.ndarray
) -> list[tuple[int, int, int, int]]:
    """Links (i, j, di, dj) of the best path, in order."""
    lo = lattice.band.lo
    i, j = lattice.n, int(lattice.band.hi[lattice.n])
    free = False  # True right after a 1:0 move: the cell must have been entered directly
    links = []
    while i > 0 or j > 0:
        k = j - lo[i]
        if not free and total[i, k] > direct[i, k]:
            j -= 1  # 0:1, target cue j-1 unaligned
            continue
        mv = int(move[i, k])
        if mv == len(LINK_TYPES) or mv < 0:
            if i == 0:
                j -= 1
                continue
            i -= 1  # 1:0, source cue i unaligned
            free = True
            continue
        di, dj = LINK_TYPES[mv]
        links.append((i, j, di, dj))
        i, j, free = i - di, j - dj, False
    return links[::-1]



# A path step: (i, j, di, dj), the link of source cues i-di..i-1 and target cues j-dj..j-1.
Step = tuple[int, int, int, int]


def decode_best_path(lattice: Lattice) -> list[Step]:
    """The links of the best monotone alignment, in order (Viterbi over the band, then backtracking)."""
    total, direct, move = lattice.viterbi()
    return _backtrack(lattice, total, direct, move)


def link_posteriors(lattice: Lattice, path: list[Step], beta: float) -> list[float]:
    """Posterior probability of each link of `path` among all monotone alignments in the band, with
    the gains as log-weights scaled by `beta` (forward-backward)."""
    fwd = lattice.forward(beta)
    bwd = lattice.backward(beta)
    lo, n = lattice.band.lo, lattice.n
    z = fwd[n, int(lattice.band.hi[n] - lo[n])]
    if not path:
        return []
    i, j, di, dj = (np.array(c, dtype=np.int64) for c in zip(*path))
    k = j - lo[i]
    kp = (j - dj) - lo[i - di]
    gain = np.empty(len(path))
    for move in set(zip(di.tolist(), dj.tolist())):
        at = (di == move[0]) & (dj == move[1])
        gain[at] = lattice.gains[move][i[at], k[at]]
    log_post = fwd[i - di, kp] + beta * gain + bwd[i, k] - z
    # math.exp, link by link, as always (numpy's exp may differ in the last bit)
    return [min(max(math.exp(min(v, 0.0)), 0.0), 1.0) for v in log_post.tolist()]
