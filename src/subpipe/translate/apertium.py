"""Apertium backend: Debian's rule-based engine, through its ``apertium`` command, one call per film.

Installed pairs are the modes in Apertium's ``modes/`` folder (``eng-spa.mode``: ``apt-get install
apertium-eng-spa``); their ISO 639-3 names become the codes subpipe uses (``eng`` -> ``en``, ``spa`` ->
``es``; a 2-letter name such as ``fr-es`` stays). Regional variants (``spa-eng_US``) are not listed.

Batching: the sentences of a film go through one ``apertium -u MODE`` process, each on its own line with a
blank line between two (Apertium's text format turns that into a superblank, which no rule crosses), so
the output splits back into exactly one translation per sentence; a count that does not match is an
error, never a shifted track. Newlines inside a sentence become spaces; blank sentences are not sent.

Unknown words: ``-u`` leaves them unmarked and verbatim, which is how glossary placeholders (``ZQ0``)
come through Apertium's morphology untouched. Words Apertium could not transfer or generate still carry
``@`` or ``#``; those marks are stripped (unless the source sentence had the character itself) and
counted in ``stats["marks"]``.

Translations are cached like argos's, in the same SQLite file, keyed by mode and a fingerprint of the
mode's data files, so an upgraded pair is never served stale translations.
"""

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError

INSTALL_HINT = "apt-get install apertium apertium-eng-spa (or another apertium-<pair> package)"
ENV_MODES = "SUBPIPE_APERTIUM_MODES"
# Apertium names most pairs by ISO 639-3; subpipe tracks use the 2-letter code where one exists.
ISO3_TO_1 = {
    "afr": "af", "ara": "ar", "arg": "an", "bel": "be", "bre": "br", "bul": "bg", "cat": "ca", "ces": "cs",
    "cym": "cy", "dan": "da", "deu": "de", "ell": "el", "eng": "en", "epo": "eo", "est": "et", "eus": "eu",
    "fin": "fi", "fra": "fr", "gla": "gd", "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi", "hrv": "hr",
    "hbs": "sh", "isl": "is", "ita": "it", "kaz": "kk", "mkd": "mk", "mlt": "mt", "nld": "nl", "nno": "nn",
    "nob": "nb", "oci": "oc", "pol": "pl", "por": "pt", "ron": "ro", "rus": "ru", "sme": "se", "slk": "sk",
    "slv": "sl", "spa": "es", "srp": "sr", "swe": "sv", "tat": "tt", "tur": "tr", "ukr": "uk", "urd": "ur",
}
SEPARATOR = "\n\n"
_MARK_RE = re.compile(r"(?<!\S)([@#])(?=\w)")
_SPACES_RE = re.compile(r"[ \t]+")
_SPACE_BEFORE_STOP_RE = re.compile(r"(?<=\w) +(?=[.,](?:\s|$))")
_NEWLINES_RE = re.compile(r"\s*[\r\n\f\v\u2028\u2029\x85]+\s*")
# The analyser's stream format: characters it reserves (stripped from text sent to it), its lexical units.
_STREAM_SPECIAL_RE = re.compile(r"[\^$/\[\]{}<>@\\*#]")
_UNIT_RE = re.compile(r"\^([^/$]*)/([^$]*)\$")
_ANALYSER_RE = re.compile(r"lt-proc\s+(?:-\w+\s+)*'([^']+\.automorf\.bin)'")


def language_code(name: str) -> str:
    """``eng`` -> ``en``; a name with no 2-letter code, or already one, is kept."""
    return ISO3_TO_1.get(name, name)


def apertium_binary() -> str:
    found = shutil.which("apertium")
    if found is None:
        raise SubpipeError(f"the apertium command is not installed: {INSTALL_HINT}", code=ErrorCode.MISSING_ENGINE)
    return found


def modes_dir() -> Path:
    """Where installed pairs put their modes: ``$SUBPIPE_APERTIUM_MODES``, else beside the command's prefix."""
    if os.environ.get(ENV_MODES):
        return Path(os.environ[ENV_MODES])
    return Path(apertium_binary()).resolve().parent.parent / "share" / "apertium" / "modes"


@dataclass(frozen=True)
class ApertiumMode:
    """One installed Apertium pair direction (a ``.mode`` file)."""

    name: str
    from_code: str
    to_code: str
    path: Path

    @cached_property
    def key(self) -> str:
        """What the translation cache is keyed on: the mode and its data files' sizes and times."""
        text = self.path.read_text(encoding="utf-8", errors="replace")
        files = sorted(set(re.findall(r"'(/[^']+)'", text)))
        stamp = [text] + [f"{f}:{_stat(f)}" for f in files]
        return f"apertium-{self.name}@{hashlib.sha256(chr(0).join(stamp).encode()).hexdigest()[:16]}"

    def to_dict(self) -> dict:
        return {"mode": self.name, "from": self.from_code, "to": self.to_code, "path": str(self.path)}

    @cached_property
    def analyser(self) -> str | None:
        """The source language's morphological analyser (the mode's first stage), None when not found."""
        m = _ANALYSER_RE.search(self.path.read_text(encoding="utf-8", errors="replace"))
        return m.group(1) if m and os.path.exists(m.group(1)) else None


def _stat(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return "missing"
    return f"{st.st_size}-{st.st_mtime_ns}"


def installed_modes() -> list[ApertiumMode]:
    """The installed translation directions; none when the modes folder does not exist."""
    folder = modes_dir()
    out = []
    for path in sorted(folder.glob("*.mode")) if folder.is_dir() else []:
        parts = path.stem.split("-")
        if len(parts) != 2 or any("_" in p for p in parts):  # variants (spa-eng_US) and debug modes
            continue
        out.append(ApertiumMode(path.stem, language_code(parts[0]), language_code(parts[1]), path))
    return out


def flatten(sentence: str) -> str:
    """One line: the separator between sentences is a blank line."""
    return _NEWLINES_RE.sub(" ", sentence).strip()


def tidy(translation: str, source: str) -> tuple[str, int]:
    """Apertium's output without its error marks and stray spaces; and how many marks were removed."""
    marks = 0

    def unmark(m: re.Match) -> str:
        nonlocal marks
        if m.group(1) in source:
            return m.group(0)
        marks += 1
        return ""

    text = _MARK_RE.sub(unmark, flatten(translation))
    text = _SPACE_BEFORE_STOP_RE.sub("", _SPACES_RE.sub(" ", text)).strip()
    return text, marks


def fixed_share(analysis: str) -> float:
    """The share of the letters of one analysed line (lt-proc's stream) inside fixed expressions: units every
    reading of which is an interjection or a multiword entry of the dictionary (``^Thank you/thank you<ij>$``,
    ``^'m sorry/be<vblex><pri><p1><sg># sorry$``); unknown words (``*``) are not.

    >>> fixed_share("^Thank you/thank you<ij>$^./.<sent>$"), fixed_share("^Come/come<vblex><inf>$ ^on/on<pr>$")
    (1.0, 0.0)
    """
    total = fixed = 0
    for surface, readings in _UNIT_RE.findall(analysis):
        n = sum(ch.isalpha() for ch in surface)
        total += n
        if readings.startswith("*"):
            continue
        if all("<ij>" in r or " " in r.split("<")[0] or "#" in r for r in readings.split("/")):
            fixed += n
    return fixed / total if total else 0.0


class ApertiumEngine:
    """Translate sentence batches with the installed Apertium pairs (direct only)."""

    name = "apertium"

    def __init__(self, *, cache=None, use_cache: bool = True, timeout: float = 600.0) -> None:
        self.binary = apertium_binary()
        if use_cache:
            from subpipe.translate.argos import TranslationCache, argos_home

            if not isinstance(cache, TranslationCache):
                cache = TranslationCache(cache or argos_home() / "translations.sqlite")
        self.cache = cache if use_cache else None
        self.timeout = timeout
        self.stats = {"requested": 0, "unique": 0, "cached": 0, "translated": 0, "marks": 0}

    def packages(self) -> list[ApertiumMode]:
        return installed_modes()

    def pairs(self) -> list[tuple[str, str]]:
        return sorted({(m.from_code, m.to_code) for m in self.packages()})

    def route(self, source: str, target: str) -> list[ApertiumMode]:
        """The mode that takes `source` to `target`."""
        modes = self.packages()
        for mode in modes:
            if (mode.from_code, mode.to_code) == (source, target):
                return [mode]
        installed = ", ".join(f"{m.from_code}->{m.to_code}" for m in modes) or "none"
        raise SubpipeError(
            f"no Apertium pair translates {source}->{target}; installed: {installed} (modes in {modes_dir()}). "
            f"Install one with apt-get, e.g. `apt-get install apertium-eng-spa` (English<->Spanish); "
            f"`apt-cache search apertium-` lists the pairs.", code=ErrorCode.MISSING_PAIR)

    def translate_batch(self, sentences: Sequence[str], source: str, target: str, *,
                        progress: Callable[[int, int], None] | None = None) -> list[str]:
        """Translate `sentences` (deduplicated, cached, one apertium call); one output per input, in order."""
        if source == target:
            return list(sentences)
        (mode,) = self.route(source, target)
        texts = list(sentences)
        self.stats["requested"] += len(texts)
        unique = list(dict.fromkeys(t for t in texts if flatten(t)))
        self.stats["unique"] += len(unique)
        done = self.cache.get_many(mode.key, unique) if self.cache is not None else {}
        self.stats["cached"] += len(done)
        todo = [t for t in unique if t not in done]
        if todo:
            fresh = dict(zip(todo, self._run(mode, todo)))
            self.stats["translated"] += len(fresh)
            if self.cache is not None:
                self.cache.put_many(mode.key, fresh)
            done.update(fresh)
        if progress:
            progress(1, 1)
        return [done.get(t, t) for t in texts]

    def fixed_expressions(self, texts: Sequence[str], source: str, target: str) -> list[float]:
        """For each text (in `source`, as the `source` -> `target` pair reads it), the share of its letters its
        dictionary holds as fixed expressions (`fixed_share`): "Thank you." 1.0, "Come on!" 0.0 (two words).
        One analyser call; 0.0 for every text when the pair's mode names no analyser."""
        (mode,) = self.route(source, target)
        if mode.analyser is None or not texts:
            return [0.0] * len(texts)
        lines = [_STREAM_SPECIAL_RE.sub(" ", flatten(t)) for t in texts]
        try:
            proc = subprocess.run(["lt-proc", mode.analyser], input="\n".join(lines) + "\n", capture_output=True,
                                  text=True, encoding="utf-8", timeout=self.timeout)
        except (subprocess.TimeoutExpired, OSError) as exc:
            raise SubpipeError(f"apertium's analyser of {mode.name} failed: {exc}", code=ErrorCode.ENGINE_FAILED) \
                from None
        out = proc.stdout.split("\n")
        if proc.returncode != 0 or len(out) < len(lines):
            raise SubpipeError(f"apertium's analyser of {mode.name} failed (exit {proc.returncode}, {len(out)} lines "
                               f"for {len(lines)}): {proc.stderr.strip()[-300:]}", code=ErrorCode.ENGINE_FAILED)
        return [fixed_share(line) for line in out[:len(lines)]]

    def _run(self, mode: ApertiumMode, texts: list[str]) -> list[str]:
        lines = [flatten(t) for t in texts]
        try:
            proc = subprocess.run([self.binary, "-u", "-f", "txt", mode.name], input=SEPARATOR.join(lines) + "\n",
                                  capture_output=True, text=True, encoding="utf-8", timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise SubpipeError(f"apertium {mode.name} took more than {self.timeout:.0f} s for {len(texts)} "
                               "sentences", code=ErrorCode.ENGINE_FAILED) from None
        if proc.returncode != 0:
            raise SubpipeError(f"apertium {mode.name} failed (exit {proc.returncode}): "
                               f"{proc.stderr.strip()[-500:]}", code=ErrorCode.ENGINE_FAILED)
        parts = proc.stdout.strip("\n").split(SEPARATOR)
        if len(parts) != len(lines):
            raise SubpipeError(f"apertium {mode.name} returned {len(parts)} sentences for {len(lines)}: the "
                               "separator did not survive; nothing was delivered", code=ErrorCode.ENGINE_FAILED)
        out = []
        for part, source in zip(parts, lines):
            text, marks = tidy(part, source)
            self.stats["marks"] += marks
            out.append(text)
        return out
