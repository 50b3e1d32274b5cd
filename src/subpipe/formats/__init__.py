"""Subtitle formats: one module per format, found through a registry keyed by format id.

Each format is an object with ``id``, ``name``, ``extensions``, ``sniff(text) -> bool``,
``parse(text, *, path, fps) -> Track`` and, when it can be written, ``compose(track, *, fps) -> str``.
Adding a format touches one new module and one line in `_BUILTIN`.

`read_track` is the one entry point for reading: bytes -> text (`subpipe.encoding`) -> format
(detected from content first, extension second) -> Track with findings.
"""

import importlib
import os
import threading
from pathlib import Path
from typing import Protocol

from subpipe.cues import Track
from subpipe.errors import SubpipeError


class SubtitleFormat(Protocol):
    id: str
    name: str
    extensions: tuple[str, ...]
    writable: bool

    def sniff(self, text: str) -> bool: ...

    def parse(self, text: str, *, path: str, fps: float | None = None) -> Track: ...

    def compose(self, track: Track, *, fps: float | None = None) -> str: ...


# Detection order matters: the most specific signatures first, SRT (the loosest) last.
_BUILTIN = [
    ("vtt", "subpipe.formats.vtt:FORMAT"),
    ("ass", "subpipe.formats.ass:ASS"),
    ("ssa", "subpipe.formats.ass:SSA"),
    ("ttml", "subpipe.formats.ttml:FORMAT"),
    ("sami", "subpipe.formats.sami:FORMAT"),
    ("microdvd", "subpipe.formats.microdvd:FORMAT"),
    ("mpl2", "subpipe.formats.mpl2:FORMAT"),
    ("srt", "subpipe.formats.srt:FORMAT"),
]

_registry: dict[str, SubtitleFormat] = {}
_registry_lock = threading.Lock()


def _load() -> dict[str, SubtitleFormat]:
    if not _registry:
        # Flows read files from several threads at once: one thread builds, the others wait for it.
        with _registry_lock:
            if not _registry:
                for fmt_id, target in _BUILTIN:
                    module, attr = target.split(":")
                    _registry[fmt_id] = getattr(importlib.import_module(module), attr)
    return _registry


def register(fmt: SubtitleFormat) -> None:
    """Add a format (a plug-in's, say); it is tried after the built-ins when detecting."""
    _load()[fmt.id] = fmt


def get_format(fmt_id: str) -> SubtitleFormat:
    formats = _load()
    try:
        return formats[fmt_id.lower().lstrip(".")]
    except KeyError:
        for fmt in formats.values():
            if "." + fmt_id.lower().lstrip(".") in fmt.extensions:
                return fmt
        raise SubpipeError(f"unknown subtitle format {fmt_id!r}; known: {', '.join(sorted(formats))}",
                           code="unknown-format") from None


def format_ids() -> list[str]:
    return list(_load())


def detect_format(text: str, path: str | os.PathLike | None = None) -> SubtitleFormat:
    """The format of `text`: by content first (extension-less files are common), then by extension."""
    formats = _load()
    for fmt in formats.values():
        if fmt.sniff(text):
            return fmt
    suffix = Path(path).suffix.lower() if path else ""
    for fmt in formats.values():
        if suffix and suffix in fmt.extensions:
            return fmt
    raise SubpipeError("not a subtitle file subpipe can read (no known format signature"
                       f"{', extension ' + suffix if suffix else ''}); known formats: "
                       f"{', '.join(formats)}", path=str(path) if path else None, line=1,
                       code="unknown-format")


def format_for_path(path: str | os.PathLike) -> SubtitleFormat:
    """The format to write for `path`, from its extension."""
    suffix = Path(path).suffix.lower()
    for fmt in _load().values():
        if suffix in fmt.extensions and fmt.writable:
            return fmt
    writable = sorted(f.id for f in _load().values() if f.writable)
    raise SubpipeError(f"cannot tell which format to write from extension {suffix or '(none)'!r}; "
                       f"writable formats: {', '.join(writable)}", path=str(path), code="unknown-format")


def parse_track(data: bytes | str, *, path: str | os.PathLike = "<input>", format: str | None = None,
                fps: float | None = None, encoding: str | None = None, lang: str | None = None,
                strict: bool = False) -> Track:
    """Bytes or text -> Track, with every repair and decision recorded in ``track.findings``.

    With `strict`, any finding of severity warning or error becomes a `SubpipeError` naming the file
    and line of the first one.
    """
    from subpipe.encoding import decode

    path = str(path)
    findings = []
    if isinstance(data, bytes):
        decoded = decode(data, path=path, encoding=encoding, lang=lang)
        text, enc = decoded.text, decoded.encoding
        findings.extend(decoded.findings)
    else:
        text, enc = data, None
    fmt = get_format(format) if format else detect_format(text, path)
    track = fmt.parse(text, path=path, fps=fps)
    track.path = path
    track.format = fmt.id
    track.encoding = enc
    track.lang = track.lang or lang
    track.fps = track.fps or fps
    track.findings = findings + track.findings
    if strict:
        for finding in track.findings:
            if finding.severity != "info":
                raise finding.to_error()
    return track


def read_track(path: str | os.PathLike, *, format: str | None = None, fps: float | None = None,
               encoding: str | None = None, lang: str | None = None, strict: bool = False) -> Track:
    """Read a subtitle file of any supported format. The file is only ever read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SubpipeError("no such file", path=str(p), code="not-found") from None
    except IsADirectoryError:
        raise SubpipeError("is a directory, not a subtitle file", path=str(p), code="not-found") from None
    except OSError as exc:
        raise SubpipeError(f"cannot read: {exc.strerror}", path=str(p), code="io") from None
    return parse_track(data, path=str(p), format=format, fps=fps, encoding=encoding, lang=lang,
                       strict=strict)


def compose_track(track: Track, format: str, *, fps: float | None = None) -> str:
    fmt = get_format(format)
    if not fmt.writable:
        raise SubpipeError(f"subpipe reads {fmt.name} but does not write it", code="unknown-format")
    return fmt.compose(track, fps=fps or track.fps)


def write_track(track: Track, path: str | os.PathLike, *, format: str | None = None,
                fps: float | None = None) -> Path:
    """Write `track` atomically; the format comes from `format` or the extension of `path`."""
    from subpipe.fileio import write_text_atomic

    fmt = get_format(format) if format else format_for_path(path)
    text = compose_track(track, fmt.id, fps=fps)
    return write_text_atomic(path, text, encoding="utf-8")
