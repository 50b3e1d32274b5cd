"""`Format`: what the registry knows of a subtitle format, as data.

A format module holds pure functions (``sniff``, ``parse`` and, when subpipe writes the format,
``compose``) and one frozen `Format` naming them; `subpipe.formats` lists those objects. Nothing
here is a class to subclass: a format that cannot be written simply has no ``compose``.

>>> from subpipe.formats import srt
>>> srt.FORMAT.id, srt.FORMAT.writable, srt.FORMAT.read("1\\n00:00:01,000 --> 00:00:02,000\\nHi\\n").cues[0].text
('srt', True, 'Hi')
"""

from collections.abc import Callable
from dataclasses import dataclass

from subpipe.cues import Track
from subpipe.errors import ErrorCode, SubpipeError
from subpipe.formats._grid import Grid, Snapped, TimingLimits, snap_track


@dataclass(frozen=True)
class Format:
    """One subtitle format.

    ``sniff(text) -> bool`` recognises the format by content; ``parse(text, *, path) -> Track``
    reads it; ``compose(track) -> str`` writes it (None: read only). A format whose times are
    frames (``counts_frames``) gets ``fps=`` in both. A binary format (``reads_bytes``) is sniffed
    and parsed on the file's bytes, before any decoding. A format whose times are coarser than
    milliseconds has a ``clock`` (``clock(fps) -> Grid``: ASS/SSA centiseconds, MPL2 deciseconds,
    MicroDVD frames) and gets ``limits=`` and ``fps=`` in ``compose``: the timing limits its rounding
    must keep (`subpipe.formats._grid`), by default those of the default QC profile at that frame rate.
    """

    id: str
    name: str
    extensions: tuple[str, ...]
    sniff: Callable[..., bool]
    parse: Callable[..., Track]
    compose: Callable[..., str] | None = None
    counts_frames: bool = False
    reads_bytes: bool = False
    clock: Callable[[float | None], Grid] | None = None

    @property
    def coarse_clock(self) -> bool:
        return self.clock is not None

    @property
    def writable(self) -> bool:
        return self.compose is not None

    def read(self, data: str | bytes, *, path: str = "<input>", fps: float | None = None) -> Track:
        """`parse`, with the frame rate only for a format that counts frames."""
        if self.counts_frames:
            return self.parse(data, path=path, fps=fps)
        return self.parse(data, path=path)

    def write(self, track: Track, *, fps: float | None = None, limits=None) -> str:
        """`compose`, or a `SubpipeError` saying the format is read only. `limits` (a
        `subpipe.formats._grid.TimingLimits`) only matters to a ``coarse_clock`` format."""
        if self.compose is None:
            raise SubpipeError(f"subpipe reads {self.name} but does not write it", path=track.path,
                               code=ErrorCode.UNKNOWN_FORMAT)
        if self.coarse_clock:
            return self.compose(track, fps=fps, limits=limits)
        if self.counts_frames:
            return self.compose(track, fps=fps)
        return self.compose(track)

    def timing(self, track: Track, *, fps: float | None = None, limits: TimingLimits | None = None) -> Snapped | None:
        """The times `write` gives the track's cues on this format's clock, with a ``timing-resolution``
        finding for each limit it could not keep; None for a format that stores milliseconds."""
        if self.clock is None:
            return None
        return snap_track(track, self.clock(fps or track.fps), limits, fps)
