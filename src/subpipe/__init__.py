"""subpipe: subtitle tracks through localization for cross-border distribution."""

from subpipe.cues import Cue, Track
from subpipe.errors import Finding, SubpipeError

__all__ = ["Cue", "Track", "Finding", "SubpipeError"]
__version__ = "0.1.0"
