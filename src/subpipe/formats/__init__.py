"""Subtitle formats: one module per format, found through a registry keyed by format id.

Each format module describes itself with one frozen `Format` (`subpipe.formats.base`): ``id``,
``name``, ``extensions`` and the module's own ``sniff``, ``parse`` and, when it can be written,
``compose`` functions. Adding a format touches one new module and one line in `_builtin`.

`read_track` is the one entry point for reading: bytes -> text (`subpipe.encoding`) -> format
(detected from content first, extension second) -> Track with findings.
"""

import os
import threading
from pathlib import Path

from subpipe.cues import Track
from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.formats.base import Format
from subpipe.limits import Limits, current_limits, env_name

__all__ = ["Format", "compose_track", "detect_format", "format_for_path", "format_ids", "get_format",
           "parse_track", "read_track", "register", "write_track"]


def _builtin() -> dict[str, Format]:
    # Imported here, after `Format` above: each format module needs subpipe.formats.base while this
    # package is still initialising (at the top, import sorting would put these lines first).
    from subpipe.formats import ass, imsc, microdvd, mpl2, sami, scc, srt, stl, ttml, vtt

    # Detection order matters: the most specific signatures first, SRT (the loosest) last.
    formats = [stl.FORMAT, vtt.FORMAT, ass.ASS, ass.SSA, ttml.FORMAT, imsc.FORMAT, scc.FORMAT, sami.FORMAT,
               microdvd.FORMAT, mpl2.FORMAT, srt.FORMAT]
    return {fmt.id: fmt for fmt in formats}


# Built completely at import, before any thread can read it, and never changed in place afterwards:
# `register` publishes a new dict with one assignment, so a reader sees the old registry or the new
# one, never a half-filled one (flows read files from several threads at once).
_registry: dict[str, Format] = _builtin()
_register_lock = threading.Lock()


def _formats() -> dict[str, Format]:
    return _registry


def register(fmt: Format) -> None:
    """Add a format (a plug-in's, say); it is tried after the built-ins when detecting."""
    global _registry
    with _register_lock:
        _registry = {**_registry, fmt.id: fmt}


def get_format(fmt_id: str) -> Format:
    formats = _formats()
    try:
        return formats[fmt_id.lower().lstrip(".")]
    except KeyError:
        for fmt in formats.values():
            if "." + fmt_id.lower().lstrip(".") in fmt.extensions:
                return fmt
        raise SubpipeError(f"unknown subtitle format {fmt_id!r}; known: {', '.join(sorted(formats))}",
                           code=ErrorCode.UNKNOWN_FORMAT) from None


def format_ids() -> list[str]:
    return list(_formats())


def detect_format(text: str, path: str | os.PathLike | None = None) -> Format:
    """The format of `text`: by content first (extension-less files are common), then by extension."""
    formats = _formats()
    # Binary formats were tried on the bytes (`_binary_format`); text is not theirs to sniff.
    text_formats = [fmt for fmt in formats.values() if not fmt.reads_bytes]
    for fmt in text_formats:
        if fmt.sniff(text):
            return fmt
    suffix = Path(path).suffix.lower() if path else ""
    for fmt in text_formats:
        if suffix and suffix in fmt.extensions:
            return fmt
    raise SubpipeError("not a subtitle file subpipe can read (no known format signature"
                       f"{', extension ' + suffix if suffix else ''}); known formats: "
                       f"{', '.join(formats)}", path=str(path) if path else None, line=1,
                       code=ErrorCode.UNKNOWN_FORMAT)


def format_for_path(path: str | os.PathLike) -> Format:
    """The format to write for `path`, from its extension."""
    suffix = Path(path).suffix.lower()
    for fmt in _formats().values():
        if suffix in fmt.extensions and fmt.writable:
            return fmt
    writable = sorted(f.id for f in _formats().values() if f.writable)
    raise SubpipeError(f"cannot tell which format to write from extension {suffix or '(none)'!r}; "
                       f"writable formats: {', '.join(writable)}", path=str(path), code=ErrorCode.UNKNOWN_FORMAT)


def parse_track(data: bytes | str, *, path: str | os.PathLike = "<input>", format: str | None = None,
                fps: float | None = None, encoding: str | None = None, lang: str | None = None,
                strict: bool = False, limits: Limits | None = None) -> Track:
    """Bytes or text -> Track, with every repair and decision recorded in ``track.findings``.

    With `strict`, any finding of severity warning or error becomes a `SubpipeError` naming the file
    and line of the first one. `limits` (default: `subpipe.limits`' settings) bound the input: beyond
    them a `SubpipeError` with code ``limit``. A file with nothing but whitespace is an empty track
    with an ``empty-file`` warning, whatever its format.
    """
    from subpipe.encoding import decode
    from subpipe.fileio import too_large

    path = str(path)
    limits = current_limits(limits)
    if len(data) > limits.max_file_bytes:
        raise too_large(path, "input", len(data), limits.max_file_bytes)
    findings = []
    # Read from the bytes as they are, no decoding; nothing but whitespace is an empty track whatever
    # the format, binary ones included.
    binary = _binary_format(data, path, format) if data.strip() else None
    if isinstance(data, bytes) and binary is None:
        decoded = decode(data, path=path, encoding=encoding, lang=lang)
        text, enc = decoded.text, decoded.encoding
        findings.extend(decoded.findings)
    else:
        # A binary format's own header names its character code (EBU-STL's code page).
        text, enc = data, None
    if binary is None and not text.strip("\ufeff \t\n\r\f\v"):
        track = _empty_track(path, format, len(data))
    else:
        fmt = binary or (get_format(format) if format else detect_format(text, path))
        _refuse_too_many_cue_lines(text, fmt.id, path, limits)
        track = fmt.read(text, path=path, fps=fps)
        track.format = fmt.id
        _refuse_beyond_limits(track, path, limits)
    track.path = path
    track.encoding = enc or track.encoding
    track.lang = track.lang or lang
    track.fps = track.fps or fps
    track.findings = findings + track.findings
    if strict:
        for finding in track.findings:
            if finding.severity != "info":
                raise finding.to_error()
    return track


def _binary_format(data: bytes | str, path: str, format: str | None) -> Format | None:
    """The binary format to read `data` with, if any (it reads bytes, never decoded text): the one asked
    for, else by content, else by extension."""
    if format:
        fmt = get_format(format)
        if fmt.reads_bytes and not isinstance(data, bytes):
            raise SubpipeError(f"{fmt.name} is binary: give its bytes, not decoded text", path=path,
                               code=ErrorCode.UNKNOWN_FORMAT)
        return fmt if fmt.reads_bytes else None
    if not isinstance(data, bytes):
        return None
    binary = [fmt for fmt in _formats().values() if fmt.reads_bytes]
    sniffed = next((fmt for fmt in binary if fmt.sniff(data)), None)
    if sniffed is not None:
        return sniffed
    # A damaged file (a GSI block cut before its signature) is still told by its name, and then refused
    # by the format's reader with what is wrong, not as "no known format".
    suffix = Path(path).suffix.lower()
    return next((fmt for fmt in binary if suffix and suffix in fmt.extensions), None)


def _empty_track(path: str, format: str | None, size: int) -> Track:
    """Nothing to read is said, not delivered as a track that passes QC without a word."""
    suffix = Path(path).suffix.lower()
    by_extension = (f.id for f in _formats().values() if suffix and suffix in f.extensions)
    fmt_id = get_format(format).id if format else next(by_extension, None)
    what = "0 bytes" if size == 0 else "only whitespace"
    finding = Finding("empty-file", f"no cues: the file is empty ({what})", path=path, line=1,
                      severity="warning")
    return Track(path=path, format=fmt_id, findings=[finding])


# Formats whose every cue block has one "-->": counting them bounds the work before parsing.
_ARROW_FORMATS = ("srt", "vtt")


def _refuse_too_many_cue_lines(text: str, fmt_id: str, path: str, limits: Limits) -> None:
    if fmt_id in _ARROW_FORMATS and text.count("-->") > limits.max_cues:
        raise _too_many_cues(text.count("-->"), path, limits)


def _too_many_cues(count: int, path: str, limits: Limits) -> SubpipeError:
    return SubpipeError(f"too many cues: {count:,}, limit {limits.max_cues:,} ({env_name('max_cues')} "
                        "raises it)", path=path, code=ErrorCode.LIMIT)


def _refuse_beyond_limits(track: Track, path: str, limits: Limits) -> None:
    if len(track.cues) > limits.max_cues:
        raise _too_many_cues(len(track.cues), path, limits)
    for cue in track.cues:
        if len(cue.text) > limits.max_cue_chars:
            raise SubpipeError(f"cue {cue.position} is too long: {len(cue.text):,} characters, limit "
                               f"{limits.max_cue_chars:,} ({env_name('max_cue_chars')} raises it)",
                               path=path, line=cue.line, code=ErrorCode.LIMIT)


def read_track(path: str | os.PathLike, *, format: str | None = None, fps: float | None = None,
               encoding: str | None = None, lang: str | None = None, strict: bool = False,
               limits: Limits | None = None) -> Track:
    """Read a subtitle file of any supported format. The file is only ever read.

    Every reason it cannot be read (missing, a directory, no permission, a symlink loop, beyond the
    size limit, ...) is a `SubpipeError` naming it.
    """
    from subpipe.fileio import read_input

    limits = current_limits(limits)
    data = read_input(path, what="subtitle file", max_bytes=limits.max_file_bytes)
    return parse_track(data, path=os.fspath(path), format=format, fps=fps, encoding=encoding, lang=lang,
                       strict=strict, limits=limits)


def compose_track(track: Track, format: str, *, fps: float | None = None, limits=None) -> str:
    """`track` as `format`'s text; `limits` (`subpipe.formats._grid.TimingLimits`, by default the default
    QC profile's) are what a format with coarse times keeps when it rounds them."""
    return get_format(format).write(track, fps=fps or track.fps, limits=limits)


def write_track(track: Track, path: str | os.PathLike, *, format: str | None = None,
                fps: float | None = None, limits=None) -> Path:
    """Write `track` atomically; the format comes from `format` or the extension of `path`."""
    from subpipe.fileio import write_text_atomic

    fmt = get_format(format) if format else format_for_path(path)
    text = compose_track(track, fmt.id, fps=fps, limits=limits)
    return write_text_atomic(path, text, encoding="utf-8")
