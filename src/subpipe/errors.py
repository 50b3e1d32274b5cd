"""The one error type subpipe raises for bad input, the findings readers report, and their catalogue.

A reader either returns a track with findings (what it repaired or noticed, and where) or raises
`SubpipeError` naming the file and line. Nothing else should escape a reader.

Every code is catalogued here once, with one line telling the user what to do (as spaCy's `Errors`
do): `ErrorCode` for errors (the run, or this input, stops) and `FindingKind` for findings (something
noticed or repaired; the run goes on). Both are `StrEnum`s whose values are the slugs subpipe has always
written, so JSON output, CSV reports and stored summaries read the same as before.

>>> ErrorCode.BAD_PROFILE == "bad-profile", ErrorCode("bad-profile").hint[:30]
(True, 'Correct the key the message na')
"""

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Literal

Severity = Literal["info", "warning", "error"]


class _Catalogued(StrEnum):
    """A slug with one line for the user; the member's value is the slug itself."""

    hint: str

    def __new__(cls, value: str, hint: str) -> "_Catalogued":
        member = str.__new__(cls, value)
        member._value_ = value
        member.hint = hint
        return member

    def __repr__(self) -> str:
        # shown as the slug it always was: lists of kinds, dicts of summaries and doctests read the same
        return repr(self.value)


class ErrorCode(_Catalogued):
    """Why subpipe stopped: the `error` of `--json` output and the `code` of a summary's step errors."""

    INPUT = "input", "Check the input the message names (file and line) and correct it."
    INTERNAL = "internal", "A bug in subpipe: report it with the command and its files (SUBPIPE_DEBUG=1 shows the traceback)."
    INTERRUPTED = "interrupted", "Run the command again: it was interrupted (Ctrl-C); files written so far are whole."
    CRASHED = "crashed", "A film's job raised an unexpected error: report a bug with the film's files attached."
    # files and paths
    NOT_FOUND = "not-found", "Check the path: the file or folder does not exist."
    IS_A_DIRECTORY = "is-a-directory", "Give a file inside the folder, not the folder itself (subpipe ingest FOLDER/* reads every file in it)."
    PERMISSION = "permission", "Give your user read permission on the file, or copy it somewhere readable."
    SYMLINK_LOOP = "symlink-loop", "Repair the symbolic link: it points back to itself."
    IO = "io", "Give a regular, readable file (not a device, socket or pipe); check the disk if it persists."
    BAD_PATH = "bad-path", "Rename the file: a name with a NUL character cannot be opened."
    PATH = "path", "Use a film title that names a folder inside the output folder (not '.', '..' or a path)."
    UNSAFE_NAME = "unsafe-name", "Rename the file or change the title: nothing usable is left once it is made safe."
    OUTSIDE_ROOT = "outside-root", "Keep derived names inside the output folder: the name leads outside it."
    OUTSIDE_ROOTS = "outside-roots", "Put the file under one of the configured roots, or add its folder to the roots."
    SAME_FILE = "same-file", "Write the result to another file: inputs are never modified."
    MOVE = "move", "Clear out the folder: too many files of this name are already there."
    NO_INBOX = "no-inbox", "Create the drop folder, or point the settings' inbox at an existing one."
    NO_FLOWS = "no-flows", "Run from a checkout of subpipe, or set SUBPIPE_FLOWS_DIR to its flows/ folder."
    SETTINGS = "settings", "Fix the settings file (TOML) at the line the message names, or the SUBPIPE_* variable or option it names."
    # reading and writing subtitle files
    UNKNOWN_FORMAT = "unknown-format", "Use a format the message lists (by extension, or name it with --to)."
    NOT_SRT = "not-srt", "Check the file is SubRip: no cue block had a readable timing line."
    STL = "stl", "Re-export the EBU-STL file: its header or a text block is damaged or cut short (see the byte named)."
    SCC = "scc", "Check the SCC file at the line named: a header 'Scenarist_SCC V1.0' and hex byte pairs."
    IMSC = "imsc", "Fix the cue named (or report it): the IMSC document could not be written or read back by ttconv."
    ENCODING = "encoding", "Leave out --encoding to detect it, or name the file's real encoding."
    FPS = "fps", "Give the frame rate with --fps (a positive number such as 23.976)."
    COMPOSE = "compose", "Fix the cue the message names, or write to a format that can hold it."
    LIMIT = "limit", "Raise the limit the message names (its SUBPIPE_MAX_* variable; 0 = none) if the file is trusted."
    XML_UNSAFE = "xml-unsafe", "Remove entity declarations and external references from the XML file."
    POSITIONS = "positions", "Number the cues in document order so that each position is unique."
    # QC profiles
    BAD_PROFILE = "bad-profile", "Correct the key the message names in the profile TOML (see qc/profiles/)."
    UNKNOWN_PROFILE = "unknown-profile", "Use a built-in profile name or the path of a .toml file."
    # languages, models and engines
    BAD_LANGUAGE = "bad-language", "Use a BCP 47 language tag such as en, de, pt-BR or zh-Hans."
    NO_LANGUAGE = "no-language", "Name the file Title.lang.ext (Title.en+zh.ext when bilingual) or pass the language."
    MISSING_PAIR = "missing-pair", "Install a model for the pair (subpipe models install FROM TO) or choose another engine."
    MISSING_ENGINE = "missing-engine", "Install the engine (apt-get install apertium apertium-eng-spa) or use --engine argos."
    UNKNOWN_ENGINE = "unknown-engine", "Choose argos, apertium or argos+apertium."
    ENGINE_FAILED = "engine-failed", "Run the engine by hand on the sentence quoted to see why; retry, or use another engine."
    BAD_PACKAGE = "bad-package", "Give an .argosmodel file as argospm downloads it (a zip with one folder and metadata.json)."
    NETWORK = "network", "Check the network, or install a downloaded .argosmodel file instead."
    SPACY_MODEL = "spacy-model", "Install the spaCy pipeline named, or unset SUBPIPE_SPACY_<LANG> to use the default."
    NOTHING_TO_TRANSLATE = "nothing-to-translate", "Give a track with spoken lines: this one has no cue with words."
    # glossaries, links and reviews
    GLOSSARY = "glossary", "Correct the glossary at the line the message names (a header row, one term per row)."
    TBX_INVALID = "tbx-invalid", "Validate the TBX file against its dialect and correct the element named."
    LINKS = "links", "Give links.json as `subpipe align` writes it."
    REVIEW = "review", "Correct the review decision named (term, action, and a rendering where the action needs one)."
    # delivery packages
    UNKNOWN_SPEC = "unknown-spec", "Use a built-in delivery spec (netflix, broadcast-srt, review) or the path of a .toml spec."
    BAD_SPEC = "bad-spec", "Correct the delivery spec at the key and line the message names."
    MISSING_TRACK = "missing-track", "Localize again with the option the spec needs (forced narrative, dual track)."
    VERIFY = "verify", "A delivered file did not read back as written: report it with the file."
    BAD_SUMMARY = "bad-summary", "The earlier run's summary.json the message names is damaged or not subpipe's: localize the film again (or deliver without --reuse)."
    NOT_LOCALIZED = "not-localized", "Run subpipe localize (or deliver without --reuse) first: there is no earlier run to package."
    SET_ASIDE = "set-aside", "Move the earlier delivery's files out of the package folder yourself (the message names the one that could not be moved), then deliver again."
    # requests and runs
    USAGE = "usage", "Correct the request: the message says which option or value is wrong."
    FILM_PARTIALLY_FAILED = "film-partially-failed", "See the film's summary.json: some languages were not delivered."
    FILM_FAILED = "film-failed", "See the film's summary.json: no language was delivered."


class FindingKind(_Catalogued):
    """What a reader, QC rule, fix or check noticed. Not an error: the run goes on (unless `--strict`)."""

    # reading: bytes and encodings
    BOM = "bom", "A byte-order mark was read and removed; nothing to do."
    STRAY_BOM = "stray-bom", "Byte-order marks inside the text were removed (files joined?); check the cues around them."
    ENCODING_DETECTED = "encoding-detected", "Check the text reads right; pass --encoding if it does not."
    MIXED_ENCODING = "mixed-encoding", "Save the file in one encoding (UTF-8): its parts were decoded separately."
    MIXED_ENCODING_LINE = "mixed-encoding-line", "This run of lines was decoded in another encoding; check it reads right."
    MOJIBAKE_REPAIRED = "mojibake-repaired", "Double-encoded UTF-8 was repaired; check the repaired text."
    MOJIBAKE_SUSPECTED = "mojibake-suspected", "The text looks double-encoded; check it and pass --encoding if wrong."
    CONTROL_CHARS = "control-chars", "Remove the control characters: often a byte of a wrongly decoded character."
    UNDECODABLE_BYTES = "undecodable-bytes", "Bytes were replaced by U+FFFD: pass the right --encoding."
    REPLACEMENT_CHARS = "replacement-chars", "The file itself holds U+FFFD: get an undamaged copy."
    NUL_BYTES = "nul-bytes", "NUL bytes were removed; check the file was not cut or joined badly."
    NUL_REPLACED = "nul-replaced", "NUL characters were replaced by U+FFFD; check the text around them."
    CR_LINE_ENDS = "cr-line-ends", "CR-only line ends were read; nothing to do."
    CRLF_LINE_ENDS = "crlf-line-ends", "CRLF line ends were read; nothing to do."
    MIXED_LINE_ENDS = "mixed-line-ends", "Line ends were mixed; nothing to do unless lines look merged."
    EMPTY_FILE = "empty-file", "The file has no cues: check it is the right file."
    # reading: structure and timing
    GARBAGE = "garbage", "Text outside any cue was removed; check nothing of the dialogue was there."
    STRAY_TEXT = "stray-text", "Text between WebVTT blocks was skipped; check nothing of the dialogue was there."
    UNPARSED_LINE = "unparsed-line", "A line that is not a cue was skipped; correct it if it held dialogue."
    IGNORED_BLOCK = "ignored-block", "A block players ignore (misplaced STYLE or REGION, say) was skipped; move or remove it."
    MISSING_INDEX = "missing-index", "Cue numbers were missing; SRT output numbers the cues."
    DUPLICATE_INDEX = "duplicate-index", "A cue number was used twice; check no cue is repeated."
    NON_SEQUENTIAL_INDEX = "non-sequential-index", "Cue numbers were out of sequence; SRT output renumbers them."
    MISSING_TIMING = "missing-timing", "A cue block had no timing line and was dropped: restore its timing."
    BAD_TIMING = "bad-timing", "A timing could not be read: correct the timestamp the message quotes."
    TRUNCATED_CUE = "truncated-cue", "The file ends inside a cue: get a complete copy."
    MISSING_BLANK_LINE = "missing-blank-line", "No blank line between a cue's text and the next cue; check the cues were split right."
    BLANK_LINE_IN_TEXT = "blank-line-in-text", "A blank line inside a cue was removed; check the cue's text."
    WHITESPACE_LINE = "whitespace-line", "A line of only spaces did not end the cue (as the spec says); empty it if it should."
    TIMESTAMP_DOT = "timestamp-dot", "A '.' before the milliseconds was read as ','; nothing to do."
    TIMESTAMP_NO_MILLIS = "timestamp-no-millis", "A timestamp without milliseconds was read as ,000; check the timing."
    TIMESTAMP_NO_HOURS = "timestamp-no-hours", "A timestamp without hours was read as 00:MM:SS; check the timing."
    TIMESTAMP_DIGITS = "timestamp-digits", "A timestamp field had unusual digit counts; check the timing."
    TIMESTAMP_OUT_OF_RANGE = "timestamp-out-of-range", "Minutes or seconds of 60 or more were carried over; check the timing."
    TIMECODE_SEPARATOR = "timecode-separator", "Timecodes with ':' before the centiseconds were read as centiseconds; check the timing."
    NEGATIVE_TIMESTAMP = "negative-timestamp", "A negative time was set to 0; check the cue's timing."
    END_BEFORE_START = "end-before-start", "The cue ends before it starts: correct its end time."
    OPEN_END = "open-end", "A cue had no end time and was given one; check it."
    ESTIMATED_END = "estimated-end", "The last cue had no end and was given one; check it."
    UNSORTED = "unsorted", "Cues were out of time order and the track was sorted; check nothing was misplaced."
    EMPTY_CUE = "empty-cue", "The cue has no visible text: remove it or fill it."
    COMMENT_IN_CUE = "comment-in-cue", "A NOTE line inside a cue is read as cue text: put an empty line before the NOTE."
    NOTE_READ_AS_CUE = "note-read-as-cue", "A line above a timing line is the cue's identifier, not a comment: add an empty line after it."
    HEADER_NOT_SEPARATED = "header-not-separated", "No empty line after the WebVTT header: the next lines were read as a cue; add the empty line."
    BAD_SETTING = "bad-setting", "A cue setting could not be read and was dropped; correct it."
    LEGACY_SETTING = "legacy-setting", "An old-style cue setting was converted; nothing to do."
    BAD_REGION = "bad-region", "A REGION block has no id, so no cue can use it: give it an id."
    UNKNOWN_REGION = "unknown-region", "A cue names a region never defined: define it or remove the reference."
    SRT_COORDINATES = "srt-coordinates", "SRT X1/Y1 display coordinates are kept for SRT output only; use {\\an} for other formats."
    POSITION_TAG_NOT_AT_START = "position-tag-not-at-start", "Move the {\\an} tag to the start of the cue."
    UNCLOSED_TAG = "unclosed-tag", "A '<' was never closed and was read as text; correct the markup."
    OTHER_LANGUAGES = "other-languages", "The file holds other languages' captions; read each with --lang."
    FPS_MISMATCH = "fps-mismatch", "The file declares another frame rate than --fps: check which is right."
    UNSUPPORTED_CODE = "unsupported-code", "Control codes subpipe cannot keep were dropped; check the styling."
    # ASS / SSA
    NO_STYLES = "no-styles", "The file defines no styles: players use their default; add a style if that matters."
    DUPLICATE_STYLE = "duplicate-style", "A style name was defined twice: the last one is used."
    UNKNOWN_STYLE = "unknown-style", "A cue names a style never defined: define it or rename the cue's style."
    MALFORMED_STYLE = "malformed-style", "A style line could not be read; correct it."
    INVALID_STYLE_FIELD = "invalid-style-field", "A style field has an invalid value and the default was used; correct it."
    UNKNOWN_STYLE_FIELD = "unknown-style-field", "A style field subpipe does not know was ignored; nothing to do."
    MISSING_FORMAT_LINE = "missing-format-line", "A section has no Format line: the standard one was assumed."
    MALFORMED_EVENT = "malformed-event", "An event line could not be read and was dropped; correct it."
    MISPLACED_EVENT = "misplaced-event", "An event line outside [Events] was read as an event; move it into [Events]."
    UNSUPPORTED_EVENT = "unsupported-event", "An event other than Dialogue or Comment was dropped; check nothing shown was lost."
    UNKNOWN_SECTION = "unknown-section", "A section subpipe does not know was ignored and is not written back; nothing to do."
    EMBEDDED_ATTACHMENTS = "embedded-attachments", "Embedded fonts or graphics are not kept; deliver them separately."
    INVALID_LAYER = "invalid-layer", "A layer is not a whole number and was read as 0; correct it."
    INVALID_MARGIN = "invalid-margin", "A margin is not a whole number and was read as 0; correct it."
    INVALID_ALIGNMENT = "invalid-alignment", "An alignment tag is not a valid position; correct it."
    DUPLICATE_ALIGNMENT = "duplicate-alignment", "A cue has two alignment tags: the first is used."
    ASS_COMMENT_REMOVED = "ass-comment-removed", "A comment inside override tags was removed; nothing to do."
    # TTML
    ABSOLUTE_TIMES = "absolute-times", "iTunes TTML times were read as absolute, not offsets from the parent; check the timing."
    TIME_BASE = "time-base", "The TTML time base was read as media time; check the timing if it is SMPTE or clock."
    NONSTANDARD_TIME = "nonstandard-time", "Times without unit or hours (iTunes style) were read as [[h:]m:]s; check the timing."
    INVALID_PARAMETER = "invalid-parameter", "Frame or tick rate parameters were unusable: 30 fps and 1 tick per second were assumed; correct them."
    UNTIMED_PARAGRAPH = "untimed-paragraph", "A paragraph with no timing was dropped: give it begin and end."
    DUPLICATE_ID = "duplicate-id", "An xml:id was used twice; make the ids unique."
    FOREIGN_ELEMENT = "foreign-element", "An element subpipe does not read was ignored; check no text of a cue was lost with it."
    # IMSC output checks, EBU-STL and SCC through ttconv
    IMSC_HRM = "imsc-hrm", "A subtitle cannot be drawn in time by IMSC's render model: lengthen the gap before it or shorten it."
    IMSC_LOST_CUES = "imsc-lost-cues", "Cues were lost writing IMSC: report it with the track."
    IMSC_LOST_ITALICS = "imsc-lost-italics", "Italics were lost writing IMSC: report it with the cue."
    IMSC_LOST_POSITION = "imsc-lost-position", "A position was lost writing IMSC: report it with the cue."
    IMSC_LOST_TEXT = "imsc-lost-text", "Text was lost writing IMSC: report it with the cue."
    IMSC_LOST_TIME = "imsc-lost-time", "A time changed writing IMSC: check the frame rate given (--fps)."
    IMSC_PROFILE_RULE = "imsc-profile-rule", "The document breaks an IMSC 1.1 Text rule: change the styling the message names."
    IMSC_REGION_EXTENT = "imsc-region-extent", "A region reaches outside the screen: move or resize it."
    IMSC_TIMING = "imsc-timing", "A paragraph ends before it starts: correct its times."
    IMSC_UNREADABLE = "imsc-unreadable", "The document is not well-formed IMSC: regenerate it with subpipe or fix the XML."
    IMSC_ZERO_DURATION = "imsc-zero-duration", "A cue of zero length is never shown: give it a duration or remove it."
    IMSC_FRAME_RATE = "imsc-frame-rate", "Frame times need ttp:frameRate: declare it or write clock times."
    IMSC_LANG = "imsc-lang", "Set xml:lang on the root: IMSC requires the document language."
    IMSC_PROFILE = "imsc-profile", "Declare the IMSC 1.1 Text profile (ttp:contentProfiles)."
    IMSC_READER = "imsc-reader", "ttconv's IMSC reader warned: check the element the message names."
    IMSC_ROOT = "imsc-root", "The root element must be tt:tt in the TTML namespace."
    IMSC_TICK_RATE = "imsc-tick-rate", "Tick times need ttp:tickRate: declare it or write clock times."
    IMSC_TIME_BASE = "imsc-time-base", "IMSC Text needs the media time base: remove ttp:timeBase or set it to media."
    STL_BLOCK_COUNT = "stl-block-count", "The header's block count differs from the blocks present: check the file is whole."
    STL_DROPPED = "stl-dropped", "A subtitle block ttconv could not read was left out: check its time codes."
    STL_READER = "stl-reader", "ttconv's EBU-STL reader warned: check the block the message names."
    STL_START_TIMECODE = "stl-start-timecode", "The programme starts at a non-zero time code: times are read as written."
    STL_SUBTITLE_COUNT = "stl-subtitle-count", "The header's subtitle count differs from the subtitles read: nothing lost, check the header."
    SCC_READER = "scc-reader", "ttconv's SCC reader warned: check the line the message names."
    # writing a format whose times are coarser than milliseconds (formats/_grid.py)
    TIMING_RESOLUTION = "timing-resolution", "The format's time steps (ASS centiseconds, MPL2 deciseconds, MicroDVD frames) cannot keep a limit the track met: re-time the cue by a step, or deliver SRT / WebVTT."
    # locale typography (qc/locale_style.py: one check and one fix per rule of FIXES)
    LOCALE_QUOTES = "locale-quotes", "The cue writes quotation marks not as the locale's style guide does: fix it (qc --fix does)."
    LOCALE_QUOTE_SPACE = "locale-quote-space", "The cue writes spaces inside quotation marks not as the locale's style guide does: fix it (qc --fix does)."
    LOCALE_ELLIPSIS = "locale-ellipsis", "The cue writes ellipses not as the locale's style guide does: fix it (qc --fix does)."
    LOCALE_PUNCT_SPACE = "locale-punct-space", "The cue writes spaces before ; ! ? : not as the locale's style guide does: fix it (qc --fix does)."
    LOCALE_DECIMAL = "locale-decimal", "The cue writes decimal separators not as the locale's style guide does: fix it (qc --fix does)."
    LOCALE_DIALOGUE_DASH = "locale-dialogue-dash", "The cue writes speaker dashes not as the locale's style guide does: fix it (qc --fix does)."
    FIX_LOCALE_QUOTES = "fix-locale-quotes", "Quotation marks were written the locale's way; nothing to do."
    FIX_LOCALE_QUOTE_SPACE = "fix-locale-quote-space", "Spaces inside quotation marks were written the locale's way; nothing to do."
    FIX_LOCALE_ELLIPSIS = "fix-locale-ellipsis", "Ellipses were written the locale's way; nothing to do."
    FIX_LOCALE_PUNCT_SPACE = "fix-locale-punct-space", "Spaces before ; ! ? : were written the locale's way; nothing to do."
    FIX_LOCALE_DECIMAL = "fix-locale-decimal", "Decimal separators were written the locale's way; nothing to do."
    FIX_LOCALE_DIALOGUE_DASH = "fix-locale-dialogue-dash", "Speaker dashes were written the locale's way; nothing to do."
    FIX_MT_SPACING = "fix-mt-spacing", "Spaces the engine misplaced (\"¡ Cut!\", \"Vale,los\", a space before \"!\") were put the locale's way; nothing to do."
    FIX_MT_INVERTED_MARKS = "fix-mt-inverted-marks", "The opening ¿ / ¡ MT left out (Apertium writes none) was put at the start of the question or exclamation; check where it begins."
    LOCALE_SCRIPT = "locale-script", "Chinese characters of the other script than the locale's (Simplified in zh-Hant / zh-TW / zh-HK, Traditional in zh / zh-Hans / zh-CN): write the cue as the message's OpenCC rendering (qc --fix does)."
    FIX_LOCALE_SCRIPT = "fix-locale-script", "A Chinese cue was written in its locale's script by OpenCC (s2twp for zh-TW, s2hk for zh-HK / zh-MO, s2t for zh-Hant, t2s for Simplified); check names and terms read right."
    LOCALE_UNITS = "locale-units", "The source gives an imperial quantity: render it the way the locale reads (metric) if the scene allows."
    # QC rules and fixes
    LINE_TOO_LONG = "line-too-long", "Shorten or re-break the line (qc --fix rewraps it)."
    TOO_MANY_LINES = "too-many-lines", "Shorten the cue or split it in two (qc --fix splits it)."
    DURATION_TOO_SHORT = "duration-too-short", "Extend the cue into the gap after it (qc --fix extends it)."
    DURATION_TOO_LONG = "duration-too-long", "Split the cue (qc --fix splits it)."
    READING_SPEED = "reading-speed", "Shorten the text or lengthen the cue."
    GAP_TOO_SHORT = "gap-too-short", "Widen the gap between the cues (qc --fix moves their edges)."
    OVERLAP = "overlap", "Move the cues apart: they are shown at the same time."
    FIX_EXTEND = "fix-extend", "A cue was extended to its minimum duration; nothing to do."
    FIX_EXTEND_UNRESOLVED = "fix-extend-unresolved", "The cue could not be extended: shorten its text or move its neighbours."
    FIX_GAP = "fix-gap", "Cue edges were moved to open the minimum gap; nothing to do."
    FIX_GAP_UNRESOLVED = "fix-gap-unresolved", "The gap could not be opened: re-time the cues by hand."
    FIX_REWRAP = "fix-rewrap", "A cue was re-broken into lines; nothing to do."
    FIX_REWRAP_UNRESOLVED = "fix-rewrap-unresolved", "The cue cannot be broken within the limits: shorten its text."
    FIX_SPLIT = "fix-split", "A cue was split in two; check the split reads well."
    FIX_SPLIT_UNRESOLVED = "fix-split-unresolved", "The cue could not be split: shorten its text or re-time it."
    # machine translation faults
    MT_PLACEHOLDER = "mt-placeholder", "The engine lost a protected glossary term or name: put its approved rendering (a name as written) in by hand."
    MT_UNTRANSLATED = "mt-untranslated", "The line was not translated: translate it by hand."
    MT_ROUND_TRIP = "mt-round-trip", "An independent engine cannot translate the line back to its source: read it, and retranslate it if it is nonsense."
    MT_ROUND_TRIP_NOT_RUN = "mt-round-trip-not-run", "Install an independent engine for the pair both ways (Apertium or argos) to have fluent nonsense caught."
    MT_NONSENSE = "mt-nonsense", "The translation holds doubled or unknown words: check and correct it."
    MT_RUNAWAY = "mt-runaway", "The engine ran on: cut the translation to what the source says."
    MT_REPETITION = "mt-repetition", "The engine looped: remove the repeated words."
    MT_LENGTH_RATIO = "mt-length-ratio", "The translation is far longer or shorter than usual: check nothing was lost or added."
    MT_LOST_NUMBER = "mt-lost-number", "A number of the source is missing: put it back."
    MT_LOST_NAME = "mt-lost-name", "A name of the source is missing: put it back (a glossary entry protects it)."
    MT_PUNCTUATION = "mt-punctuation", "The translation lost the source's question mark, or leaves a Spanish ¿ ? / ¡ ! unpaired: punctuate it as the line is meant."
    # segmentation, languages, alignment
    SEGMENT_KEPT = "segment-kept", "These cues were kept as they are (no words, or already in the language); check them."
    SEGMENT_EMPTY_CUE = "segment-empty-cue", "The translation left nothing for this cue: check the neighbouring cues."
    SEGMENT_TIMESTAMPS_DROPPED = "segment-timestamps-dropped", "Karaoke timing cannot follow a translation: re-time by hand."
    SEGMENT_NOTHING_TO_TRANSLATE = "segment-nothing-to-translate", "The track has no line with words: nothing to do."
    LANG_LOW_CONFIDENCE = "lang-low-confidence", "Check the cue's language; correct it with --language-overrides."
    RETIMED = "retimed", "The track was moved onto the reference's clock; nothing to do."
    DUAL_TOO_MANY_LINES = "dual-too-many-lines", "The dual cue has more lines than the profile allows; shorten it."
    # glossaries and term QA
    DUPLICATE_TERM = "duplicate-term", "The term is defined twice: merge the entries."
    TBX_XCS_UNKNOWN = "tbx-xcs-unknown", "The TBX dialect is unknown: entries were read as TBX-Basic."
    TBX_NO_SOURCE_TERM = "tbx-no-source-term", "Some entries have no term in the source language: add one."
    TERM_UNCHECKED = "term-unchecked", "The term's cue has no linked target cue to check; check it by hand."
    TERM_UNALIGNED = "term-unaligned", "The term's cue is not aligned to the target: check the translation by hand."
    TERM_MISSING = "term-missing", "The approved rendering is missing from the translation: put it in."
    TERM_FORBIDDEN = "term-forbidden", "The translation uses a forbidden rendering: replace it with the approved one."
    TERM_DNT_ALTERED = "term-dnt-altered", "A do-not-translate term was changed: restore it verbatim."


def catalogued(code: str) -> "ErrorCode | FindingKind | str":
    """`code` as its catalogue member (an error code first, then a finding kind); a code the catalogue
    does not hold (a plug-in's own) comes back unchanged.

    >>> catalogued("bad-profile") is ErrorCode.BAD_PROFILE, catalogued("my-plugin-code")
    (True, 'my-plugin-code')
    """
    return ErrorCode._value2member_map_.get(code) or FindingKind._value2member_map_.get(code) or code


def _rebuild(cls: type, args: tuple, state: dict) -> "SubpipeError":
    """Unpickle any SubpipeError without calling its `__init__`, whose signature a subclass may change."""
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class SubpipeError(Exception):
    """Bad input or an impossible request, located as precisely as we know.

    `code` is an `ErrorCode` (or, under `--strict`, the `FindingKind` that became an error). A plug-in
    (a format or glossary loader registered from outside) may pass a plain string of its own; a string
    the catalogue holds becomes its member, so `hint` works either way (empty for uncatalogued codes).

    >>> str(SubpipeError("timestamp has no milliseconds", path="film.srt", line=12))
    'film.srt:12: timestamp has no milliseconds'
    >>> SubpipeError("no such file", path="x.srt", code=ErrorCode.NOT_FOUND).hint[:14]
    'Check the path'
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 code: ErrorCode | FindingKind | str = ErrorCode.INPUT) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.code = catalogued(code)
        super().__init__(self.__str__())

    @property
    def hint(self) -> str:
        """One line telling the user what to do."""
        return getattr(self.code, "hint", "")

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def __reduce__(self):
        # Process pools (Dask, concurrent.futures) pickle exceptions; Exception's own reduce calls
        # cls(*args), which loses the keyword fields and breaks subclasses with other signatures.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))

    def to_dict(self) -> dict:
        return {"error": self.code, "message": self.message, "path": self.path, "line": self.line}


@dataclass(frozen=True)
class Finding:
    """Something a reader, a QC rule or a fix noticed or did.

    `kind` is a stable slug ("missing-index", "mojibake-repaired", "reading-speed", ...), catalogued in
    `FindingKind` (a kind the catalogue holds becomes its member, so ``finding.kind.hint`` works);
    `position` is the cue's position (index in document order of the file as read, every cue block
    counted); `line` is the 1-based line in the file; `dropped` marks a cue block that could not be
    kept in the track, so that cues in the file = cues in the track + dropped findings.
    """

    kind: str
    message: str
    path: str | None = None
    line: int | None = None
    position: int | None = None
    severity: Severity = "warning"
    fixed: bool = False
    dropped: bool = False
    start_ms: int | None = None
    end_ms: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FindingKind._value2member_map_.get(self.kind, self.kind))

    def where(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts[0] += f":{self.line}"
        if self.position is not None:
            parts.append(f"cue {self.position}")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: [{self.kind}] {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)

    def to_error(self) -> SubpipeError:
        return SubpipeError(f"[{self.kind}] {self.message}", path=self.path, line=self.line, code=self.kind)


def catalogue_markdown() -> str:
    """The README's table of codes: every error code and finding kind with what to do."""
    rows = ["| code | kind | what to do |", "|---|---|---|"]
    rows += [f"| `{c}` | error | {c.hint} |" for c in ErrorCode]
    rows += [f"| `{k}` | finding | {k.hint} |" for k in FindingKind]
    return "\n".join(rows) + "\n"
