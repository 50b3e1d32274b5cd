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
