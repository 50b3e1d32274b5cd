"""Batches over a drop folder: which files make which film, what a film's content is, where files go after.

The drop-folder convention: every subtitle file is named ``Title.lang.ext`` (``Sintel.en.vtt``,
``Sintel.de.srt``, ``Le_Voyage.fr-CA.ass``). Files sharing a title are one film; the file whose language
is the source language (``source_lang``, default ``en``) is translated, the others are reference tracks
that are aligned with it and term-checked. A bilingual track is named with its spoken languages,
``Title.en+zh.srt``: it is the film's source when one of them is the source language (each cue is then
translated from its own language, `subpipe.localize`); a second source track beside it (``Title.en.srt``)
makes the film ambiguous and both are refused. After a batch, each file is moved to
``<inbox>/done/<batch>/`` or ``<inbox>/failed/<batch>/``, a failed one with ``<file>.error.json`` beside
it saying why. Nothing is ever overwritten: moves are atomic renames that refuse an existing target.

Flows and servers take paths from people (a UI form, a schedule): `check_path` keeps them inside the
configured roots (inbox, outbox, glossaries, extra roots), resolving symlinks first so a link cannot
lead outside. `BatchSettings` holds those roots and how batches run; `load_settings` reads it from a
TOML file and ``SUBPIPE_*`` environment variables.

Every file found in the inbox is checked like a path from a form before it is read (`screen_files`):
a symlink leading outside the roots, or a name that cannot be used as is (control characters,
backslashes, undecodable bytes, a title like ``..``), goes to failed/ with a report, unread.

`run_batch` owns the batch's step sequence (group films -> localize each film -> settle its files ->
reports) and takes a `subpipe.runners.Runner` for the films: in turn by default; the
``batch_drop_folder`` flow (flows/batch.py) passes one that submits Prefect tasks (concurrency,
retries of transient errors, caching on content) and adds artifacts and states.
"""

import errno
import hashlib
import json
import os
import shutil
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import subpipe
from subpipe.errors import ErrorCode, SubpipeError
from subpipe.fileio import input_file_problem, read_text_input, resolve_input, write_text_atomic
from subpipe.ingest import guess_languages
from subpipe.localize import film_title
from subpipe.paths import has_unsafe_chars, is_safe_name, printable, safe_name
from subpipe.reports import markdown_table, write_json
from subpipe.runners import InTurn, Runner, as_completed

SUBTITLE_EXTENSIONS = frozenset(
    {".srt", ".vtt", ".ass", ".ssa", ".ttml", ".dfxp", ".xml", ".smi", ".sami", ".sub", ".mpl", ".txt"}
)
# Names of files still being copied in by common tools: left alone until they are complete.
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".filepart", "~")
# Errors worth another try: the file system or the machine, not the input.
TRANSIENT_ERRORS = (OSError, TimeoutError, ConnectionError, MemoryError)
CONFIG_ENV = "SUBPIPE_CONFIG"
ENV_PREFIX = "SUBPIPE_"


# --- settings ------------------------------------------------------------------------------------------


class BatchSettings(BaseModel):
    """Where subpipe may read and write, and how batches run (TOML file and ``SUBPIPE_*`` variables).

    >>> s = BatchSettings(inbox="/srv/drop/in", outbox="/srv/drop/out", glossaries="/srv/glossaries")
    >>> s.schedule, s.concurrency, s.task_runner, str(s.failed_dir)
    ('0 2 * * *', 2, 'threads', '/srv/drop/in/failed')
    """

    model_config = ConfigDict(extra="forbid")

    inbox: Path = Field(Path("drop/inbox"), description="The drop folder: files named Title.lang.ext.")
    outbox: Path = Field(Path("drop/outbox"), description="Where deliveries and reports are written.")
    glossaries: Path = Field(Path("glossaries"), description="Folder of CSV/TBX/JSON glossaries.")
    extra_roots: list[Path] = Field(
        default_factory=list, description="Further folders flows may read and write (an archive)."
    )
    restrict_paths: Optional[bool] = Field(
        None,
        description="Refuse paths outside the roots: true, false, or unset = only in deployment runs "
        "(UI, schedules, workers), not in direct Python calls.",
    )
    source_lang: str = Field("en", description="The language translated from in a batch.")
    target_languages: list[str] = Field(
        default_factory=lambda: ["es", "fr"],
        description="Languages or locales a batch delivers (es, es-419, fr-CA, zh-Hant), as in Title.<tag>.srt.",
    )
    profile: str = Field("netflix", description="QC profile of a batch.")
    engine: Literal["argos", "apertium", "argos+apertium"] = Field(
        "argos", description="Translation engine of a batch (argos+apertium: argos first, chained when needed)."
    )
    glossary: Optional[str] = Field(None, description="Glossary file name (under glossaries) a batch uses.")
    protect_names: bool = Field(
        True, description="Keep the character names found in each film (not in the glossary) out of MT."
    )
    forced_narrative: bool = Field(
        False, description="Also deliver each language's forced-narrative track (Title.lang.forced.srt/.vtt): "
        "the cues of a bilingual film not spoken in that language, translated."
    )
    schedule: str = Field("0 2 * * *", description="Cron schedule of the drop-folder batch (nightly 02:00).")
    timezone: str = Field("UTC", description="Time zone of the schedule.")
    concurrency: int = Field(2, ge=1, le=64, description="Films localized at once in one batch.")
    retries: int = Field(2, ge=0, le=10, description="Retries of a film after a transient error.")
    retry_delay_seconds: float = Field(10.0, ge=0, le=3600, description="First retry delay; doubles after.")
    task_runner: Literal["threads", "dask"] = Field("threads", description="threads or dask (prefect-dask).")
    dask_address: Optional[str] = Field(
        None, description="Scheduler of an existing Dask cluster; unset = a LocalCluster per batch."
    )
    dask_workers: int = Field(2, ge=1, le=512, description="Workers of the LocalCluster.")
    dask_processes: bool = Field(True, description="LocalCluster workers as processes (false: threads).")
    host: str = Field("127.0.0.1", description="Address `subpipe serve` binds Prefect's server to.")
    port: int = Field(
        4200, ge=1, le=65535, description="Port of Prefect's server started by `subpipe serve`."
    )

    @field_validator("source_lang")
    @classmethod
    def _source_locale(cls, tag: str) -> str:
        return _locale_setting(tag, "source_lang")

    @field_validator("target_languages")
    @classmethod
    def _target_locales(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(_locale_setting(t, "target_languages") for t in tags))

    @property
    def done_dir(self) -> Path:
        return self.inbox / "done"

    @property
    def failed_dir(self) -> Path:
        return self.inbox / "failed"

    def read_roots(self) -> list[Path]:
        return [self.inbox, self.outbox, self.glossaries, *self.extra_roots]

    def write_roots(self) -> list[Path]:
        return [self.outbox, *self.extra_roots]


def _locale_setting(tag: str, what: str) -> str:
    """A language setting as a normalised locale (``es_419`` -> ``es-419``); pydantic reports the error."""
    from subpipe.locales import normalize_locale

    try:
        return normalize_locale(tag, what=what)
    except SubpipeError as exc:
        raise ValueError(exc.message) from None


_LIST_FIELDS = {"extra_roots": os.pathsep, "target_languages": ","}


def load_settings(config: str | Path | None = None, env: Mapping[str, str] | None = None) -> BatchSettings:
    """Settings from a TOML file (``config``, else ``$SUBPIPE_CONFIG``, else ``./subpipe.toml`` if present),
    then ``SUBPIPE_<FIELD>`` environment variables over it. Relative paths in the file are relative to it.

    >>> s = load_settings(env={"SUBPIPE_CONCURRENCY": "4", "SUBPIPE_TARGET_LANGUAGES": "de, it"})
    >>> s.concurrency, s.target_languages
    (4, ['de', 'it'])
    """
    env = os.environ if env is None else env
    values: dict = {}
    path = Path(config) if config else Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else Path("subpipe.toml")
    if config or env.get(CONFIG_ENV) or path.is_file():
        try:
            data = tomllib.loads(read_text_input(path, what="settings file", code=ErrorCode.SETTINGS))
        except tomllib.TOMLDecodeError as exc:
            raise SubpipeError(f"not valid TOML: {exc}", path=str(path), code=ErrorCode.SETTINGS) from None
        values = dict(data.get("subpipe", data))
        for key in ("inbox", "outbox", "glossaries"):
            if key in values:
                values[key] = path.parent / values[key]
        if "extra_roots" in values:
            values["extra_roots"] = [path.parent / p for p in values["extra_roots"]]
    for name in BatchSettings.model_fields:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is None or raw == "":
            continue
        values[name] = (
            [p.strip() for p in raw.split(_LIST_FIELDS[name]) if p.strip()] if name in _LIST_FIELDS else raw
        )
    try:
        return BatchSettings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SubpipeError(
            f"invalid settings: {problems}", path=str(path) if values else None, code=ErrorCode.SETTINGS
        ) from None


# --- paths inside the roots ----------------------------------------------------------------------------


def check_path(path: str | Path, roots: Sequence[str | Path], *, what: str = "path") -> Path:
    """`path` resolved (symlinks followed to their real target), if that lies inside one of `roots`.

    Anything else is refused with a `SubpipeError` naming the roots, so a form field cannot reach
    ``/etc/passwd``, ``inbox/../..`` or a symlink in the inbox pointing elsewhere.

    >>> check_path("/srv/in/Film.en.srt", ["/srv/in", "/srv/out"]).as_posix()
    '/srv/in/Film.en.srt'
    >>> check_path("/srv/in/../../etc/passwd", ["/srv/in"], what="source")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: /etc/passwd: source is outside the configured roots (/srv/in): refused
    """
    if path is None or str(path).strip() == "":
        raise SubpipeError(f"{what} is empty", code=ErrorCode.OUTSIDE_ROOTS)
    real = resolve_guarded(path, what=what)
    resolved_roots = [resolve_guarded(r, what="root") for r in roots]
    if any(real == root or real.is_relative_to(root) for root in resolved_roots):
        return real
    listed = ", ".join(str(r) for r in resolved_roots) or "none configured"
    raise SubpipeError(
        f"{what} is outside the configured roots ({listed}): refused", path=str(real), code=ErrorCode.OUTSIDE_ROOTS
    )


def resolve_guarded(path: str | Path, *, what: str = "path") -> Path:
    """`path` with ``~`` expanded and symlinks resolved; a NUL byte or a symlink loop is a
    `SubpipeError` naming the path (`subpipe.fileio.resolve_input`), never a ValueError or RuntimeError."""
    return resolve_input(os.path.expanduser(str(path)), what)


# --- films in the drop folder --------------------------------------------------------------------------


@dataclass(frozen=True)
class Film:
    """The files of one film in the drop folder: the source track and reference tracks of other languages."""

    title: str
    source: Path
    references: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.source, *self.references)


@dataclass(frozen=True)
class Rejected:
    """A drop-folder file no film can be made of, and why."""

    path: Path
    reason: str
    code: str = "drop-folder"

    def error(self) -> SubpipeError:
        return SubpipeError(self.reason, path=str(self.path), code=self.code)


def _same_language(tag: str, wanted: str) -> bool:
    """`en-GB` is an `en` track; `en` is not an `en-GB` track; `zh-TW` (Traditional) is not a `zh` one
    (Simplified), `zh-CN` is."""
    from subpipe.locales import chinese_script

    tag, wanted = tag.lower().replace("_", "-"), wanted.lower().replace("_", "-")
    return tag == wanted or ("-" not in wanted and tag.split("-")[0] == wanted
                             and chinese_script(tag) == chinese_script(wanted))


def drop_folder_files(inbox: str | Path) -> list[Path]:
    """The files waiting in `inbox`: top level only (done/ and failed/ live below), no hidden files and
    none still being copied in (``.part``, ``.tmp``, ...), sorted by name. A name starting with a dot
    but holding path separators or control characters (``..\\..\\evil.en.srt``) is not a hidden file:
    it is listed, for `screen_files` to refuse with a report."""
    folder = Path(inbox)
    if not folder.is_dir():
        raise SubpipeError("the drop folder does not exist", path=str(folder), code=ErrorCode.NO_INBOX)
    return sorted(
        p
        for p in folder.iterdir()
        if (p.is_symlink() or p.is_file())
        and not (p.name.startswith(".") and not has_unsafe_chars(p.name))
        and not p.name.endswith(IN_PROGRESS_SUFFIXES)
    )


def screen_files(files: Iterable[str | Path], roots: Sequence[str | Path]) -> tuple[list[Path], list[Rejected]]:
    """The files that may be read, and those refused unread: a name that cannot be used as is (control
    characters, backslashes, undecodable bytes), a symlink whose target is outside `roots` or missing."""
    ok, rejected = [], []
    for f in map(Path, files):
        if not is_safe_name(f.name):
            rejected.append(Rejected(f, f"the file name {printable(f.name)!r} cannot be used (control "
                                        "characters, path separators or undecodable bytes): rename it "
                                        "Title.lang.ext", "unusable-name"))
            continue
        try:
            real = check_path(f, roots, what="inbox file")
        except SubpipeError as exc:
            rejected.append(Rejected(f, exc.message, exc.code))
            continue
        if problem := input_file_problem(real, "subtitle file"):  # a link to nothing, to a folder, ...
            rejected.append(Rejected(f, f"a link to nothing readable: {problem.message}", problem.code))
            continue
        ok.append(f)
    return ok, rejected


def group_films(files: Iterable[str | Path], source_lang: str = "en") -> tuple[list[Film], list[Rejected]]:
    """Films by title from ``Title.lang.ext`` names, and the files that make no film (with the reason).

    >>> films, rejected = group_films(["Sintel.en.vtt", "Sintel.de.srt", "Notes.txt", "Dune.fr.srt"])
    >>> [(f.title, f.source.name, [r.name for r in f.references]) for f in films]
    [('Sintel', 'Sintel.en.vtt', ['Sintel.de.srt'])]
    >>> [(r.path.name, r.code) for r in rejected]
    [('Dune.fr.srt', 'no-source-track'), ('Notes.txt', 'bad-name')]
    >>> films, _ = group_films(["Dumplings.zh+en.srt", "Dumplings.es.srt"])
    >>> [(f.title, f.source.name, [r.name for r in f.references]) for f in films]
    [('Dumplings', 'Dumplings.zh+en.srt', ['Dumplings.es.srt'])]
    """
    by_title: dict[str, list[tuple[Path, str]]] = {}
    rejected: list[Rejected] = []
    for f in map(Path, files):
        if f.suffix.lower() not in SUBTITLE_EXTENSIONS:
            rejected.append(
                Rejected(
                    f,
                    f"not a subtitle file ({f.suffix or 'no extension'}); known: "
                    f"{', '.join(sorted(SUBTITLE_EXTENSIONS))}",
                    "not-subtitles",
                )
            )
            continue
        langs = guess_languages(f)
        if not langs:
            rejected.append(
                Rejected(
                    f,
                    "no language in the name: drop files as Title.lang.ext (e.g. Sintel.en.srt)",
                    "bad-name",
                )
            )
            continue
        try:
            title = film_title(f)
        except SubpipeError as exc:
            rejected.append(Rejected(f, exc.message, exc.code))
            continue
        by_title.setdefault(title, []).append((f, langs))
    films = []
    for title, members in sorted(by_title.items()):
        sources = [f for f, langs in members if any(_same_language(lang, source_lang) for lang in langs)]
        if len(sources) != 1:
            reason = (
                f"film {title!r} has no {source_lang} track to translate from"
                if not sources
                else f"film {title!r} has {len(sources)} {source_lang} tracks "
                f"({', '.join(s.name for s in sources)}): keep one"
            )
            code = "no-source-track" if not sources else "several-source-tracks"
            rejected += [Rejected(f, reason, code) for f, _ in members]
            continue
        films.append(Film(title, sources[0], tuple(f for f, _ in members if f != sources[0])))
    return films, sorted(rejected, key=lambda r: r.path.name)


# --- content ---------------------------------------------------------------------------------------------


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (what a cache keys on: the content, never the name or the time)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def film_digest(film: Film, extra: Mapping | None = None) -> str:
    """One digest of a film's content: each file's role, language and bytes, plus `extra` (the parameters
    and anything else the result depends on, such as the glossary's digest) and subpipe's version.

    A renamed file with the same language and bytes keeps the digest; any changed byte changes it.
    """
    h = hashlib.sha256()
    parts = {
        "version": subpipe.__version__,
        "title": film.title,
        "source": ["+".join(guess_languages(film.source)), file_digest(film.source)],
        "references": sorted(["+".join(guess_languages(r)), file_digest(r)] for r in film.references),
        "extra": dict(extra or {}),
    }
    h.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return h.hexdigest()


# --- moving files out of the inbox ----------------------------------------------------------------------


def move_no_clobber(path: str | Path, folder: str | Path) -> Path:
    """Move `path` into `folder` under its own name, or ``name (2)``, ``name (3)``... if that is taken.

    The move is a hard link then an unlink (one atomic step that fails if the target exists, so two
    batches can never overwrite each other's files); across file systems the file is copied beside
    the target first and linked into place the same way.
    """
    src, folder = Path(path), Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = _target_name(src.name)
    suffix = Path(name).suffix
    stem = name[: -len(suffix)] if suffix else name
    for n in range(1, 10_000):
        target = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        try:
            _link_into_place(src, target)
        except FileExistsError:
            continue
        src.unlink()
        return target
    raise SubpipeError("too many files of this name in the folder", path=str(folder), code=ErrorCode.MOVE)


def _target_name(name: str) -> str:
    """A name an unusable file can be kept under in done/ or failed/."""
    try:
        return safe_name(name, what="file name")
    except SubpipeError:
        return "unnamed"


def _link_into_place(src: Path, target: Path) -> None:
    # A symlink is moved as the link itself: its target (maybe outside the roots) is never read.
    try:
        os.link(src, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
        tmp = target.with_name(f".{target.name}.moving")
        shutil.copy2(src, tmp, follow_symlinks=False)
        try:
            os.link(tmp, target, follow_symlinks=False)
        finally:
            tmp.unlink()


def batch_id(now: datetime | None = None) -> str:
    """A sortable name for a batch: its UTC start time, ``20261126T020000Z``."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def settle_files(
    done: Iterable[Path], failed: Mapping[Path, SubpipeError], settings_or_inbox, batch: str
) -> dict[str, list[dict]]:
    """Move finished files to ``done/<batch>/`` and failed ones to ``failed/<batch>/`` with
    ``<file>.error.json`` beside each; returns where every file went."""
    inbox = Path(getattr(settings_or_inbox, "inbox", settings_or_inbox))
    moved: dict[str, list[dict]] = {"done": [], "failed": []}
    for f in done:
        moved["done"].append(
            {"file": printable(f.name), "moved_to": str(move_no_clobber(f, inbox / "done" / batch))}
        )
    for f, error in failed.items():
        report = error_report(f, error, batch)
        target = move_no_clobber(f, inbox / "failed" / batch)
        report["moved_to"] = str(target)
        write_json(target.with_name(target.name + ".error.json"), report)
        moved["failed"].append(
            {"file": printable(f.name), "moved_to": str(target), "error": report["error"]["message"]}
        )
    return moved


def error_report(path: Path, error: SubpipeError, batch: str) -> dict:
    """What went wrong with one file, for the ``.error.json`` beside it in failed/."""
    detail = error.to_dict() | {"text": str(error)}
    detail = {k: printable(v) if isinstance(v, str) else v for k, v in detail.items()}
    # Never read through a link: its target may be what the inbox check refused.
    digest = file_digest(path) if path.is_file() and not path.is_symlink() else None
    return {
        "file": printable(path.name),
        "batch": batch,
        "sha256": digest,
        "error": detail,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "hint": "fix the file and drop it into the inbox again; it is processed on the next batch",
    }


# --- one film, and a whole batch in one call ----------------------------------------------------------


class IncompleteFilm(SubpipeError):
    """A film of a batch not delivered in every language: raised (so that no cache keeps it as done)
    with its summary, which the batch records like any other."""

    def __init__(self, summary: dict) -> None:
        self.summary = summary
        failed = summary.get("failed_languages") or {}
        why = "; ".join(f"{lang}: {e['code']}: {e['message']}" for lang, e in failed.items())
        # a bilingual film's language delivered without the cues of a spoken language no model translates
        partial = {lang: s["untranslated"] for lang, s in summary["languages"].items() if s.get("untranslated")}
        cues = "; ".join(f"{lang} without {len(rows)} cue(s) in {', '.join(sorted({r['lang'] for r in rows}))} "
                         f"(no model; listed in {summary['title']}/reports/{summary['title']}.{lang}.untranslated.srt)"
                         for lang, rows in partial.items())
        super().__init__(
            f"{summary['status']}: delivered {', '.join(summary['languages']) or 'nothing'}; "
            f"not delivered {', '.join(failed) or '-'} ({why})" + (f"; partially delivered: {cues}" if cues else ""),
            path=summary["source"]["path"],
            code=ErrorCode("film-" + summary["status"].replace(" ", "-")),
        )


def localize_one(
    film: Film,
    target_languages: Sequence[str],
    outbox: str | Path,
    *,
    glossary: str | Path | None = None,
    profile: str = "netflix",
    engine=None,
    protect_names: bool = True,
    forced_narrative: bool = False,
) -> dict:
    """Localize one film of the drop folder (its own steps in turn); its JSON-able summary when every
    language was delivered (a bad reference track fails alone). Raises `IncompleteFilm` with the
    summary when some language was not, and `SubpipeError` when the film cannot be localized at all.
    `engine` is a translation engine or its name (``argos``, ``apertium``, ``argos+apertium``);
    `forced_narrative` also writes each language's forced-narrative track (`subpipe.localize.forced_track`)."""
    from subpipe.localize import localize_film
    from subpipe.translate import get_engine

    if isinstance(engine, str):  # a name travels to any worker; the engine is made where the film runs
        engine = get_engine(engine)
    result = localize_film(
        film.source,
        list(target_languages),
        reference_tracks=list(film.references),
        glossary=glossary,
        profile=profile,
        output_dir=outbox,
        engine=engine,
        protect_names=protect_names,
        forced_narrative=forced_narrative,
    )
    summary = result.summary()
    if result.status != "completed":
        raise IncompleteFilm(summary)
    return summary


@dataclass
class BatchResult:
    """What a batch did: per-film summaries, failures per file, where files went, how long it took."""

    batch: str
    films: dict[str, dict] = field(default_factory=dict)
    failed: dict[Path, SubpipeError] = field(default_factory=dict)
    done: list[Path] = field(default_factory=list)
    moved: dict[str, list[dict]] = field(default_factory=dict)
    seconds: float = 0.0
    cached: set[str] = field(default_factory=set)
    reports: dict[str, str] = field(default_factory=dict)

    @property
    def delivered(self) -> list[str]:
        """Films delivered in at least one language."""
        return [t for t, s in self.films.items() if s.get("languages")]

    @property
    def status(self) -> str:
        """``completed``, ``partially failed``, ``failed`` (nothing delivered) or ``empty``: the same
        words as a film's status."""
        if not self.films and not self.failed:
            return "empty"
        if not self.failed and all(s.get("status") == "completed" for s in self.films.values()):
            return "completed"
        return "partially failed" if self.delivered else "failed"

    def summary(self) -> dict:
        return {
            "batch": self.batch,
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "films": self.films,
            "delivered": self.delivered,
            "cached": sorted(self.cached),
            "failed_files": [printable(str(p)) for p in self.failed],
            "moved": self.moved,
            "reports": self.reports,
        }


def record_film(result: BatchResult, film: Film, summary: dict | None, error: Exception | None) -> None:
    """File a film's outcome: all its files go to done/ when every language was delivered (except a
    reference track that failed on its own); otherwise to failed/, each with the reason."""
    if isinstance(error, IncompleteFilm):
        summary = error.summary
    if summary is None:
        err = (
            error
            if isinstance(error, SubpipeError)
            else SubpipeError(f"{type(error).__name__}: {error}", path=str(film.source), code=ErrorCode.CRASHED)
        )
        for f in film.files:
            result.failed[f] = (
                err
                if f == film.source
                else SubpipeError(
                    f"film {film.title!r} failed on {film.source.name}: {err.message}",
                    path=str(f),
                    code=err.code,
                )
            )
        result.films[film.title] = {
            "title": film.title,
            "status": "failed",
            "error": str(err),
            "source": str(film.source),
        }
        return
    result.films[film.title] = summary
    own = {
        str(Path(e["path"])): e
        for e in summary.get("errors", [])
        if e.get("path") and e["step"] == "align"
    }
    for f in film.files:
        if str(f) in own:
            e = own[str(f)]
            result.failed[f] = SubpipeError(e["message"], path=str(f), line=e.get("line"), code=e["code"])
        elif isinstance(error, IncompleteFilm):
            result.failed[f] = SubpipeError(error.message, path=str(f), code=error.code)
        else:
            result.done.append(f)


def film_rows(result: BatchResult) -> list[dict]:
    """One row per film and target language (the batch table and CSV)."""
    empty = dict.fromkeys(("lang", "cues", "qc_pass", "fixes", "terms_flagged", "unresolved_terms", "seconds"), "")
    rows = []
    for title, s in sorted(result.films.items()):
        if "error" in s:
            rows.append({"film": title, **empty, "status": "failed", "error": s["error"]})
            continue
        terms = (s.get("terms") or {}).get("summary", {})
        flagged = terms.get("hits", 0) + terms.get("candidates", 0) if terms else ""
        cached = "cached" if title in result.cached else "done"
        for lang, ls in (s.get("languages") or {}).items():
            rows.append(
                {
                    "film": title,
                    "lang": lang,
                    "status": "partially delivered" if ls.get("untranslated") else cached,
                    "cues": ls["cues"],
                    "qc_pass": f"{ls['qc']['pass_rate']:.0%}",
                    "fixes": ls["fixes"],
                    "terms_flagged": flagged,
                    "unresolved_terms": ls["unresolved_terms"],
                    "seconds": ls["seconds"],
                    "error": "",
                }
            )
        for lang, e in (s.get("failed_languages") or {}).items():
            rows.append({"film": title, **empty, "lang": lang, "status": "failed",
                         "error": f"{e['code']}: {e['message']}"})
        for e in s.get("errors", []):
            if e["step"] == "align":
                rows.append({"film": title, **empty, "status": "file failed",
                             "error": f"{printable(Path(e.get('path') or '').name)}: {e['message']}"})
    return [{k: row[k] for k in ("film", "lang", "status", *list(empty)[1:], "error")} for row in rows]


def batch_markdown(result: BatchResult, *, csv_path: str | Path | None = None, limit: int = 50) -> str:
    """The batch summary: films, languages, cues, QC pass rate, flagged terms, timings, failures."""
    delivered = {t: s for t, s in result.films.items() if s.get("languages")}
    langs = sorted({lang for s in delivered.values() for lang in s.get("languages", {})})
    cues = sum(ls["cues"] for s in delivered.values() for ls in s.get("languages", {}).values())
    qcs = [ls["qc"] for s in delivered.values() for ls in s.get("languages", {}).values()]
    passing, checked = sum(q["passing"] for q in qcs), sum(q["cues"] for q in qcs)
    flagged = sum(
        (s.get("terms") or {}).get("summary", {}).get("hits", 0)
        + (s.get("terms") or {}).get("summary", {}).get("candidates", 0)
        for s in delivered.values()
    )
    badge = {
        "completed": "Completed",
        "partially failed": "**Partially failed**",
        "failed": "**Failed**",
        "empty": "Nothing to do",
    }[result.status]
    lines = [
        f"# Batch {result.batch}: {badge}",
        "",
        markdown_table(
            [
                {
                    "films": f"{len(delivered)} delivered ({len(result.cached)} cached), "
                    f"{len(result.films) - len(delivered)} failed",
                    "languages": ", ".join(langs) or "-",
                    "cues written": cues,
                    "QC pass": f"{passing / checked:.0%}" if checked else "-",
                    "terms flagged": flagged,
                    "files": f"{len(result.done)} done, {len(result.failed)} failed",
                    "seconds": round(result.seconds, 1),
                }
            ]
        ),
        "",
    ]
    rows = film_rows(result)
    lines += ["## Films", "", markdown_table(rows, limit=limit)]
    if csv_path:
        lines += ["", f"Full table: `{csv_path}`"]
    if result.moved.get("failed"):
        lines += [
            "",
            "## Failed files",
            "",
            "Each is in failed/ with `<file>.error.json` beside it.",
            "",
            markdown_table(result.moved["failed"]),
        ]
    return "\n".join(lines) + "\n"


def rows_csv(rows: Sequence[dict]) -> str:
    from subpipe.reports import csv_text  # file names are input: formula cells are neutralised there

    return csv_text(rows)


def write_batch_reports(result: BatchResult, outbox: str | Path) -> dict[str, str]:
    """``<outbox>/batches/<batch>/batch.md|json|csv``: the batch's own record beside the deliveries."""
    folder = Path(outbox) / "batches" / result.batch
    rows = film_rows(result)
    csv_path = write_text_atomic(folder / "batch.csv", rows_csv(rows))
    md = write_text_atomic(folder / "batch.md", batch_markdown(result, csv_path=csv_path.resolve()))
    result.reports = {"csv": str(csv_path), "markdown": str(md), "json": str(folder / "batch.json")}
    write_json(folder / "batch.json", result.summary())
    return result.reports


def run_batch(
    settings: BatchSettings,
    *,
    runner: Runner | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine=None,
    move_files: bool = True,
    batch: str | None = None,
) -> BatchResult:
    """The drop-folder batch: screen and group the files into films, localize each film through
    `runner` (in turn by default; at most ``settings.concurrency`` in flight), move each film's files to
    done/ or failed/ as it finishes, and write the reports in ``<outbox>/batches/<batch>/``.

    A film that fails, whatever the reason, fails alone; the batch itself raises only when the inbox
    is missing.
    """
    t0 = time.perf_counter()
    runner = runner or InTurn()
    result = BatchResult(batch=batch or batch_id())
    files, rejected = screen_files(drop_folder_files(settings.inbox), settings.read_roots())
    films, unmade = group_films(files, settings.source_lang)
    for r in sorted(rejected + unmade, key=lambda r: r.path.name):
        result.failed[r.path] = r.error()
    moved: dict[str, list[dict]] = {"done": [], "failed": []}

    def settle(done: Sequence[Path], failed: Mapping[Path, SubpipeError]) -> None:
        if move_files:
            for kind, entries in settle_files(done, failed, settings.inbox, result.batch).items():
                moved[kind] += entries

    settle([], dict(result.failed))  # refused files leave the inbox at once
    glossary = settings.glossaries / settings.glossary if settings.glossary else None
    options = {"glossary": str(glossary) if glossary else None, "profile": settings.profile}
    options["engine"] = engine if engine is not None else settings.engine
    options["protect_names"] = settings.protect_names
    if settings.forced_narrative:  # only when asked: a film's cache key stays what it was without it
        options["forced_narrative"] = True
    queue, running = list(films), {}
    while queue or running:
        # A window of `concurrency` films in flight bounds the work whatever the runner, and lets each
        # film's files move as soon as it is done.
        while queue and len(running) < settings.concurrency:
            film = queue.pop(0)
            future = runner.submit(localize_one, film, list(settings.target_languages), str(settings.outbox),
                                   **options)
            running[future] = film
        future = next(as_completed(runner, running))
        film = running.pop(future)
        try:
            summary, error = future.result(), None
        except Exception as exc:  # a film that fails, whatever the reason, must not stop the batch
            summary, error = None, exc
        if getattr(future, "cached", False):
            result.cached.add(film.title)
        done_before, failed_before = len(result.done), set(result.failed)
        record_film(result, film, summary, error)
        settle(result.done[done_before:], {f: e for f, e in result.failed.items() if f not in failed_before})
        if progress:
            progress(len(films) - len(queue) - len(running), len(films))
    result.moved = moved
    result.seconds = time.perf_counter() - t0
    write_batch_reports(result, settings.outbox)
    return result
