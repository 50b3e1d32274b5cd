"""argostranslate backend: installed packages, pivots through English, batched and cached translation.

argostranslate reads its settings when it is first imported, so `configure_argos` runs before that import
and every import of argostranslate in subpipe follows it (`_argos()`; the package list imports only
argos's light `package` module, so a run refused for a missing pair never pays for spaCy and
CTranslate2). Settings subpipe chooses:

- the model home (`argos_home`): ``$SUBPIPE_ARGOS_HOME`` when set; else, when subpipe runs from a
  source checkout (``src/subpipe`` beside a ``pyproject.toml``), the checkout's ``.cache/argos``, where
  ``make demo`` installs the demo models, so ``.venv/bin/subpipe`` and ``subpipe serve`` find them with
  no variable set; else ``$XDG_DATA_HOME/subpipe/argos`` (``~/.local/share/subpipe/argos``). Once
  decided it is exported as ``SUBPIPE_ARGOS_HOME``, so flow runs started from this process use it too;
- ``ARGOS_PACKAGES_DIR``: kept when the user set it; else the home's ``packages/`` when it holds
  packages; else the user's own argos package folder when it holds packages
  (``$XDG_DATA_HOME/argos-translate/packages``, where ``argospm`` installs); else the home's
  ``packages/`` (where ``subpipe models install`` puts them);
- ``ARGOS_DEVICE_TYPE=cpu`` and ``ARGOS_CHUNK_TYPE=SPACY``: sentence splitting by the package's own
  ``spacy/`` folder, or by a small multilingual spaCy pipeline in argos's cache. argos downloads
  ``xx_sent_ud_sm`` there when the cache is empty; offline that fails, so subpipe seeds the cache with a
  rule-based multilingual sentencizer (``spacy.blank("xx")``) when it is missing;
- the XDG homes, only when unset, under subpipe's home, so argos writes nowhere else;
- ``OMP_WAIT_POLICY=PASSIVE`` unless set (read once, when ctranslate2 is imported), and CTranslate2's
  ``intra_threads`` per package, when the user did not set ``ARGOS_INTRA_THREADS``: one thread for a tiny
  model such as the demo packages, the usable cores for a real one (`subpipe.translate.threads`,
  ``SUBPIPE_MT_THREADS``). subpipe makes each package's translator and hands it to argos, so argos's own
  ``translate`` runs on the same threads.

The batched path reproduces what ``argostranslate.translate.translate`` does for one text — the package's
sentencizer, its SentencePiece tokenizer, CTranslate2 with argos's own decoding options, the same
detokenisation — but for a whole film at once: sentences deduplicated, looked up in a persistent cache
keyed by package id, version and source sentence, and the rest sent through one ``translate_batch``.
"""

import hashlib
import logging
import os
import sqlite3
import sys
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError
from subpipe.fileio import check_input_file
from subpipe.translate.threads import ARGOS_THREADS, ThreadChoice, choose_threads, set_openmp_env

PIVOT = "en"
ENV_HOME = "SUBPIPE_ARGOS_HOME"
# Tokens per CTranslate2 batch on the batched path (argos's own default is 32, for one text at a time).
DEFAULT_BATCH_TOKENS = 2048

_configure_lock = threading.Lock()
_translate_lock = threading.RLock()


def checkout_root() -> Path | None:
    """The source checkout subpipe runs from (``<root>/src/subpipe`` with ``<root>/pyproject.toml``), if any.

    The module's own path is taken as imported, symlinks not resolved: a checkout-like tree whose
    ``src/subpipe`` links elsewhere is a checkout of its own (tests build one).
    """
    package = Path(os.path.abspath(__file__)).parent.parent
    root = package.parent.parent
    if package.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def argos_home() -> Path:
    """Where subpipe keeps translation models, argos's caches and the translation cache (see above)."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME])
    root = checkout_root()
    if root is not None:
        return root / ".cache" / "argos"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "subpipe" / "argos"


def _holds_packages(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_dir() for p in folder.iterdir())


def _user_packages_dir() -> Path:
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "argos-translate" / "packages"


@dataclass(frozen=True)
class ArgosSettings:
    packages_dir: Path
    cache_dir: Path
    home: Path


def configure_argos(home: str | Path | None = None) -> ArgosSettings:
    """Set argostranslate's import-time settings (see the module docstring); idempotent.

    Called before argostranslate is imported, it decides everything. Called after, it can only move
    the package folder, which argos reads at each lookup.
    """
    with _configure_lock:
        home = Path(home) if home else argos_home()
        os.environ.setdefault(ENV_HOME, str(home))  # one home for this process and the runs it starts
        if "ARGOS_PACKAGES_DIR" not in os.environ:
            own, user_dir = home / "packages", _user_packages_dir()
            use_user = not _holds_packages(own) and _holds_packages(user_dir)
            os.environ["ARGOS_PACKAGES_DIR"] = str(user_dir if use_user else own)
        os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
        os.environ.setdefault("ARGOS_CHUNK_TYPE", "SPACY")
        set_openmp_env()  # before argostranslate imports ctranslate2, whose OpenMP runtime reads it once
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
            os.environ.setdefault(var, str(home / sub))
        packages = Path(os.environ["ARGOS_PACKAGES_DIR"])
        packages.mkdir(parents=True, exist_ok=True)
        cache = Path(os.environ["XDG_CACHE_HOME"]) / "argos-translate"
        if "argostranslate.settings" in sys.modules:
            settings = sys.modules["argostranslate.settings"]
            if Path(settings.package_data_dir) != packages:
                settings.package_data_dir = packages
                settings.package_dirs = [packages]
                _clear_language_cache()
        logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
        logging.getLogger("argostranslate").setLevel(logging.WARNING)
        return ArgosSettings(packages_dir=packages, cache_dir=cache, home=home)


def _seed_sentencizer(spacy_cache: Path) -> None:
    """Give argos the cached multilingual pipeline it would otherwise download (and fail to, offline)."""
    marker = spacy_cache / "senter" / "model"
    if marker.exists():
        return
    import spacy

    spacy_cache.mkdir(parents=True, exist_ok=True)
    # argos adds a "sentencizer" itself after loading, so the seeded pipeline must not have one.
    spacy.blank("xx").to_disk(spacy_cache)
    marker.mkdir(parents=True, exist_ok=True)
    (marker / "README").write_text("Seeded by subpipe: a rule-based multilingual sentencizer stands in for "
                                   "xx_sent_ud_sm, which cannot be downloaded offline.\n", encoding="utf-8")


def _argos():
    """argostranslate's modules, imported after `configure_argos`."""
    settings = configure_argos()
    # Only translation splits sentences: listing or installing packages never loads spaCy for this.
    _seed_sentencizer(settings.cache_dir / "spacy")
    import argostranslate.package
    import argostranslate.settings
    import argostranslate.translate

    return argostranslate


def _clear_language_cache() -> None:
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()
        translate.installed_translates.clear()


@dataclass(frozen=True)
class InstalledPackage:
    """One installed argos package (a direct translation pair)."""

    from_code: str
    to_code: str
    version: str
    path: Path
    description: str = ""

    @property
    def package_id(self) -> str:
        return f"translate-{self.from_code}_{self.to_code}"

    @property
    def key(self) -> str:
        """What the translation cache is keyed on, with the source sentence."""
        return f"{self.package_id}@{self.version}"

    def to_dict(self) -> dict:
        return {"from": self.from_code, "to": self.to_code, "version": self.version, "path": str(self.path),
                "description": self.description}


def installed_packages() -> list[InstalledPackage]:
    # Only argos's package module (0.1 s): its translate module imports spaCy and CTranslate2 (seconds),
    # which a run refused for a missing pair, or `models list`, never needs.
    configure_argos()
    import argostranslate.package

    out = []
    for pkg in argostranslate.package.get_installed_packages():
        if getattr(pkg, "type", "translate") != "translate":
            continue
        out.append(InstalledPackage(pkg.from_code, pkg.to_code, str(pkg.package_version), Path(pkg.package_path),
                                    getattr(pkg, "package_description", "") or ""))
    return sorted(out, key=lambda p: (p.from_code, p.to_code))


def install_package_file(path: str | Path) -> list[InstalledPackage]:
    """Install a ``.argosmodel`` file the way argospm does (unzipped into the package folder)."""
    path = Path(path)
    check_input_file(path, "file")
    if not zipfile.is_zipfile(path):
        raise SubpipeError("not an argos package: an .argosmodel file is a zip archive", path=str(path),
                           code=ErrorCode.BAD_PACKAGE)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        tops = {n.split("/", 1)[0] for n in names if n.strip("/")}
        if len(tops) != 1 or not any(n.endswith("metadata.json") for n in names):
            raise SubpipeError("not an argos package: expected one top-level folder with a metadata.json",
                               path=str(path), code=ErrorCode.BAD_PACKAGE)
        if any(n.startswith("/") or ".." in Path(n).parts for n in names):
            raise SubpipeError("refusing an archive with absolute or parent paths", path=str(path),
                               code=ErrorCode.BAD_PACKAGE)
    argos = _argos()
    with _translate_lock:
        argos.package.install_from_path(path)
        _clear_language_cache()
    top = tops.pop()
    return [p for p in installed_packages() if p.path.name == top]


def network_available(host: str = "raw.githubusercontent.com", port: int = 443, timeout: float = 3.0) -> bool:
    """Whether argos's package index could be reached (checked before any index call)."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def install_from_index(from_code: str, to_code: str) -> list[InstalledPackage]:
    """Download and install a pair from argos's index; refused clearly when there is no network.

    ``argostranslate.package.get_available_packages()`` recurses without end when the index cannot be
    fetched, so it is called only after the network check and a successful index update.
    """
    if not network_available():
        raise SubpipeError(f"cannot reach argos's package index to install {from_code}->{to_code}; install a "
                           "downloaded .argosmodel file instead: subpipe models install FILE.argosmodel",
                           code=ErrorCode.NETWORK)
    argos = _argos()
    try:
        argos.package.update_package_index()
    except Exception as exc:  # network libraries raise many kinds; report them as one clear error
        raise SubpipeError(f"could not update argos's package index: {exc}", code=ErrorCode.NETWORK) from None
    index = Path(argos.settings.local_package_index)
    if not index.exists():
        raise SubpipeError("argos's package index did not download", code=ErrorCode.NETWORK)
    available = argos.package.get_available_packages()
    match = [p for p in available if p.from_code == from_code and p.to_code == to_code]
    if not match:
        pairs = sorted({f"{p.from_code}->{p.to_code}" for p in available})
        raise SubpipeError(f"argos's index has no {from_code}->{to_code} package; it has: {', '.join(pairs)}",
                           code=ErrorCode.MISSING_PAIR)
    with _translate_lock:
        argos.package.install_from_path(match[0].download())
        _clear_language_cache()
    return [p for p in installed_packages() if (p.from_code, p.to_code) == (from_code, to_code)]


class TranslationCache:
    """Persistent translations keyed by package id and version and the source sentence (SQLite)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS translations (package TEXT NOT NULL, source_hash TEXT NOT "
                         "NULL, source TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (package, source_hash))")
        self._db.commit()

    @staticmethod
    def _hash(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, package: str, sources: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for i in range(0, len(sources), 500):
                chunk = list(sources[i:i + 500])
                hashes = {self._hash(s): s for s in chunk}
                marks = ",".join("?" * len(hashes))
                rows = self._db.execute(f"SELECT source_hash, source, target FROM translations WHERE package = ? "
                                        f"AND source_hash IN ({marks})", [package, *hashes]).fetchall()
                for h, source, target in rows:
                    if hashes.get(h) == source:
                        found[source] = target
        return found

    def put_many(self, package: str, pairs: dict[str, str]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?)",
                                 [(package, self._hash(s), s, t) for s, t in pairs.items()])
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _Hop:
    """One installed package made ready for batches: argos's own sentencizer, tokenizer and translator."""

    def __init__(self, info: InstalledPackage) -> None:
        argos = _argos()
        self.info = info
        languages = {lang.code: lang for lang in argos.translate.get_installed_languages()}
        translation = languages[info.from_code].get_translation(languages[info.to_code])
        underlying = getattr(translation, "underlying", translation)
        if not hasattr(underlying, "pkg"):
            raise SubpipeError(f"argos has no direct package for {info.from_code}->{info.to_code}",
                               code=ErrorCode.MISSING_PAIR)
        self.translation = underlying
        self.pkg = underlying.pkg
        self.settings = argos.settings
        self.rescued = 0  # chunks decoded again because their output looped (`rescue_loops`)

    def threads(self) -> ThreadChoice:
        """The ``intra_threads`` this package's translator gets (`subpipe.translate.threads`)."""
        return choose_threads(self.pkg.package_path / "model",
                              argos_setting=self.settings.get_setting(ARGOS_THREADS))

    def translator(self):
        """The package's CTranslate2 translator, created as argos creates it but for the number of threads
        (`threads`), and shared with argos: its own ``translate`` then runs on it too."""
        if self.translation.translator is None:
            import ctranslate2

            s = self.settings
            self.translation.translator = ctranslate2.Translator(
                str(self.pkg.package_path / "model"), device=s.device, inter_threads=s.inter_threads,
                intra_threads=self.threads().intra_threads, compute_type=s.compute_type)
        return self.translation.translator

    def split(self, texts: Sequence[str]) -> list[list[str]]:
        """Sentence chunks of each text, by the same sentencizer argos uses (batched through nlp.pipe)."""
        sentencizer = self.translation.sentencizer
        nlp = getattr(sentencizer, "nlp", None)
        if nlp is None:  # a non-spaCy sentencizer (stanza/MiniSBD): one call per text, as argos does
            return [sentencizer.split_sentences(t) for t in texts]
        return [[s.text for s in doc.sents] for doc in nlp.pipe(texts, batch_size=256)]

    def translate(self, texts: Sequence[str], max_batch_tokens: int = DEFAULT_BATCH_TOKENS) -> list[str]:
        if not texts:
            return []
        tokenizer = self.pkg.tokenizer
        chunks = self.split(texts)
        sources = [chunk for per_text in chunks for chunk in per_text]
        flat = [tokenizer.encode(chunk) for chunk in sources]
        prefix = [[self.pkg.target_prefix]] * len(flat) if self.pkg.target_prefix else None
        options = dict(replace_unknowns=True, beam_size=max(1, self.settings.beam_size), num_hypotheses=1,
                       length_penalty=0.2)
        results = self.translator().translate_batch(
            flat, target_prefix=prefix, max_batch_size=max_batch_tokens, batch_type="tokens", return_scores=True,
            **options) if flat else []
        hypotheses = [r.hypotheses[0] for r in results]
        self.rescue_loops(sources, flat, hypotheses, prefix, options)
        out, i = [], 0
        for per_text in chunks:
            tokens: list[str] = []
            for _ in per_text:
                tokens.extend(hypotheses[i])
                i += 1
            value = tokenizer.decode(tokens)
            if self.pkg.target_prefix and value.startswith(self.pkg.target_prefix):
                value = value[len(self.pkg.target_prefix):]
            out.append(value[1:] if value.startswith(" ") else value)
        return out


    def rescue_loops(self, texts: list[str], sources: list[list[str]], hypotheses: list[list[str]], prefix,
                     options: dict) -> None:
        """Decode again each chunk whose output ran away or looped (``¡ALAAA UA PA PA PA ...`` for a scream:
        the decoder's degenerate repetition, `subpipe.qc.mt.runaway` / `repetition`), with its length
        bounded by its source's (`RESCUE_RATIO`) and repeats penalised; the new output replaces the old
        only when it no longer runs away or loops. Chunks of one bound are decoded in one call (a model
        that loops on many costs a few calls, not one each). `texts` are the chunks, `sources` their tokens.
        `rescued` counts them (engine stats)."""
        from subpipe.qc.mt import repetition, runaway

        decode = self.pkg.tokenizer.decode
        looping: dict[int, list[int]] = {}  # length bound -> chunks
        for i, (src, source, tokens) in enumerate(zip(texts, sources, hypotheses)):
            out = decode(tokens)
            if runaway(src, out) or repetition(src, out):
                looping.setdefault(int(RESCUE_RATIO * len(source)) + RESCUE_EXTRA, []).append(i)
        for bound, chunks in looping.items():
            again = self.translator().translate_batch(
                [sources[i] for i in chunks], target_prefix=[prefix[i] for i in chunks] if prefix else None,
                repetition_penalty=RESCUE_PENALTY, max_decoding_length=bound, **options)
            for i, result in zip(chunks, again):
                better = decode(result.hypotheses[0])
                if not (runaway(texts[i], better) or repetition(texts[i], better)):
                    hypotheses[i] = result.hypotheses[0]
                    self.rescued += 1


# A chunk decoded again when its output loops: at most this many tokens per source token (+ RESCUE_EXTRA),
# repeats penalised as CTranslate2's repetition_penalty does (1: none).
RESCUE_RATIO, RESCUE_EXTRA, RESCUE_PENALTY = 2.0, 8, 1.3


class ArgosEngine:
    """Translate sentence batches with installed argos packages, directly or through English."""

    name = "argos"

    def __init__(self, *, home: str | Path | None = None, cache: TranslationCache | str | Path | None = None,
                 use_cache: bool = True, max_batch_tokens: int = DEFAULT_BATCH_TOKENS) -> None:
        self.settings = configure_argos(home)
        if use_cache and not isinstance(cache, TranslationCache):
            cache = TranslationCache(cache or self.settings.home / "translations.sqlite")
        self.cache: TranslationCache | None = cache if use_cache else None
        self.max_batch_tokens = max_batch_tokens
        self._hops: dict[tuple[str, str], _Hop] = {}
        self.stats = {"requested": 0, "unique": 0, "cached": 0, "translated": 0}

    def packages(self) -> list[InstalledPackage]:
        return installed_packages()

    def pairs(self) -> list[tuple[str, str]]:
        direct = {(p.from_code, p.to_code) for p in self.packages()}
        pivots = {(a, c) for a, b in direct if b == PIVOT for b2, c in direct if b2 == PIVOT and c != a}
        return sorted(direct | pivots)

    def route(self, source: str, target: str) -> list[InstalledPackage]:
        """The packages that take `source` to `target`: one direct, or two through English."""
        by_pair = {(p.from_code, p.to_code): p for p in self.packages()}
        if (source, target) in by_pair:
            return [by_pair[(source, target)]]
        if (source, PIVOT) in by_pair and (PIVOT, target) in by_pair:
            return [by_pair[(source, PIVOT)], by_pair[(PIVOT, target)]]
        installed = ", ".join(f"{a}->{b}" for a, b in sorted(by_pair)) or "none"
        raise SubpipeError(
            f"no argos package translates {source}->{target} (directly or through {PIVOT}); installed: "
            f"{installed}. Install one with `subpipe models install FILE.argosmodel` (from argos's package "
            f"index or a colleague) or, with a network, `subpipe models install {source} {target}`. Packages "
            f"are read from {self.settings.packages_dir}.", code=ErrorCode.MISSING_PAIR)

    def _hop(self, info: InstalledPackage) -> _Hop:
        key = (info.from_code, info.to_code)
        if key not in self._hops or self._hops[key].info != info:
            self._hops[key] = _Hop(info)
        return self._hops[key]

    def translate_batch(self, sentences: Sequence[str], source: str, target: str, *,
                        progress: Callable[[int, int], None] | None = None) -> list[str]:
        """Translate `sentences` (deduplicated, cached, batched); one output per input, in order."""
        if source == target:
            return list(sentences)
        route = self.route(source, target)
        texts = list(sentences)
        self.stats["requested"] += len(texts)
        current = texts
        for n, info in enumerate(route, 1):
            current = self._translate_unique(info, current)
            if progress:
                progress(n, len(route))
        return current

    def _translate_unique(self, info: InstalledPackage, texts: list[str]) -> list[str]:
        unique = list(dict.fromkeys(t for t in texts if t.strip()))
        self.stats["unique"] += len(unique)
        done = self.cache.get_many(info.key, unique) if self.cache is not None else {}
        self.stats["cached"] += len(done)
        todo = [t for t in unique if t not in done]
        if todo:
            with _translate_lock:  # one CTranslate2 translator per package, shared by threads
                fresh = dict(zip(todo, self._hop(info).translate(todo, self.max_batch_tokens)))
            self.stats["translated"] += len(fresh)
            if self.cache is not None:
                self.cache.put_many(info.key, fresh)
            done.update(fresh)
        return [done.get(t, t) for t in texts]


def reference_translate(text: str, source: str, target: str) -> str:
    """argostranslate's public one-text API: the reference the batched path must agree with.

    It runs on the translators subpipe makes (the same threads as the batched path), created here when
    no engine has made them yet.
    """
    argos = _argos()
    with _translate_lock:
        for info in ArgosEngine(use_cache=False).route(source, target) if source != target else []:
            _Hop(info).translator()
    return argos.translate.translate(text, source, target)
