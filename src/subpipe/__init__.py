"""subpipe: subtitle tracks through localization for cross-border distribution."""

from subpipe.cues import Cue, Track
from subpipe.errors import ErrorCode, Finding, FindingKind, SubpipeError

__all__ = ["Cue", "Track", "Finding", "SubpipeError", "ErrorCode", "FindingKind"]
__version__ = "0.1.0"
