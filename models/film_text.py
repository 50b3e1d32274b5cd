"""The text of the films the demo models must never have learnt: every subtitle file under ``samples/``
and the shared corpus, in every language.

The demo corpus generator drops any sentence that equals a film sentence or shares a long n-gram with
one (``FilmText.clash``), and ``tests/models/test_demo_corpus_honest.py`` checks the regenerated corpus
against the same text, so a demo model cannot look better on its own samples than it is.

Comparison is on normalised text: lower case, every character that is not a letter or a digit turned
into a space, whitespace collapsed ("Emo, close your eyes!" -> "emo close your eyes").
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FILM_ROOTS = (ROOT / "samples", Path(os.environ.get("SUBPIPE_CORPUS", ROOT.parent / "shared" / "corpus")))
NGRAM = 6  # words: a shared run this long is a copied line, not a shared vocabulary

# What is not a subtitle file (termbases, gold reports, licences, notes): never handed to the reader.
_NOT_SUBTITLES = {".json", ".md", ".tbx", ".csv", ".txt", ".py", ".toml"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces.

    >>> normalise("  ¡Emo, close   your EYES!... ")
    'emo close your eyes'
    """
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def sentences(text: str) -> list[str]:
    """Normalised sentences of a text (split after . ! ? … and at line breaks); empty ones dropped.

    >>> sentences("No! Emo!\\nIt's a trap.")
    ['no', 'emo', 'it s a trap']
    """
    return [s for s in (normalise(part) for part in _SENTENCE_END.split(text)) if s]


def ngrams(words: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(words[i: i + n]) for i in range(len(words) - n + 1)}


def subtitle_files(roots=FILM_ROOTS) -> list[Path]:
    """Every file under ``roots`` that may be a subtitle file, sorted; missing roots are skipped."""
    found = []
    for root in roots:
        root = Path(root)
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in _NOT_SUBTITLES
                      and p.name != "LICENSE"]
    return sorted(found)


def read_cue_texts(path: Path) -> tuple[list[str], bool]:
    """The plain text of every cue and True, read with subpipe's reader; for a file the reader refuses
    (a corner case of the corpus, a format subpipe does not read) every line of the raw text and False,
    so no file's words escape the check."""
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    from subpipe.errors import SubpipeError
    from subpipe.formats import read_track

    for fps in (None, 25.0):  # MicroDVD counts frames: its reader needs a frame rate
        try:
            track = read_track(path, fps=fps)
        except (SubpipeError, UnicodeError, ValueError):
            continue
        return [cue.plain for cue in track.cues if cue.plain.strip()], True
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return raw.decode(encoding).splitlines(), False
        except UnicodeError:
            continue
    return raw.decode("latin-1").splitlines(), False


@dataclass
class FilmText:
    """The normalised cues and sentences of the films, and their word n-grams."""

    files: list[Path] = field(default_factory=list)
    raw_files: list[Path] = field(default_factory=list)  # refused by subpipe's reader, read as lines
    lines: set[str] = field(default_factory=set)
    grams: set[tuple[str, ...]] = field(default_factory=set)

    def add(self, cue_text: str) -> None:
        whole = normalise(cue_text)
        if not whole:
            return
        self.lines.add(whole)
        self.lines.update(sentences(cue_text))
        self.grams |= ngrams(whole.split())

    def clash(self, text: str) -> str | None:
        """Why ``text`` may not be in the corpus (equal to a film line or sharing an n-gram), else None."""
        whole = normalise(text)
        for sentence in {whole, *sentences(text)}:
            if sentence in self.lines:
                return f"equals the film line {sentence!r}"
        shared = ngrams(whole.split()) & self.grams
        if shared:
            return f"shares the {NGRAM}-gram {' '.join(min(shared))!r} with a film"
        return None

    def digest(self) -> str:
        """A hash of what was excluded, recorded in the packages so a new film shows as a stale build."""
        h = hashlib.sha256()
        for line in sorted(self.lines):
            h.update(line.encode() + b"\n")
        return h.hexdigest()


def load_film_text(roots=FILM_ROOTS) -> FilmText:
    film = FilmText()
    for path in subtitle_files(roots):
        texts, parsed = read_cue_texts(path)
        (film.files if parsed else film.raw_files).append(path)
        for text in texts:
            film.add(text)
    return film
