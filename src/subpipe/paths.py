"""Names taken from files and forms made safe, and derived paths kept inside their root.

A film's title, a language code or a reference track's name comes from a file name or a form, and
becomes part of an output path. Each is made safe first (`safe_name`, `safe_lang`) and every path
built from it is checked to stay inside its root (`confined`), so ``...en.srt`` (title ``..``) or a
language ``../x`` can never write outside the output folder.

    >>> safe_name("Le Voyage: part 1"), safe_lang("pt-BR")
    ('Le Voyage_ part 1', 'pt-BR')
    >>> confined("/srv/out", "Sintel", "Sintel.es.srt").as_posix()
    '/srv/out/Sintel/Sintel.es.srt'
"""

import os
import re
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError

# Path separators, control characters, undecodable bytes (kept by Python as lone surrogates) and the
# characters Windows refuses in names: a delivered folder must copy to any file system.
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\udc80-\udcff]')
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def safe_name(text: str, *, what: str = "name", path: str | None = None) -> str:
    """`text` as one file-name component: unsafe characters become ``_``, leading and trailing dots and
    spaces go; a name that is then empty (``..``, ``...``) is refused.

    >>> safe_name("...")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: <input>: name '...' cannot be a file name (nothing left once made safe)
    """
    cleaned = _UNSAFE_CHARS.sub("_", text).strip(" .")
    if not cleaned:
        raise SubpipeError(f"{what} {printable(text)!r} cannot be a file name (nothing left once made safe)",
                           path=path, code=ErrorCode.UNSAFE_NAME)
    return cleaned


def has_unsafe_chars(name: str) -> bool:
    """Whether `name` holds a path separator, a control character or an undecodable byte."""
    return _UNSAFE_CHARS.search(name) is not None


def is_safe_name(name: str) -> bool:
    """Whether `name` is already a safe file name (nothing to replace or strip)."""
    try:
        return safe_name(name) == name
    except SubpipeError:
        return False


def safe_lang(tag: str, *, path: str | None = None) -> str:
    """A language tag that can go into a file name (BCP 47 shape: ``es``, ``pt-BR``, ``zh-Hans``).

    >>> safe_lang("../x")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: <input>: '../x' is not a language tag (like es, pt-BR, zh-Hans)
    """
    if not isinstance(tag, str) or not _LANG_TAG.fullmatch(tag):
        raise SubpipeError(f"{printable(str(tag))!r} is not a language tag (like es, pt-BR, zh-Hans)",
                           path=path, code=ErrorCode.BAD_LANGUAGE)
    return tag


def confined(root: str | Path, *parts: str) -> Path:
    """``root/part/...``, refused unless every part is one safe component and the result, symlinks
    resolved, stays inside `root`."""
    root = Path(root)
    for part in parts:
        if part != safe_name(part, what="path part"):
            raise SubpipeError(f"{printable(part)!r} is not a safe file name", path=str(root), code=ErrorCode.UNSAFE_NAME)
    target = root.joinpath(*parts)
    real_root, real = os.path.realpath(root), os.path.realpath(target)
    if os.path.commonpath([real_root, real]) != real_root:
        raise SubpipeError(f"{target} leads outside {root}: refused", path=str(target), code=ErrorCode.OUTSIDE_ROOT)
    return target


def printable(text: str) -> str:
    """`text` with control characters and undecodable bytes escaped, safe to print on a terminal.

    >>> print(printable("Film\\x1b[31m.en.srt"))
    Film\\x1b[31m.en.srt
    """
    return "".join(_printable_char(ch) for ch in text)


def _printable_char(ch: str) -> str:
    if 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte the file system name could not decode
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")


def display_path(path: str | None, folder: str | os.PathLike | None, fallback: str, *,
                 root: str | os.PathLike | None = None) -> str:
    """`path` as a report or manifest names it: relative to its `folder`, else its file name alone, so a
    report moved with its files, or sent to someone else, names no folder of the machine that made it.
    With `root`, a path outside `root` is named by its file name alone (a relative name would climb up
    to the machine's own folders).

    >>> display_path("/films/a/Film.en.srt", "/films/a/reports", "source")
    '../Film.en.srt'
    >>> display_path("/films/a/Film.en.srt", None, "source"), display_path(None, "/x", "source")
    ('Film.en.srt', 'source')
    >>> display_path("/home/me/Film.en.srt", "/films/a/reports", "source", root="/films/a")
    'Film.en.srt'
    """
    if not path:
        return fallback
    if folder is None:
        return Path(path).name
    full = os.path.abspath(path)
    if root is not None and not Path(full).is_relative_to(os.path.abspath(root)):
        return Path(path).name
    try:
        return Path(os.path.relpath(full, os.path.abspath(folder))).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return Path(path).name


# An absolute path in free text, two parts at least (a quoted '/italic' MPL2 line is not one): POSIX (after
# a space, quote or bracket: not SRT/WebVTT nor a URL's //host), ~/..., or a Windows drive path.
_PATH_IN_TEXT = re.compile(r"""(?<![\w.~/:-])(?:~?/|[A-Za-z]:[\\/])[^\s'"`<>|,;()\[\]{}]*[/\\][^\s'"`<>|,;()\[\]{}]+""")


def display_paths_in(text: str, folder: str | os.PathLike, *, root: str | os.PathLike | None = None,
                     known: tuple[str, ...] = ()) -> str:
    """`text` (an error message) with each absolute path named as `display_path` names it: the `known`
    paths first (they may hold spaces), then whatever else reads as an absolute path.

    >>> display_paths_in("no model; packages are read from /home/me/.argos/packages.", "/films/a/out",
    ...                  root="/films/a")
    'no model; packages are read from packages.'
    >>> display_paths_in("cannot write '/films/a/out/F.es.srt' (SRT/WebVTT)", "/films/a/out", root="/films/a")
    "cannot write 'F.es.srt' (SRT/WebVTT)"
    >>> display_paths_in("cue 3: '/Hi' in C:/Users/me/F.srt, see https://x.org/a", "/f", root="/f")
    "cue 3: '/Hi' in F.srt, see https://x.org/a"
    """
    for path in sorted(filter(None, known), key=len, reverse=True):
        if os.path.isabs(path):
            text = text.replace(path, display_path(path, folder, path, root=root))

    def shown(m: re.Match) -> str:
        path = m.group(0).rstrip(".:")  # the sentence's own full stop or colon
        return display_path(os.path.expanduser(path), folder, path, root=root) + m.group(0)[len(path):]

    return _PATH_IN_TEXT.sub(shown, text)
