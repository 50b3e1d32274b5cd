"""Batches over a drop folder: which files make which film, what a film's content is, where files go after.

The drop-folder convention: every subtitle file is named ``Title.lang.ext`` (``Sintel.en.vtt``,
``Sintel.de.srt``, ``Le_Voyage.fr-CA.ass``). Files sharing a title are one film; the file whose language
is the source language (``source_lang``, default ``en``) is translated, the others are reference tracks
that are aligned with it and term-checked. After a batch, each file is moved to
``<inbox>/done/<batch>/`` or ``<inbox>/failed/<batch>/``, a failed one with ``<file>.error.json`` beside
it saying why. Nothing is ever overwritten: moves are atomic renames that refuse an existing target.

Flows and servers take paths from people (a UI form, a schedule): `check_path` keeps them inside the
configured roots (inbox, outbox, glossaries, extra roots), resolving symlinks first so a link cannot
lead outside. `BatchSettings` holds those roots and how batches run; `load_settings` reads it from a
TOML file and ``SUBPIPE_*`` environment variables.

Everything here is plain Python: the ``batch_drop_folder`` flow (flows/batch.py) adds concurrency,
retries, caching and artifacts around these functions, and `run_batch` does the same job in one call.
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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

import subpipe
from subpipe.errors import SubpipeError
from subpipe.fileio import write_text_atomic
from subpipe.ingest import guess_lang
from subpipe.localize import film_title
from subpipe.reports import markdown_table, write_json

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
        default_factory=lambda: ["es", "fr"], description="Languages a batch delivers."
    )
    profile: str = Field("netflix", description="QC profile of a batch.")
    glossary: Optional[str] = Field(None, description="Glossary file name (under glossaries) a batch uses.")
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
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SubpipeError("settings file not found", path=str(path), code="settings") from None
        except tomllib.TOMLDecodeError as exc:
            raise SubpipeError(f"not valid TOML: {exc}", path=str(path), code="settings") from None
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
            f"invalid settings: {problems}", path=str(path) if values else None, code="settings"
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
        raise SubpipeError(f"{what} is empty", code="outside-roots")
    real = Path(os.path.expanduser(str(path))).resolve()
    resolved_roots = [Path(os.path.expanduser(str(r))).resolve() for r in roots]
    if any(real == root or real.is_relative_to(root) for root in resolved_roots):
        return real
    listed = ", ".join(str(r) for r in resolved_roots) or "none configured"
    raise SubpipeError(
        f"{what} is outside the configured roots ({listed}): refused", path=str(real), code="outside-roots"
    )


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
    """`en-GB` is an `en` track; `en` is not an `en-GB` track."""
    tag, wanted = tag.lower().replace("_", "-"), wanted.lower().replace("_", "-")
    return tag == wanted or ("-" not in wanted and tag.split("-")[0] == wanted)


def drop_folder_files(inbox: str | Path) -> list[Path]:
    """The files waiting in `inbox`: top level only (done/ and failed/ live below), no hidden files and
    none still being copied in (``.part``, ``.tmp``, ...), sorted by name."""
    folder = Path(inbox)
    if not folder.is_dir():
        raise SubpipeError("the drop folder does not exist", path=str(folder), code="no-inbox")
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(IN_PROGRESS_SUFFIXES)
    )


def group_films(files: Iterable[str | Path], source_lang: str = "en") -> tuple[list[Film], list[Rejected]]:
    """Films by title from ``Title.lang.ext`` names, and the files that make no film (with the reason).

    >>> films, rejected = group_films(["Sintel.en.vtt", "Sintel.de.srt", "Notes.txt", "Dune.fr.srt"])
    >>> [(f.title, f.source.name, [r.name for r in f.references]) for f in films]
    [('Sintel', 'Sintel.en.vtt', ['Sintel.de.srt'])]
    >>> [(r.path.name, r.code) for r in rejected]
    [('Dune.fr.srt', 'no-source-track'), ('Notes.txt', 'bad-name')]
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
        lang = guess_lang(f)
        if lang is None:
            rejected.append(
                Rejected(
                    f,
                    "no language in the name: drop files as Title.lang.ext (e.g. Sintel.en.srt)",
                    "bad-name",
                )
            )
            continue
        by_title.setdefault(film_title(f), []).append((f, lang))
    films = []
    for title, members in sorted(by_title.items()):
        sources = [f for f, lang in members if _same_language(lang, source_lang)]
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
        "source": [guess_lang(film.source), file_digest(film.source)],
        "references": sorted([guess_lang(r) or "", file_digest(r)] for r in film.references),
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
    stem, suffix = (src.name[: -len(src.suffix)], src.suffix) if src.suffix else (src.name, "")
    for n in range(1, 10_000):
        target = folder / (src.name if n == 1 else f"{stem} ({n}){suffix}")
        try:
            _link_into_place(src, target)
        except FileExistsError:
            continue
        src.unlink()
        return target
    raise SubpipeError("too many files of this name in the folder", path=str(folder), code="move")


def _link_into_place(src: Path, target: Path) -> None:
    try:
        os.link(src, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
        tmp = target.with_name(f".{target.name}.moving")
        shutil.copy2(src, tmp)
        try:
            os.link(tmp, target)
        finally:
            tmp.unlink()


def batch_id(now: datetime | None = None) -> str:
    """A sortable name for a batch: its UTC start time, ``20261126T020000Z``."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def settle_files(
    done: Iterable[Path], failed: Mapping[Path, SubpipeError | dict], settings_or_inbox, batch: str
) -> dict[str, list[dict]]:
    """Move finished files to ``done/<batch>/`` and failed ones to ``failed/<batch>/`` with
    ``<file>.error.json`` beside each; returns where every file went."""
    inbox = Path(getattr(settings_or_inbox, "inbox", settings_or_inbox))
    moved: dict[str, list[dict]] = {"done": [], "failed": []}
    for f in done:
        moved["done"].append({"file": f.name, "moved_to": str(move_no_clobber(f, inbox / "done" / batch))})
    for f, error in failed.items():
        report = error_report(f, error, batch)
        target = move_no_clobber(f, inbox / "failed" / batch)
        report["moved_to"] = str(target)
        write_json(target.with_name(target.name + ".error.json"), report)
        moved["failed"].append({"file": f.name, "moved_to": str(target), "error": report["error"]["message"]})
    return moved


def error_report(path: Path, error: SubpipeError | dict, batch: str) -> dict:
    """What went wrong with one file, for the ``.error.json`` beside it in failed/."""
    if isinstance(error, SubpipeError):
        detail = error.to_dict() | {"text": str(error)}
    else:
        detail = {
            "error": error.get("code", "error"),
            "message": error.get("error") or error.get("message", ""),
            "path": error.get("path"),
            "line": error.get("line"),
            "text": error.get("error", ""),
        }
    digest = file_digest(path) if path.exists() else None
    return {
        "file": path.name,
        "batch": batch,
        "sha256": digest,
        "error": detail,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "hint": "fix the file and drop it into the inbox again; it is processed on the next batch",
    }


# --- one film, and a whole batch in one call ----------------------------------------------------------


def localize_one(
    film: Film,
    target_languages: Sequence[str],
    outbox: str | Path,
    *,
    glossary: str | Path | None = None,
    profile: str = "netflix",
    engine=None,
) -> dict:
    """Localize one film of the drop folder; a JSON-able summary with per-file errors (a bad reference
    track fails alone, the film is still delivered). Raises `SubpipeError` when the film cannot be."""
    from subpipe.localize import _public, localize_film

    t0 = time.perf_counter()
    result = localize_film(
        film.source,
        list(target_languages),
        reference_tracks=list(film.references),
        glossary=glossary,
        profile=profile,
        output_dir=outbox,
        engine=engine,
    )
    summary = _public(result.summary())
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    return summary


@dataclass
class BatchResult:
    """What a batch did: per-film summaries, failures per file, where files went, how long it took."""

    batch: str
    films: dict[str, dict] = field(default_factory=dict)
    failed: dict[Path, SubpipeError | dict] = field(default_factory=dict)
    done: list[Path] = field(default_factory=list)
    moved: dict[str, list[dict]] = field(default_factory=dict)
    seconds: float = 0.0
    cached: set[str] = field(default_factory=set)

    @property
    def status(self) -> str:
        """``completed``, ``partially failed``, ``failed`` (nothing delivered) or ``empty``."""
        if not self.failed:
            return "completed" if self.done else "empty"
        return "partially failed" if self.done else "failed"


def record_film(result: BatchResult, film: Film, summary: dict | None, error: Exception | None) -> None:
    """File a film's outcome: its files go to done/, except those its run names as failed."""
    if summary is None:
        err = (
            error
            if isinstance(error, SubpipeError)
            else SubpipeError(f"{type(error).__name__}: {error}", path=str(film.source), code="crashed")
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
        result.films[film.title] = {"title": film.title, "error": str(err), "source": str(film.source)}
        return
    result.films[film.title] = summary
    bad = {str(Path(e["path"])): e for e in summary.get("errors", []) if e.get("path")}
    for f in film.files:
        if str(f) in bad and f != film.source:
            result.failed[f] = {
                "error": bad[str(f)]["error"],
                "path": str(f),
                "code": bad[str(f)].get("step"),
            }
        else:
            result.done.append(f)


def film_rows(result: BatchResult) -> list[dict]:
    """One row per film and target language (the batch table and CSV)."""
    rows = []
    for title, s in sorted(result.films.items()):
        if "error" in s:
            rows.append(
                {
                    "film": title,
                    "lang": "",
                    "status": "failed",
                    "cues": "",
                    "qc_pass": "",
                    "fixes": "",
                    "terms_flagged": "",
                    "unresolved_terms": "",
                    "seconds": "",
                    "error": s["error"],
                }
            )
            continue
        terms = (s.get("terms") or {}).get("summary", {})
        flagged = terms.get("hits", 0) + terms.get("candidates", 0) if terms else ""
        cached = "cached" if title in result.cached else "done"
        for lang, ls in (s.get("languages") or {}).items():
            rows.append(
                {
                    "film": title,
                    "lang": lang,
                    "status": cached,
                    "cues": ls["cues"],
                    "qc_pass": f"{ls['qc']['pass_rate']:.0%}",
                    "fixes": ls["fixes"],
                    "terms_flagged": flagged,
                    "unresolved_terms": ls["unresolved_terms"],
                    "seconds": ls["seconds"],
                    "error": "",
                }
            )
        for e in s.get("errors", []):
            rows.append(
                {
                    "film": title,
                    "lang": "",
                    "status": "file failed",
                    "cues": "",
                    "qc_pass": "",
                    "fixes": "",
                    "terms_flagged": "",
                    "unresolved_terms": "",
                    "seconds": "",
                    "error": f"{Path(e.get('path') or '').name}: {e['error']}",
                }
            )
    return rows


def batch_markdown(result: BatchResult, *, csv_path: str | Path | None = None, limit: int = 50) -> str:
    """The batch summary: films, languages, cues, QC pass rate, flagged terms, timings, failures."""
    delivered = {t: s for t, s in result.films.items() if "error" not in s}
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
    js = write_json(
        folder / "batch.json",
        {
            "batch": result.batch,
            "status": result.status,
            "seconds": round(result.seconds, 2),
            "films": result.films,
            "cached": sorted(result.cached),
            "moved": result.moved,
        },
    )
    return {"csv": str(csv_path), "markdown": str(md), "json": str(js)}


def run_batch(
    settings: BatchSettings, *, progress: Callable[[int, int], None] | None = None, engine=None
) -> BatchResult:
    """The drop-folder batch in one call, one film after another (the flow runs films concurrently and
    caches them); files end in done/ or failed/ and reports in ``<outbox>/batches/<batch>/``."""
    t0 = time.perf_counter()
    result = BatchResult(batch=batch_id())
    films, rejected = group_films(drop_folder_files(settings.inbox), settings.source_lang)
    for r in rejected:
        result.failed[r.path] = r.error()
    glossary = settings.glossaries / settings.glossary if settings.glossary else None
    for n, film in enumerate(films, 1):
        try:
            summary, error = (
                localize_one(
                    film,
                    settings.target_languages,
                    settings.outbox,
                    glossary=glossary,
                    profile=settings.profile,
                    engine=engine,
                ),
                None,
            )
        except SubpipeError as exc:
            summary, error = None, exc
        record_film(result, film, summary, error)
        if progress:
            progress(n, len(films))
    result.moved = settle_files(result.done, result.failed, settings.inbox, result.batch)
    result.seconds = time.perf_counter() - t0
    write_batch_reports(result, settings.outbox)
    return result
