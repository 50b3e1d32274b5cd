"""Delivery packages: a film localized, then written per locale as a delivery spec says, verified, and
listed in a manifest a distributor's intake can check.

A spec is TOML data (built-ins in ``subpipe/delivery_specs/``: ``netflix``, ``broadcast-srt``,
``review``; or any file, such as ``samples/delivery/*.toml``)::

    name = "broadcast-srt"
    locales = ["es", "fr"]                 # delivered when the caller names none (default: the tables')
    [default]                              # every locale, unless its own table says otherwise
    formats = ["srt"]                      # any format id subpipe writes (subpipe.formats)
    naming = "{title}.{locale}.{ext}"      # also {format}, {source}; made safe and kept in the package
    forced_naming = "{title}.{locale}.forced.{ext}"
    dual_naming = "{title}.{source}+{locale}.ass"
    profile = "netflix"                    # QC profile: a built-in name or a TOML file
    dual = false                           # the dual-language review track (ASS: original above translation)
    forced = false                         # the forced-narrative track, in `formats`
    [locale.es-419]                        # one locale's own settings
    formats = ["srt", "vtt"]

`deliver_film` is localize + write + verify + manifest, never a step sequence of its own: the
translation, re-segmentation, QC fixes, dual and forced tracks are `subpipe.localize.localize_film`'s
(one call for all locales, each with its own QC profile, through the caller's runner). Each delivered file is then
composed by its format's writer (`subpipe.formats`), written atomically, read back with subpipe's
reader, and listed with the cue count and duration of the file as read, its QC against the locale's
profile (`subpipe.qc`; a dual track's half by half, `subpipe.align.export.dual_line_langs`: the source's
lines by the source language's rules, the translation's by the locale's), its size and SHA-256. A locale that fails (no model, a writer error, a file
that does not read back as written) is listed in the manifest as failed with its reason, its files
removed; the others are delivered. The manifest (``manifest.json``, ``manifest.csv``) is written last,
so a package with a manifest is complete. Packages land in ``OUT/<Title>/delivery/<spec name>/``, which
after a delivery holds exactly the files its manifest lists: whatever an earlier delivery (or anyone)
left there is moved, before the first file is written, to ``OUT/<Title>/superseded/<spec name>/<UTC time>/``,
and the summary names it, with the files the new package no longer has (`set_aside`). Once the new package is
written, only the newest set-asides of the spec are kept (`prune_set_asides`): ``SUBPIPE_KEEP_SUPERSEDED``
of them (default 7, a week of nightly deliveries; 0 keeps none, not even the one just made), or
``keep_superseded`` per call (``subpipe deliver --keep-superseded N``); the summary names those removed.
With ``reuse``, nothing is translated: the tracks come from the film's earlier localize run
(``OUT/<Title>/summary.json``).
"""

import hashlib
import re
import shutil
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Literal

from subpipe.cues import Track, format_timecode
from subpipe.errors import ErrorCode, SubpipeError, catalogued
from subpipe.fileio import read_input, read_text_input, write_text_atomic
from subpipe.limits import excerpt
from subpipe.paths import confined, display_path, display_paths_in, printable, safe_lang, safe_name
from subpipe.runners import InTurn, Runner

Status = Literal["completed", "partially failed", "failed"]
Kind = Literal["subtitles", "forced", "dual"]

LOCALE_KEYS = {"formats", "naming", "forced_naming", "dual_naming", "profile", "dual", "forced"}
TOP_KEYS = {"name", "description", "locales", "default", "locale"}
PLACEHOLDERS = {"title", "locale", "ext", "format", "source"}
DEFAULTS = {"formats": ["srt"], "naming": "{title}.{locale}.{ext}",
            "forced_naming": "{title}.{locale}.forced.{ext}", "dual_naming": "{title}.{source}+{locale}.ass",
            "profile": "netflix", "dual": False, "forced": False}
MANIFEST_COLUMNS = ("file", "locale", "kind", "format", "cues", "duration_ms", "duration", "qc_profile", "qc_pass",
                    "qc_pass_rate", "qc_findings", "bytes", "sha256", "status", "reason")


# --- the spec ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LocaleSpec:
    """What one locale gets: its files' formats and names, QC profile, dual and forced tracks."""

    locale: str
    formats: tuple[str, ...]
    naming: str
    forced_naming: str
    dual_naming: str
    profile: str
    dual: bool
    forced: bool


@dataclass(frozen=True)
class DeliverySpec:
    """A delivery spec as loaded (`load_spec`): its name, file, locales and per-locale settings."""

    name: str
    path: str
    description: str
    locales: tuple[str, ...]
    default: dict
    overrides: dict[str, dict]

    @property
    def default_profile(self) -> str:
        """The QC profile of a locale without its own: the film's source is checked against it too."""
        return {**DEFAULTS, **self.default}["profile"]

    def for_locale(self, locale: str) -> LocaleSpec:
        """The settings of `locale`: its own table, else its language's (``es`` for ``es-419``), else the
        spec's default, else subpipe's.

        >>> spec = DeliverySpec("x", "x.toml", "", (), {"formats": ["srt"]}, {"es": {"dual": True}})
        >>> spec.for_locale("es-419").dual, spec.for_locale("es-419").formats, spec.for_locale("fr").dual
        (True, ('srt',), False)
        """
        values = {**DEFAULTS, **self.default}
        for link in reversed(_spec_links(locale)):
            values.update(self.overrides.get(link, {}))
        return LocaleSpec(locale=locale, formats=tuple(values["formats"]), naming=values["naming"],
                          forced_naming=values["forced_naming"], dual_naming=values["dual_naming"],
                          profile=values["profile"], dual=values["dual"], forced=values["forced"])


def _spec_links(locale: str) -> list[str]:
    """The tables a locale's settings come from, most specific first: its own, then its language's; for
    Chinese, its script's (zh-TW: zh-TW, zh-Hant; never the Simplified zh, whose file names are not its).

    >>> _spec_links("es-419"), _spec_links("zh-TW"), _spec_links("zh-CN"), _spec_links("zh")
    (['es-419', 'es'], ['zh-TW', 'zh-Hant'], ['zh-CN', 'zh-Hans', 'zh'], ['zh'])
    """
    from subpipe.locales import chinese_script, is_locale, script_chain

    if is_locale(locale) and chinese_script(locale):
        return script_chain(locale)
    return list(dict.fromkeys([locale, locale.split("-")[0]]))


def builtin_dir():
    return resources.files("subpipe") / "delivery_specs"


def list_specs() -> list[str]:
    """Names of the built-in delivery specs.

    >>> list_specs()
    ['broadcast-srt', 'netflix', 'review']
    """
    return sorted(p.name[:-5] for p in builtin_dir().iterdir() if p.name.endswith(".toml"))


def spec_text(name_or_path: str | Path) -> tuple[str, str]:
    """(file name, TOML text) of a built-in spec or a spec file."""
    ref = str(name_or_path)
    if "/" in ref or "\\" in ref or ref.endswith(".toml"):
        return ref, read_text_input(ref, what="delivery spec", code=ErrorCode.BAD_SPEC).removeprefix("\ufeff")
    if ref not in list_specs():
        raise SubpipeError(f"unknown delivery spec {ref!r}; built-in: {', '.join(list_specs())} (or a .toml file)",
                           code=ErrorCode.UNKNOWN_SPEC)
    return f"<built-in delivery spec {ref}>", (builtin_dir() / f"{ref}.toml").read_text(encoding="utf-8")


def load_spec(name_or_path: str | Path) -> DeliverySpec:
    """A delivery spec, every value checked: a format subpipe cannot write, an unknown key, placeholder,
    profile or locale is a `SubpipeError` naming the spec file, the line and the key.

    >>> spec = load_spec("broadcast-srt")
    >>> spec.for_locale("es").formats, spec.for_locale("es").naming
    (('srt',), '{title}_{locale}.{ext}')
    """
    path, text = spec_text(name_or_path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        line = int(at.group(1)) if at else len(text.splitlines()) if "end of document" in str(exc) else None
        raise SubpipeError(f"not a TOML delivery spec: {exc}", path=path, line=line, code=ErrorCode.BAD_SPEC) from None
    where = SpecSource(path, text)
    where.refuse_unknown(data, TOP_KEYS, "")
    default = where.locale_values(data.get("default", {}), "default")
    tables = data.get("locale", {})
    if not isinstance(tables, dict):
        raise where.error("must be tables ([locale.es-419])", "", "locale")
    overrides = {}
    for locale, values in tables.items():
        where.check_locale(locale, f"locale.{locale}")
        overrides[locale] = where.locale_values(values, f"locale.{locale}")
    locales = where.value(data.get("locales", list(tables)), "locales", list)
    for locale in locales:
        where.check_locale(locale, "", "locales", str(locale))
    return DeliverySpec(name=safe_name(str(data.get("name") or Path(path).stem), what="spec name", path=path),
                        path=path, description=str(data.get("description", "")), locales=tuple(locales),
                        default=default, overrides=overrides)


@dataclass(frozen=True)
class SpecSource:
    """A spec's file and text, to name the line of a bad value (tomllib keeps no positions)."""

    path: str
    text: str

    def line_of(self, table: str, key: str = "", value: str | None = None) -> int | None:
        """The line of `key` in ``[table]`` (of `value`, when given, from the key's line on); the
        table's header line without a key."""
        current, found = "", None
        for n, raw in enumerate(self.text.splitlines(), 1):
            line = raw.strip()
            header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", line)
            if header:
                current = header.group(1).replace('"', "").replace(" ", "")
                if current == table and not key:
                    return n
                continue
            if current != table:
                continue
            if found is None and re.match(rf"{re.escape(key)}\s*=", line):
                found = n
            if found is not None and (value is None or f'"{value}"' in line or f"'{value}'" in line):
                return n
        return found

    def error(self, message: str, table: str, key: str = "", value: str | None = None) -> SubpipeError:
        name = f"{table}.{key}" if table and key else table or key
        return SubpipeError(f"{name}: {message}", path=self.path, line=self.line_of(table, key, value),
                            code=ErrorCode.BAD_SPEC)

    def refuse_unknown(self, values: dict, known: set[str], table: str) -> None:
        for key in values:
            if key not in known:
                raise self.error(f"unknown key (known: {', '.join(sorted(known))})", table, key)

    def value(self, value, key: str, kind: type, table: str = ""):
        if not isinstance(value, kind):
            raise self.error(f"must be a {kind.__name__}, not {type(value).__name__}", table, key)
        return value

    def check_locale(self, locale, table: str, key: str = "", value: str | None = None) -> str:
        try:
            return safe_lang(locale)
        except SubpipeError as exc:
            raise self.error(exc.message, table, key, value) from None

    def locale_values(self, values, table: str) -> dict:
        """One locale's (or the default's) table, each value checked."""
        if not isinstance(values, dict):
            raise self.error("must be a table", table)
        self.refuse_unknown(values, LOCALE_KEYS, table)
        for key in ("dual", "forced"):
            if key in values:
                self.value(values[key], key, bool, table)
        for key in ("naming", "forced_naming", "dual_naming"):
            if key in values:
                self.check_pattern(self.value(values[key], key, str, table), key, table)
        if "formats" in values:
            formats = self.value(values["formats"], "formats", list, table)
            if not formats:
                raise self.error("names no format", table, "formats")
            values = {**values, "formats": [self.writable_format(f, table) for f in formats]}
        if "profile" in values:
            self.check_profile(self.value(values["profile"], "profile", str, table), table)
        return values

    def writable_format(self, fmt_id, table: str) -> str:
        from subpipe.formats import format_ids, get_format

        writable = sorted(f for f in format_ids() if get_format(f).writable)
        try:
            fmt = get_format(str(fmt_id))
        except SubpipeError:
            raise self.error(f"unknown format {fmt_id!r}; subpipe writes {', '.join(writable)}", table, "formats",
                             str(fmt_id)) from None
        if not fmt.writable:
            raise self.error(f"subpipe reads {fmt.name} ({fmt_id!r}) but does not write it; it writes "
                             f"{', '.join(writable)}", table, "formats", str(fmt_id))
        return fmt.id

    def check_pattern(self, pattern: str, key: str, table: str) -> None:
        """Only the known placeholders, plain (``{title}``: no attribute, index or format spec)."""
        names = set(re.findall(r"\{([^{}]*)\}", pattern))
        unknown = names - PLACEHOLDERS
        if unknown:
            raise self.error(f"unknown placeholder {{{sorted(unknown)[0]}}} (known: "
                             f"{', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))})", table, key)
        try:
            pattern.format(**{p: p for p in PLACEHOLDERS})
        except (ValueError, IndexError, KeyError) as exc:
            raise self.error(f"not a naming pattern ({exc}); write {{{{ and }}}} for braces", table, key) from None

    def check_profile(self, profile: str, table: str) -> None:
        from subpipe.qc import load_profile

        try:
            load_profile(profile)
        except SubpipeError as exc:
            raise self.error(f"QC profile: {exc.message}", table, "profile") from None


# --- planning the files ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedFile:
    """One file a locale delivers: its name in the package, what it holds and its format; a dual track the
    languages of its source lines (``en``, ``en+zh``)."""

    name: str
    locale: str
    kind: Kind
    format: str
    source: str = "und"


def ext_of(fmt_id: str) -> str:
    """The file extension (no dot) subpipe writes a format with.

    >>> ext_of("srt"), ext_of("vtt"), ext_of("ass")
    ('srt', 'vtt', 'ass')
    """
    from subpipe.formats import get_format

    return get_format(fmt_id).extensions[0].lstrip(".")


def file_name(pattern: str, *, title: str, locale: str, fmt: str, source: str, spec_path: str) -> str:
    name = pattern.format(title=title, locale=locale, ext=ext_of(fmt), format=fmt, source=source)
    return safe_name(name, what="delivered file name", path=spec_path)


def plan_files(spec: LocaleSpec, title: str, source_tag: str, spec_path: str) -> list[PlannedFile]:
    """The files `spec` names for its locale; two files given one name is a `SubpipeError` on the spec."""
    files = [PlannedFile(file_name(spec.naming, title=title, locale=spec.locale, fmt=f, source=source_tag,
                                   spec_path=spec_path), spec.locale, "subtitles", f) for f in spec.formats]
    if spec.forced:
        files += [PlannedFile(file_name(spec.forced_naming, title=title, locale=spec.locale, fmt=f,
                                        source=source_tag, spec_path=spec_path), spec.locale, "forced", f)
                  for f in spec.formats]
    if spec.dual:
        files.append(PlannedFile(file_name(spec.dual_naming, title=title, locale=spec.locale, fmt="ass",
                                           source=source_tag, spec_path=spec_path), spec.locale, "dual", "ass",
                                 source_tag))
    names = [f.name for f in files]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise SubpipeError(f"{spec.locale}: two files would be named {clash!r}; put {{ext}} or {{format}} in "
                           "the naming patterns", path=spec_path, code=ErrorCode.BAD_SPEC)
    return files


def plan_package(specs: Iterable[LocaleSpec], title: str, spec_path: str) -> list[PlannedFile]:
    """Every locale's files; two locales naming one file (the second would overwrite the first, and the
    manifest would list a checksum no file has) is a `SubpipeError` on the spec."""
    files, owner = [], {}
    for ls in specs:
        for f in plan_files(ls, title, "und", spec_path):
            if f.name in owner:
                raise SubpipeError(f"{owner[f.name]} and {f.locale} would both deliver {f.name!r}; put {{locale}} "
                                   "in the naming patterns", path=spec_path, code=ErrorCode.BAD_SPEC)
            owner[f.name] = f.locale
            files.append(f)
    return files


# --- results -----------------------------------------------------------------------------------------------

@dataclass
class DeliveredFile:
    """One file of the package as read back: what the manifest says of it. `cues` and `duration_ms`
    are the file's as subpipe reads it; `qc_pass` means no QC error against the locale's profile
    (warnings, such as reading speed, count in `qc_findings` and lower `qc_pass_rate`, the share of
    cues with no finding)."""

    name: str
    locale: str
    kind: Kind
    format: str
    cues: int
    duration_ms: int
    qc_profile: str
    qc_pass: bool
    qc_pass_rate: float
    qc_findings: int
    bytes: int
    sha256: str

    def row(self) -> dict:
        return {"file": self.name, "locale": self.locale, "kind": self.kind, "format": self.format,
                "cues": self.cues, "duration_ms": self.duration_ms, "duration": format_timecode(self.duration_ms, "."),
                "qc_profile": self.qc_profile, "qc_pass": self.qc_pass, "qc_pass_rate": self.qc_pass_rate, "qc_findings": self.qc_findings,
                "bytes": self.bytes, "sha256": self.sha256, "status": "delivered", "reason": ""}


@dataclass
class DeliveryResult:
    """A delivery package: the files delivered per locale, the locales that failed and why."""

    title: str
    spec: DeliverySpec
    package_dir: Path
    locales: list[str]
    files: list[DeliveredFile] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # locale -> reason
    films: list = field(default_factory=list)  # the `FilmResult` of each localize call
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    superseded_dir: Path | None = None  # where the folder's earlier contents were moved (`set_aside`)
    superseded: list[str] = field(default_factory=list)  # their names
    removed_set_asides: list[Path] = field(default_factory=list)  # older set-asides removed (`prune_set_asides`)
    not_removed: dict[str, str] = field(default_factory=dict)  # set-aside -> why it could not be removed
    keep_superseded: int | None = None  # the set-asides kept (`prune_set_asides`)

    @property
    def delivered(self) -> list[str]:
        return [loc for loc in self.locales if loc not in self.failed]

    @property
    def status(self) -> Status:
        if not self.failed:
            return "completed"
        return "partially failed" if self.delivered else "failed"

    @property
    def no_longer_delivered(self) -> list[str]:
        """What the folder held before this delivery and no longer holds (moved to `superseded_dir`)."""
        now = {f.name for f in self.files} | {"manifest.json", "manifest.csv"}
        return [name for name in self.superseded if name not in now]

    def set_aside_summary(self) -> dict | None:
        if self.superseded_dir is None and not self.removed_set_asides and not self.not_removed:
            return None
        return {"folder": str(self.superseded_dir) if self.superseded_dir is not None else None,
                "files": list(self.superseded), "no_longer_delivered": self.no_longer_delivered,
                "kept": self.keep_superseded, "removed": [str(p) for p in self.removed_set_asides],
                "not_removed": dict(self.not_removed)}

    def rows(self) -> list[dict]:
        """The manifest's rows: every delivered file, then a row per failed locale."""
        rows = [f.row() for f in self.files]
        rows += [{"file": "", "locale": loc, "status": "failed", "reason": why} for loc, why in self.failed.items()]
        return rows

    def manifest(self) -> dict:
        from subpipe import __version__

        return {"title": self.title, "spec": self.spec.name, "spec_file": Path(self.spec.path).name,
                "status": self.status, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "subpipe": __version__, "locales": list(self.locales), "delivered": self.delivered,
                "failed": [{"locale": loc, "reason": why} for loc, why in self.failed.items()],
                "checksum": "sha256", "files": [f.row() for f in self.files]}


# --- writing and verifying ---------------------------------------------------------------------------------

def compose_files(planned: Sequence[PlannedFile], track: Track, forced: Track | None, dual: Track | None,
                  fps: float | None, profile: str | None = None) -> dict[str, str]:
    """The text of every planned file, composed before any is written (a writer error fails the locale
    with nothing on disk). A format with coarse times (ASS, MPL2, MicroDVD) keeps the timing limits of
    `profile`, the one each file is checked against (the default profile's when None)."""
    from subpipe.formats import get_format
    from subpipe.formats._grid import TimingLimits
    from subpipe.qc import load_profile

    texts = {}
    for f in planned:
        held = {"subtitles": track, "forced": forced, "dual": dual}[f.kind]
        if held is None:
            raise SubpipeError(f"no {f.kind} track was made for {f.locale}", code=ErrorCode.MISSING_TRACK)
        fmt = get_format(f.format)
        limits = TimingLimits.from_profile(load_profile(profile, lang=f.locale, fps=fps)) \
            if profile and fmt.coarse_clock else None
        texts[f.name] = fmt.write(held, fps=fps or held.fps, limits=limits)
    return texts


def verify_file(path: Path, f: PlannedFile, expected_cues: int, profile: str, fps: float | None) -> DeliveredFile:
    """`path` read back with subpipe's reader: its cues, duration and QC against the locale's profile.
    A file that does not read back with the cues written is a `SubpipeError`."""
    from subpipe.formats import parse_track
    from subpipe.qc import check_track, load_profile, summarize

    data = read_input(path, what="delivered file")  # one read: the bytes checksummed are the bytes parsed
    back = parse_track(data, path=str(path), format=f.format, lang=f.locale, fps=fps)
    shown = [c for c in back.cues if not c.comment]
    if len(shown) != expected_cues:
        raise SubpipeError(f"read back with {len(shown)} cues, {expected_cues} written", path=str(path),
                           code=ErrorCode.VERIFY)
    rules = load_profile(profile, lang=f.locale, fps=fps)
    dual = f.kind == "dual"
    if dual:  # each half of a cue by its language's rules; the source's the one its lines were wrapped by
        from subpipe.align.export import dual_line_langs

        back = dual_line_langs(back, f.source.split("+")[0], f.locale)
    # a dual track's cues hold the source's lines above the translation: not held to the locale's typography
    qc = summarize(back, check_track(back, rules, typography=not dual, dual=dual))
    return DeliveredFile(name=f.name, locale=f.locale, kind=f.kind, format=f.format, cues=len(shown),
                         duration_ms=back.duration, qc_profile=rules.name,  # its name: a file's, not its path
                         qc_pass=qc["errors"] == 0 and not profile_errors(data, f, path),
                         qc_pass_rate=qc["pass_rate"], qc_findings=qc["findings"], bytes=len(data),
                         sha256=hashlib.sha256(data).hexdigest())


def profile_errors(data: bytes, f: PlannedFile, path: Path) -> list:
    """The errors of the format's own profile check: IMSC 1.1 Text rules (`subpipe.formats.imsc.validate`:
    ttconv's profile filter, regions, time base, the render model); other formats have none beyond QC."""
    if f.format != "imsc":
        return []
    from subpipe.formats.imsc import validate

    return [x for x in validate(data.decode("utf-8")) if x.severity == "error"]


def write_locale(spec: LocaleSpec, planned: Sequence[PlannedFile], package: Path, track: Track,
                   forced: Track | None, dual: Track | None, fps: float | None) -> list[DeliveredFile]:
    """Write and verify one locale's files; on any failure remove those written, then raise."""
    texts = compose_files(planned, track, forced, dual, fps, spec.profile)
    held = {"subtitles": track, "forced": forced, "dual": dual}
    written: list[Path] = []
    try:
        done = []
        for f in planned:
            path = write_text_atomic(confined(package, f.name), texts[f.name])
            written.append(path)
            expected = sum(1 for c in held[f.kind].cues if not c.comment)
            done.append(verify_file(path, f, expected, spec.profile, fps))
        return done
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def write_manifest(result: DeliveryResult) -> dict[str, str]:
    """manifest.json and manifest.csv, the package's last files."""
    from subpipe.reports import write_csv, write_json

    csv_path = write_csv(confined(result.package_dir, "manifest.csv"), result.rows(), MANIFEST_COLUMNS)
    json_path = write_json(confined(result.package_dir, "manifest.json"), result.manifest())
    result.outputs.update(manifest_csv=str(csv_path), manifest_json=str(json_path))
    return result.outputs


# --- the film ----------------------------------------------------------------------------------------------

@dataclass
class Localized:
    """One locale as localize left it: the delivered track, its forced-narrative and dual tracks (None
    where localize wrote none) and the source languages the dual track's name carries (``en``, ``en+zh``)."""

    title: str
    locale: str
    track: Track
    forced: Track | None
    dual: Track | None
    source_tag: str


def from_film(film, locale: str) -> Localized:
    """`locale` of a localize run (`FilmResult`): the track in memory, the forced and dual tracks as
    localize wrote them; `SubpipeError` with localize's reason when it did not deliver the locale."""
    failed = film.failed_languages
    if locale in failed:
        e = failed[locale]
        raise SubpipeError(e.message, path=e.path, line=e.line, code=e.code)
    if locale not in film.languages:
        raise SubpipeError("not localized (the film's summary.md says why)", path=str(film.source.track.path),
                           code=ErrorCode.NOT_LOCALIZED)
    lr = film.languages[locale]
    return localized_from_outputs(film.title, locale, lr.track, lr.outputs, film.source.track.lang or "und")


def localized_from_outputs(title: str, locale: str, track: Track | None, outputs: dict, source_lang: str,
                           folder: Path | None = None) -> Localized:
    """A `Localized` from localize's outputs of a locale (`LanguageResult.outputs`, or summary.json's);
    with `folder`, each file is taken by its name there (the film's folder may have moved since)."""
    from subpipe.formats import read_track

    def path(kind: str) -> Path | None:
        if kind not in outputs:
            return None
        return confined(folder, Path(outputs[kind]).name) if folder is not None else Path(outputs[kind])

    if track is None:
        delivered = path("vtt") or path("srt")  # WebVTT keeps the most styling (voices)
        if delivered is None:
            raise SubpipeError(f"the earlier run wrote no {locale} track", path=str(folder), code=ErrorCode.NOT_LOCALIZED)
        track = read_track(delivered, lang=locale)
    forced, dual = path("forced_vtt"), path("dual")
    return Localized(title, locale, track, read_track(forced, lang=locale) if forced else None,
                     read_track(dual) if dual else None,
                     dual_source_tag(str(dual or ""), title, source_lang))


TRACK_OUTPUTS = ("srt", "vtt", "forced_vtt", "dual")  # the files of a summary's language `from_summary` reads


def load_summary(folder: Path) -> dict:
    """The summary.json of an earlier localize run of the film in `folder`, every part `from_summary`
    uses checked: a file that is not UTF-8 JSON (its line named), larger than the file size limit
    (`subpipe.limits`), nested beyond reason, of another shape, or naming a track outside the film's
    folder (a path elsewhere, ``..``, a file there that is a symlink leading out) is a `SubpipeError`
    naming the file (``bad-summary``; ``outside-root`` for a symlink), and nothing outside `folder` is
    read."""
    from subpipe.fileio import read_json_input
    from subpipe.limits import current_limits

    file = confined(folder, "summary.json")
    data = read_json_input(file, what="summary of an earlier localize run", code=ErrorCode.BAD_SUMMARY,
                           max_bytes=current_limits().max_file_bytes)

    def bad(where: str, message: str) -> SubpipeError:
        return SubpipeError(f"{where}: {message} (not a summary.json subpipe localize wrote: run it again, or "
                            "deliver without --reuse)", path=str(file), code=ErrorCode.BAD_SUMMARY)

    def of(value, kinds: tuple[type, ...], where: str):
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
            names = " or ".join("null" if k is type(None) else {"dict": "an object", "str": "a string",
                                                                 "int": "a whole number"}[k.__name__]
                                for k in kinds)
            raise bad(where, f"must be {names}, not {describe(value)}")
        return value

    of(data, (dict,), "the file")
    title = of(data.get("title"), (str,), "title")
    if title != folder.name:
        raise bad("title", f"{excerpt(title)} is not the film of the folder it is in ({excerpt(folder.name)})")
    source = of(data.get("source", {}), (dict,), "source")
    lang = of(source.get("lang"), (str, type(None)), "source.lang")
    for tag in (lang or "und").split("+"):
        try:
            safe_lang(tag)
        except SubpipeError:
            raise bad("source.lang", f"{excerpt(lang)} is not a language tag") from None
    for locale, entry in of(data.get("failed_languages", {}), (dict,), "failed_languages").items():
        where = f"failed_languages.{printable(locale)}"
        of(entry, (dict,), where)
        of(entry.get("message"), (str,), f"{where}.message")
        of(entry.get("code"), (str,), f"{where}.code")
        of(entry.get("path"), (str, type(None)), f"{where}.path")
        of(entry.get("line"), (int, type(None)), f"{where}.line")
    for locale, entry in of(data.get("languages", {}), (dict,), "languages").items():
        where = f"languages.{printable(locale)}"
        outputs = of(of(entry, (dict,), where).get("outputs"), (dict,), f"{where}.outputs")
        for kind in TRACK_OUTPUTS:
            if kind in outputs:
                track_in_folder(of(outputs[kind], (str,), f"{where}.outputs.{kind}"), folder,
                                lambda message, key=f"{where}.outputs.{kind}": bad(key, message))
    return data


def track_in_folder(recorded: str, folder: Path, bad) -> Path:
    """The file of the film's `folder` a summary names by `recorded` (its path when written, in a folder
    of the film's name: the folder may have moved since): ``bad(message)`` for a path that leads elsewhere;
    a name there that is a symlink leading out of `folder` is refused by `confined`."""
    path = Path(recorded)
    if "\x00" in recorded or not path.name or ".." in path.parts or (
            len(path.parts) > 1 and path.parent.name != folder.name) or path.name != safe_name(path.name):
        raise bad(f"{excerpt(recorded)} is not a file of the film's folder {excerpt(folder.name)}: refused")
    return confined(folder, path.name)


def describe(value) -> str:
    """A JSON value as a message names it: its type, and a short excerpt of a string."""
    if isinstance(value, str):
        return f"the string {excerpt(value, 40)}"
    number = str(value) if len(str(value)) <= 40 else f"{str(value)[:40]}… ({len(str(value)):,} digits)"
    return {dict: "an object", list: "a list", bool: "true/false", type(None): "null"}.get(
        type(value), f"the number {number}")


def from_summary(folder: Path, locale: str) -> Localized:
    """`locale` from an earlier localize run of the film in `folder` (its summary.json, `load_summary`)."""
    summary = load_summary(folder)
    failed = summary.get("failed_languages", {})
    if locale in failed:
        e = failed[locale]
        code = catalogued(e["code"])  # a code subpipe does not know is not passed on
        code = code if isinstance(code, ErrorCode) else ErrorCode.NOT_LOCALIZED
        raise SubpipeError(e["message"], path=e.get("path"), line=e.get("line"), code=code)
    if locale not in summary.get("languages", {}):
        raise SubpipeError(f"the earlier localize run did not translate into {locale}: deliver without reusing it",
                           path=str(folder / "summary.json"), code=ErrorCode.NOT_LOCALIZED)
    return localized_from_outputs(summary["title"], locale, None, summary["languages"][locale]["outputs"],
                                  summary.get("source", {}).get("lang") or "und", folder=folder)


def deliver_film(source: str | Path, spec: str | Path | DeliverySpec, locales: Sequence[str] | None = None, *,
                 output_dir: str | Path = "out", reference_tracks: Sequence = (), glossary: str | Path | None = None,
                 audience: str = "adult", fps: float | None = None, engine=None, runner: Runner | None = None,
                 review=None, progress=None, spoken_languages=None, reuse: bool = False,
                 keep_superseded: int | None = None) -> DeliveryResult:
    """Localize `source` into `locales` (the spec's own when None) and write the delivery package.

    With `reuse`, nothing is translated again: the tracks come from the film's earlier localize run
    into `output_dir` (``OUT/<Title>/summary.json`` and the files it lists), a locale that run did not
    deliver failing with its reason. Bad input (the source, the spec, a locale tag, no earlier run to
    reuse) raises `SubpipeError` before any work; after that a locale that fails is listed in the
    manifest with its reason and the others are delivered. Every step (localize's, then
    `deliver_locale` per locale) goes through `runner` (in turn by default). Once the package is written,
    the spec's set-asides beyond the newest `keep_superseded` (None: ``$SUBPIPE_KEEP_SUPERSEDED``, default
    7) are removed (`prune_set_asides`).
    """
    from subpipe.localize import film_title, localize_film

    t0 = time.perf_counter()
    runner = runner or InTurn()
    keep = keep_superseded_setting(keep_superseded)  # a bad setting is said before any work
    spec = spec if isinstance(spec, DeliverySpec) else load_spec(spec)
    wanted = list(dict.fromkeys(safe_lang(loc, path=spec.path) for loc in (locales or spec.locales)))
    if not wanted:
        raise SubpipeError("no locale to deliver: name them (--to) or list them in the spec's locales",
                           path=spec.path, code=ErrorCode.USAGE)
    per_locale = {loc: spec.for_locale(loc) for loc in wanted}
    title = film_title(source)
    plan_package(per_locale.values(), title, spec.path)  # a naming clash is the spec's fault: said before any work
    if reuse:
        film_dir = confined(output_dir, title)
        load_summary(film_dir)  # a missing or damaged summary is said before anything is moved or written
        result = DeliveryResult(title, spec, confined(film_dir, "delivery", spec.name), wanted)
        set_aside(result)
        deliver_locales(result, runner, film_dir, per_locale, fps)
        return finish(result, t0, keep)
    profiles = {loc: ls.profile for loc, ls in per_locale.items()}
    film = localize_film(source, wanted, reference_tracks=reference_tracks, glossary=glossary,
                         profile=spec.default_profile, profiles=profiles, audience=audience, output_dir=output_dir,
                         fps=fps, engine=engine, runner=runner, review=review, progress=progress,
                         spoken_languages=spoken_languages,
                         forced_narrative=any(ls.forced for ls in per_locale.values()))
    result = DeliveryResult(film.title, spec, confined(film.output_dir, "delivery", spec.name), wanted, films=[film])
    set_aside(result)
    deliver_locales(result, runner, film, per_locale, fps)
    return finish(result, t0, keep)


def set_aside(result: DeliveryResult) -> None:
    """Move whatever the package folder holds (an earlier delivery, files put there by hand) to a new
    folder ``OUT/<Title>/superseded/<spec>/<UTC time>/``, outside ``delivery/`` where an intake looks,
    so the folder ends up holding exactly what the new manifest lists and nothing is lost: the summary
    names the folder and what the new package no longer has. A file that cannot be moved is a
    `SubpipeError` before anything is written."""
    package = result.package_dir
    entries = sorted(package.iterdir()) if package.is_dir() else []
    if not entries:
        return
    stamp = datetime.now(UTC).strftime(SET_ASIDE_STAMP)
    folder = confined(package.parent.parent, "superseded", result.spec.name)
    # after the newest of this second, even where older ones were pruned: names keep the order they were made
    made = [SET_ASIDE_NAME.fullmatch(p.name) for p in set_asides(folder)]
    first = max((int(m.group(2) or 1) for m in made if m.group(1) == stamp), default=0) + 1
    for n in range(first, 1000):
        target = confined(folder, stamp if n == 1 else f"{stamp}-{n}")
        try:
            target.mkdir(parents=True)
            break
        except FileExistsError:
            continue
    else:
        raise SubpipeError("too many earlier deliveries set aside this second", path=str(folder),
                           code=ErrorCode.SET_ASIDE)
    for entry in entries:
        try:
            shutil.move(entry, target / entry.name)
        except OSError as exc:
            raise SubpipeError(f"cannot move the earlier delivery's file to {target}: {exc.strerror or exc}",
                               path=str(entry), code=ErrorCode.SET_ASIDE) from None
        result.superseded.append(entry.name)
    result.superseded_dir = target
    result.outputs["superseded"] = str(target)


SET_ASIDE_STAMP = "%Y%m%dT%H%M%SZ"  # a set-aside folder's name: its UTC time, then -2, -3, ... within a second
SET_ASIDE_NAME = re.compile(r"([0-9]{8}T[0-9]{6}Z)(?:-([0-9]{1,3}))?")
KEEP_SUPERSEDED_ENV = "SUBPIPE_KEEP_SUPERSEDED"
DEFAULT_KEEP_SUPERSEDED = 7  # a week of nightly deliveries


def keep_superseded_setting(keep: int | None = None, environ=None) -> int:
    """How many set-asides of a spec to keep: `keep` when given, else ``$SUBPIPE_KEEP_SUPERSEDED``, else 7.
    0 keeps none. A value that is not a whole number of 0 or more is a `SubpipeError` naming it.

    >>> keep_superseded_setting(environ={}), keep_superseded_setting(environ={"SUBPIPE_KEEP_SUPERSEDED": "0"})
    (7, 0)
    """
    import os

    from subpipe.limits import whole_number_setting

    if keep is None:
        raw = (os.environ if environ is None else environ).get(KEEP_SUPERSEDED_ENV, "")
        if not raw.strip():
            return DEFAULT_KEEP_SUPERSEDED
        return whole_number_setting(KEEP_SUPERSEDED_ENV, raw, zero="keeps none", code=ErrorCode.SETTINGS)
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise SubpipeError(f"keep_superseded={keep!r}: the set-asides to keep are a whole number, 0 or more (0 keeps none)",
                           code=ErrorCode.SETTINGS)
    return keep


def set_asides(folder: Path) -> list[Path]:
    """The set-aside folders subpipe made in `folder` (``OUT/<Title>/superseded/<spec>/``), oldest first:
    real directories (a symlink is never one, nor is what it points to) named as `set_aside` names them.
    Anything else there is not subpipe's and is left alone."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        name = SET_ASIDE_NAME.fullmatch(entry.name)
        if name and not entry.is_symlink() and entry.is_dir():
            found.append(((name.group(1), int(name.group(2) or 1)), entry))
    return [entry for _, entry in sorted(found)]


def prune_set_asides(result: DeliveryResult, keep: int) -> None:
    """Remove the set-asides of the package's spec beyond the newest `keep` (`set_asides`), each checked
    to lie inside the film's folder (`confined`) and removed without following a symlink inside it
    (`shutil.rmtree` where it avoids symlink attacks; elsewhere nothing is removed). The result names
    what was removed, and what could not be, with why."""
    result.keep_superseded = keep
    film_dir = result.package_dir.parent.parent
    try:
        folder = confined(film_dir, "superseded", result.spec.name)
    except SubpipeError as exc:  # the delivery is written: what is not removed is said, not raised
        result.not_removed[str(film_dir / "superseded")] = exc.message
        return
    if (film_dir / "superseded").is_symlink():
        result.not_removed[str(film_dir / "superseded")] = "a symlink: not followed"
        return
    found = set_asides(folder)
    for entry in found[:max(len(found) - keep, 0)]:
        if not shutil.rmtree.avoids_symlink_attacks:
            result.not_removed[str(entry)] = "this system's removal could follow symlinks: left in place"
            continue
        try:
            shutil.rmtree(confined(folder, entry.name))
        except SubpipeError as exc:
            result.not_removed[str(entry)] = exc.message
            continue
        except OSError as exc:
            result.not_removed[str(entry)] = f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
            continue
        result.removed_set_asides.append(entry)


def deliver_locales(result: DeliveryResult, runner: Runner, film, specs: dict[str, LocaleSpec],
                    fps: float | None) -> None:
    """`deliver_locale` for each locale of `specs`, through `runner`; a failure fails its locale alone."""
    pending = [(loc, runner.submit(deliver_locale, film, ls, result.package_dir, result.spec.path, fps))
               for loc, ls in specs.items()]
    for loc, future in pending:
        try:
            result.files += future.result()
        except (SubpipeError, OSError) as exc:  # the manifest says why
            result.failed[loc] = failure_reason(exc, result.package_dir)


def finish(result: DeliveryResult, t0: float, keep: int | None = None) -> DeliveryResult:
    """Locales and files in the order asked, then the manifest: the package's last files; then the
    spec's set-asides beyond the newest `keep` (`keep_superseded_setting`) are removed."""
    wanted = result.locales
    result.failed = {loc: result.failed[loc] for loc in wanted if loc in result.failed}
    result.files.sort(key=lambda f: wanted.index(f.locale))
    write_manifest(result)
    prune_set_asides(result, keep_superseded_setting(keep))
    result.seconds = time.perf_counter() - t0
    return result


def failure_reason(exc: BaseException, package: Path) -> str:
    """Why a locale was not delivered, for the manifest: the code and message, every file named relative
    to the `package` folder (one outside the film's folder by its name alone): no path of this machine."""
    film_dir = package.parent.parent  # OUT/<Title>: relative names stay inside the film's own folders

    def name(path) -> str:
        return display_path(str(path), package, str(path), root=film_dir)

    if isinstance(exc, SubpipeError):
        where = f" ({name(exc.path)}{f':{exc.line}' if exc.line else ''})" if exc.path else ""
        message = display_paths_in(exc.message, package, root=film_dir, known=(str(exc.path or ""),))
        return f"{exc.code}: {message}{where}"
    filename = getattr(exc, "filename", None)
    message = display_paths_in(str(exc.strerror or exc), package, root=film_dir, known=(str(filename or ""),))
    return f"io: {message}" + (f" ({name(filename)})" if filename else "")


def deliver_locale(film, spec: LocaleSpec, package: Path, spec_path: str, fps: float | None = None
                   ) -> list[DeliveredFile]:
    """One locale into the package, its files written, read back, checked: from a localize run
    (`FilmResult`) or, `film` a folder, from the earlier run whose summary.json is there. A locale
    localize did not deliver raises `SubpipeError` with localize's reason."""
    done = from_summary(film, spec.locale) if isinstance(film, Path) else from_film(film, spec.locale)
    planned = plan_files(spec, done.title, done.source_tag, spec_path)
    return write_locale(spec, planned, package, done.track, done.forced, done.dual, fps)


def dual_source_tag(dual_path: str, title: str, fallback: str) -> str:
    """The source languages in the dual track's name localize chose (``en``, ``en+zh``).

    >>> dual_source_tag("/o/Sintel/Sintel.en+zh+es.ass", "Sintel", "en"), dual_source_tag("", "Sintel", "en")
    ('en+zh', 'en')
    """
    name = Path(dual_path).name
    if not name.startswith(f"{title}.") or name.count("+") < 1:
        return fallback
    return name[len(title) + 1:].rsplit("+", 1)[0]


def delivery_markdown(result: DeliveryResult) -> str:
    """The package at a glance: each file with its checks, then the failed locales."""
    from subpipe.reports import markdown_table

    status = {"completed": "", "partially failed": " (**partially failed**)", "failed": " (**failed**)"}
    lines = [f"# {result.title}: delivery `{result.spec.name}`{status[result.status]}", "",
             f"{len(result.files)} file(s) for {', '.join(result.delivered) or 'no locale'} in "
             f"`{result.package_dir}`; manifest.json / manifest.csv list each with its SHA-256.", "",
             markdown_table([{"file": f.name, "locale": f.locale, "kind": f.kind, "format": f.format, "cues": f.cues,
                              "duration": format_timecode(f.duration_ms, "."), "QC profile": f.qc_profile,
                              "QC pass": "yes" if f.qc_pass else "no",
                              "cues passing": f"{f.qc_pass_rate:.0%}"} for f in result.files])]
    if result.failed:
        lines += ["## Locales not delivered", "",
                  markdown_table([{"locale": loc, "reason": why} for loc, why in result.failed.items()])]
    if result.superseded_dir is not None:
        gone = result.no_longer_delivered
        lines += ["## The earlier contents of the folder", "",
                  f"{len(result.superseded)} file(s) the folder held before this delivery were moved to "
                  f"`{result.superseded_dir}`" + (f"; no longer delivered: {', '.join(gone)}." if gone else
                                                  "; this delivery replaces each of them."), ""]
    if result.removed_set_asides or result.not_removed:
        lines += ["## Older set-asides", ""]
        if result.removed_set_asides:
            lines += [f"{len(result.removed_set_asides)} older set-aside folder(s) removed, the newest "
                      f"{result.keep_superseded} kept ({KEEP_SUPERSEDED_ENV}): "
                      + ", ".join(f"`{p.name}`" for p in result.removed_set_asides) + ".", ""]
        lines += [f"Not removed: `{Path(p).name}` ({why}).\n" for p, why in result.not_removed.items()]
    return "\n".join(lines) + "\n"
