"""The `subpipe` command: a thin Typer layer over the library.

Every command that reports takes `--json`. Commands raise `SubpipeError` and let it go: one frame
(`_Frame`) catches it, prints it with its hint (or as JSON on stdout with `--json`) and sets the exit
status of `ExitCode`. QC findings are not errors unless `--strict` is given.
"""

import json
import os
import sys
from dataclasses import replace
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from subpipe.errors import ErrorCode, SubpipeError, catalogue_markdown


class ExitCode(IntEnum):
    """The exit status of `subpipe`, by kind of outcome (`EXIT_CODES` says each in words)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    BUG = 3
    INTERRUPTED = 130


EXIT_CODES = {
    ExitCode.OK: "success (QC findings do not count unless --strict)",
    ExitCode.FAILED: "an error in the input or the request (its code in --json), or a run that did not deliver "
                     "everything: --strict findings, a language not delivered, a file `ingest` rejected",
    ExitCode.USAGE: "a command line that cannot be parsed: unknown option, missing argument (Click's status)",
    ExitCode.BUG: "an unexpected exception, a bug in subpipe (`internal`; SUBPIPE_DEBUG=1 prints the traceback)",
    ExitCode.INTERRUPTED: "interrupted by Ctrl-C (`interrupted`; 128 + SIGINT, as shells report it)",
}


def exit_codes_markdown() -> str:
    rows = ["| exit status | meaning |", "|---|---|"] + [f"| {int(c)} | {what} |" for c, what in EXIT_CODES.items()]
    return "\n".join(rows) + "\n"


_JSON_MODE = "subpipe.json"  # key in the Click context's meta, which every nested context shares


def _remember_json_mode(ctx: typer.Context, value: bool) -> bool:
    ctx.meta[_JSON_MODE] = value
    return value


class _Frame(TyperGroup):
    """The one place where the CLI turns an exception into a message and an exit status."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # Typer's own: usage errors and exits
            raise
        except SubpipeError as exc:
            _report(exc.to_dict() | {"text": str(exc), "hint": exc.hint}, ctx, shown(exc))
            raise typer.Exit(ExitCode.FAILED) from None
        except KeyboardInterrupt:
            _report(_error_payload(ErrorCode.INTERRUPTED, "interrupted"), ctx, "interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as exc:
            if os.environ.get("SUBPIPE_DEBUG"):
                err_console.print_exception()
            message = f"{type(exc).__name__}: {exc}"
            _report(_error_payload(ErrorCode.INTERNAL, message), ctx,
                    f"internal error (a bug in subpipe): {shown(message)}")
            raise typer.Exit(ExitCode.BUG) from None


def _error_payload(code: ErrorCode, message: str) -> dict:
    return {"error": code, "message": message, "path": None, "line": None, "text": message, "hint": code.hint}


def _report(payload: dict, ctx: typer.Context, text: str) -> None:
    """An error on stderr, with its hint; as JSON on stdout too when the command was given `--json`."""
    if ctx.meta.get(_JSON_MODE):
        print(json.dumps(payload, ensure_ascii=False))
    # soft_wrap: the terminal wraps a long message; the console inserting newlines would cut a path or a
    # phrase in two for whoever greps stderr.
    err_console.print(f"[bold red]error:[/] {text}", highlight=False, soft_wrap=True)
    if payload["hint"]:
        err_console.print(f"[dim]hint ({payload['error']}):[/] {escape(payload['hint'])}", highlight=False,
                          soft_wrap=True)


app = typer.Typer(help="Subtitle tracks through localization: ingest, QC, align, flag terms, translate.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, cls=_Frame)
console = Console()
err_console = Console(stderr=True)


def say(text: str, *, markup: bool = True) -> None:
    """A message on stdout in soft-wrap mode: the terminal wraps a long line, the console inserts no newline
    that would cut a path or a phrase in two (at 80 columns, the width under CI, a longer checkout path moved
    the cut into what a reader greps for)."""
    console.print(text, highlight=False, markup=markup, soft_wrap=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.",
                                       callback=_remember_json_mode)]
FpsOpt = Annotated[Optional[float], typer.Option("--fps", help="Frame rate (needed for MicroDVD; "
                                                           "sets the min-gap frames of QC).")]
LangOpt = Annotated[Optional[str], typer.Option("--lang", help="Language tag (default: from the file "
                                                             "name, Title.lang.ext).")]
EncOpt = Annotated[Optional[str], typer.Option("--encoding", help="Force the input encoding.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat reader repairs and QC findings as "
                                                        "errors (exit 1).")]
ProfileOpt = Annotated[str, typer.Option("--profile", help="QC profile: a built-in name or a TOML file.")]
AudienceOpt = Annotated[str, typer.Option("--audience", help="adult or children (reading speed).")]
SpokenOpt = Annotated[Optional[str], typer.Option(
    "--languages", help="The track's spoken languages (en,es): each cue is labelled by langid and checked by "
    "its own language's rules; 'auto' finds them; one language checks the track in it. Default: the "
    "name's (Title.en+es.srt is bilingual). With --dual: SOURCE,TARGET.")]
DualOpt = Annotated[Optional[bool], typer.Option(
    "--dual/--no-dual", help="FILE is (or is not) a dual-language review track, source lines above the "
    "translation's: each half checked by its own language. Default: found from the file (subpipe's dual "
    "ASS says so in its script title).", show_default=False)]


_CONTROL_CHARS = {cp: f"\\x{cp:02x}" for cp in [*range(0x20), 0x7f, *range(0x80, 0xa0)]}
_CONTROL_CHARS[ord("\\")] = "\\\\"
# Reports are many lines (and tables may hold tabs): only the other control characters are escaped.
_REPORT_CONTROL_CHARS = {cp: v for cp, v in _CONTROL_CHARS.items() if cp not in (0x09, 0x0a, ord("\\"))}


def shown(text: object) -> str:
    r"""A file name (or a message quoting one) safe to print on a terminal: control characters, which
    could move the cursor, retitle the window or hide text (``\x1b]0;...``), are written as ``\xNN``
    escapes (a backslash as two); rich markup is escaped, so ``[red]`` in a name stays text.

    >>> shown("Film\x1b]0;pwned\x07.srt")
    'Film\\x1b]0;pwned\\x07.srt'
    >>> shown("[bold]a\\b.srt")
    '\\[bold]a\\\\b.srt'
    """
    return escape(str(text).translate(_CONTROL_CHARS))


def plain(text: object) -> str:
    """Text printed with ``markup=False`` (reports quoting file names and subtitle text): control
    characters escaped as in `shown`, nothing else touched."""
    return str(text).translate(_REPORT_CONTROL_CHARS)


def _refuse_same_file(source: Path, output: Path, option: str) -> None:
    """`output` must not be `source` under another spelling, a symlink or a hard link: the input is
    never modified. Checked before anything is read or written."""
    from subpipe.fileio import resolve_input

    same = resolve_input(source) == resolve_input(output)
    if not same and output.exists():
        try:
            same = source.exists() and os.path.samefile(source, output)
        except OSError:
            same = False
    if same:
        raise SubpipeError(f"{option} {output} is the input file itself; inputs are never modified: write "
                           "the result to another file", path=str(source), code=ErrorCode.SAME_FILE)


def _findings_table(findings, title: str, limit: int = 50) -> Table:
    from subpipe.reports import finding_row

    table = Table(title=title, show_lines=False)
    for col in ("line", "position", "start", "severity", "kind", "message"):
        table.add_column(col, overflow="fold")
    for f in findings[:limit]:
        row = finding_row(f)
        table.add_row(*(shown(row[c]) for c in ("line", "position", "start", "severity", "kind", "message")))
    if len(findings) > limit:
        table.caption = f"{len(findings) - limit} more (use --json for all)"
    return table


def _qc_line(profile: str, qc: dict) -> str:
    if not qc["cues"]:
        return f"QC ({profile}): no cues, nothing to check or deliver"
    return (f"QC ({profile}): {qc['passing']}/{qc['cues']} cues pass ({qc['pass_rate']:.0%}), "
            f"{qc['findings']} findings")


@app.command()
def inspect(file: Path, as_json: JsonOpt = False, fps: FpsOpt = None, lang: LangOpt = None,
            encoding: EncOpt = None, profile: ProfileOpt = "netflix", audience: AudienceOpt = "adult",
            strict: StrictOpt = False, languages: SpokenOpt = None, dual: DualOpt = None) -> None:
    """Format, encoding, cue count, duration, reader findings and a QC summary of FILE."""
    from subpipe.ingest import ingest_file

    result = ingest_file(file, profile=profile, lang=lang, fps=fps, encoding=encoding,
                         audience=audience, strict=strict, languages=languages, dual=dual)
    summary = result.summary()
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        qc = summary["qc"]
        say(f"[bold]{shown(file)}[/]: {summary['format'] or 'unknown format'}, "
            f"{summary['encoding']}, "
            f"lang {summary['lang'] or '?'}, {summary['cues']} cues "
            f"({summary['dropped']} dropped), {summary['duration_ms'] / 1000:.1f} s")
        say(f"QC mode: {shown(result.mode.describe())}")
        say(_qc_line(summary['profile'], qc))
        if result.track.findings:
            console.print(_findings_table(result.track.findings, "Reader findings"))
    if strict and result.qc:
        raise typer.Exit(1)


@app.command()
def convert(src: Path, dst: Path, fps: FpsOpt = None, encoding: EncOpt = None,
            to: Annotated[Optional[str], typer.Option("--to", help="Output format id (default: from "
                                                                   "DST's extension).")] = None,
            strict: StrictOpt = False, as_json: JsonOpt = False) -> None:
    """Convert SRC to DST (SRT, WebVTT, ASS, IMSC 1.1 Text as .ttml), styling kept where DST's format can hold it.

    SRC may also be EBU-STL (.stl, binary) or SCC (.scc), read through ttconv. A DST whose times are
    coarser than milliseconds (ASS centiseconds, MPL2 deciseconds, MicroDVD frames) keeps the timing
    limits of the default QC profile the source met; any it cannot keep is a `timing-resolution` finding."""
    from subpipe.formats import format_for_path, get_format, read_track, write_track

    _refuse_same_file(src, dst, "DST")
    track = read_track(src, fps=fps, encoding=encoding, strict=strict)
    out = write_track(track, dst, format=to, fps=fps)
    timing = (get_format(to) if to else format_for_path(dst)).timing(track, fps=fps)
    lost = [replace(f, path=out.name) for f in timing.findings] if timing else []
    if as_json:
        print(json.dumps({"source": str(src), "output": str(out), "cues": len(track.cues),
                          "findings": [f.to_dict() for f in track.findings],
                          "writer_findings": [f.to_dict() for f in lost]}, ensure_ascii=False, indent=2))
    else:
        say(f"{shown(src)} ({track.format}, {track.encoding}) -> {shown(out)}: "
            f"{len(track.cues)} cues, {len(track.findings)} reader findings")
        for f in lost:
            say(f"  {f}", markup=False)


@app.command()
def qc(file: Path, profile: ProfileOpt = "netflix", audience: AudienceOpt = "adult", lang: LangOpt = None,
       fps: FpsOpt = None, encoding: EncOpt = None,
       fix: Annotated[bool, typer.Option("--fix", help="Apply the fixes (locale typography, extend, gap, "
                                                       "split; a dual track's gaps only) and write the "
                                                       "result to -o.")] = False,
       output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Where --fix writes.")] = None,
       languages: SpokenOpt = None, dual: DualOpt = None,
       as_json: JsonOpt = False, strict: StrictOpt = False) -> None:
    """Check FILE against a delivery profile; with --fix, write a fixed copy (the input is never changed).

    A bilingual track (Title.en+es.srt, or --languages) is checked cue by cue in each cue's spoken
    language; a dual-language review track (subpipe's dual ASS, or --dual) half by half. The output says
    which (`qc_mode` in --json)."""
    from subpipe.formats import format_for_path, write_track
    from subpipe.formats._grid import TimingLimits
    from subpipe.ingest import ingest_file
    from subpipe.qc import summarize

    if fix and output is None:
        raise typer.BadParameter("--fix writes a new file: give it with -o OUT", param_hint="--fix")
    if fix:
        _refuse_same_file(file, output, "-o")
    result = ingest_file(file, profile=profile, lang=lang, fps=fps, encoding=encoding, audience=audience,
                         languages=languages, dual=dual)
    findings, done = result.qc, []
    if fix:
        fixed, done = result.fix()
        limits = TimingLimits.from_profile(result.profile)  # what an ASS copy's centiseconds keep
        out = write_track(fixed, output, fps=fps, limits=limits)
        timing = format_for_path(out).timing(fixed, fps=fps, limits=limits)
        findings = result.check(fixed) + [replace(f, path=out.name) for f in (timing.findings if timing else [])]
        track = fixed
    else:
        track = result.track
    summary = summarize(track, findings)
    if as_json:
        print(json.dumps({"path": str(file), "profile": result.profile.name, "lang": result.profile.lang,
                          "qc_mode": result.mode.to_dict(),
                          "summary": summary,
                          "findings": [f.to_dict() for f in findings],
                          "fixes": [f.to_dict() for f in done],
                          "output": str(output) if fix else None}, ensure_ascii=False, indent=2))
    else:
        if done:
            console.print(_findings_table(done, f"Fixes applied ({len(done)})"))
        if findings:
            console.print(_findings_table(findings, f"QC findings ({len(findings)})"))
        say(f"QC mode: {shown(result.mode.describe())}")
        rules = result.profile.name + (f", {result.profile.lang}" if result.profile.lang else "")
        say(_qc_line(rules, summary) + (f"; fixed copy written to {shown(output)}" if fix else ""))
    if strict and findings:
        raise typer.Exit(1)


@app.command()
def ingest(files: list[Path], output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")]
           = Path("out"), profile: ProfileOpt = "netflix", fps: FpsOpt = None,
           languages: SpokenOpt = None, dual: DualOpt = None, as_json: JsonOpt = False) -> None:
    """Read and QC many files; write clean UTF-8 SRT and WebVTT copies and reports to OUTPUT.

    A file that cannot be read is reported and skipped; the exit status is 1 if any was.
    """
    from subpipe.ingest import ingest_error, ingest_file, write_normalised, write_run_reports
    from subpipe.reports import ingest_markdown

    results, errors = [], []
    for f in files:
        try:
            result = ingest_file(f, profile=profile, fps=fps, languages=languages, dual=dual)
            write_normalised(result, output)
        except SubpipeError as exc:
            errors.append(ingest_error(f, exc))
            err_console.print(f"[red]rejected:[/] {shown(exc)}", highlight=False, soft_wrap=True)
            continue
        results.append(result)
    write_run_reports(output, results, errors)
    summaries = [r.summary() for r in results]
    if as_json:
        print(json.dumps({"tracks": summaries, "errors": errors, "output": str(output)}, ensure_ascii=False,
                         indent=2))
    else:
        say(plain(ingest_markdown(summaries, errors)), markup=False)
        say(f"outputs in {shown(output)}/")
    if errors:
        raise typer.Exit(1)


@app.command()
def flag(file: Path,
         glossary: Annotated[Path, typer.Option("--glossary", "-g", help="Glossary: CSV, TSV, TBX or JSON.")],
         target: Annotated[Optional[Path], typer.Option("--target", help="Localized track to check against the "
                                                        "glossary (needs --links).")] = None,
         links: Annotated[Optional[Path], typer.Option("--links", help="links.json from `subpipe align` "
                                                       "pairing FILE's cues with TARGET's.")] = None,
         output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Report file (.json, .md or "
                                                        ".csv) or a folder for all three.")] = None,
         lang: LangOpt = None,
         target_lang: Annotated[Optional[str], typer.Option("--target-lang", help="TARGET's language (default: "
                                                            "from its file name).")] = None,
         no_discover: Annotated[bool, typer.Option("--no-discover", help="Only glossary terms, no "
                                                   "candidates.")] = False,
         as_json: JsonOpt = False,
         strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when term QA finds errors.")] = False,
         ) -> None:
    """Flag culture-specific terms in FILE: glossary hits, candidates the glossary lacks and, with --target
    and --links, whether the localized track renders them as approved."""
    from subpipe.terms import flag_file, report_markdown, write_reports

    if (target is None) != (links is None):
        raise typer.BadParameter("term QA needs both --target and --links", param_hint="--target/--links")
    report = flag_file(file, glossary, lang=lang, target=target, links=links, target_lang=target_lang,
                       discover_candidates=not no_discover)
    written = write_reports(report, output) if output else {}
    if as_json:
        data = report.to_dict() | {"outputs": {k: str(v) for k, v in written.items()}}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        say(plain(report_markdown(report, limit=50)), markup=False)
        for kind, path in written.items():
            say(f"{kind}: {shown(path)}")
    if strict and report.errors():
        raise typer.Exit(1)


@app.command()
def localize(file: Path,
             to: Annotated[list[str], typer.Option("--to", help="Target locale, a BCP 47 tag: es, es-ES, es-419, "
                                                   "pt-BR, fr-CA, zh-Hant (repeat for several).")],
             glossary: Annotated[Optional[Path], typer.Option("--glossary", help="CSV, TBX or JSON glossary.")]
             = None,
             reference: Annotated[Optional[list[Path]], typer.Option(
                 "--reference", help="An existing track of another language to align and check (repeatable).")]
             = None,
             profile: ProfileOpt = "netflix", audience: AudienceOpt = "adult", fps: FpsOpt = None,
             output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out"),
             languages: Annotated[Optional[str], typer.Option(
                 "--languages", help="The film's spoken languages (en,zh): each cue is translated from its own; "
                 "'auto' finds them. Default: the name's (Title.en+zh.srt is bilingual).")] = None,
             forced_narrative: Annotated[bool, typer.Option(
                 "--forced-narrative", help="Also write <Title>.<lang>.forced.srt/.vtt: the cues not spoken in "
                 "that language, translated.")] = False,
             language_overrides: Annotated[Optional[Path], typer.Option(
                 "--language-overrides", help="CSV/JSON position -> language of cues (always wins).")] = None,
             engine: Annotated[str, typer.Option(
                 "--engine", help="Translation engine: argos (installed argos models), apertium (installed "
                 "Apertium pairs), or argos+apertium (argos first; a pair neither has alone is chained "
                 "through both).")] = "argos",
             formats: Annotated[Optional[list[str]], typer.Option(
                 "--format", help="Also deliver in this format (repeatable): imsc (IMSC 1.1 Text .ttml, "
                 "checked against the profile; reports/<Title>.<lang>.imsc-check.json). SRT and WebVTT "
                 "always.")] = None,
             no_protect_names: Annotated[bool, typer.Option(
                 "--no-protect-names", help="Let MT translate the character names found in FILE (by default "
                 "those the glossary does not list are kept as written).")] = False,
             as_json: JsonOpt = False) -> None:
    """Translate FILE into each --to language: SRT/WebVTT (ASS for ASS input, IMSC with --format imsc), dual
    track, QC and term reports.

    Each --to is a locale (es-ES, es-419, fr-CA, zh-Hant): files are named with it (Title.es-419.srt), its
    typography is applied (quotes, spaces, decimals), and it is translated by a model for the locale if one
    is installed, else for its language (es-419 through es; zh-Hant through zh, converted with OpenCC).

    Everything is checked before any work: FILE, each --reference, the glossary, and a translation model
    for every --to locale; when none has one the run stops naming the file and the pairs, and a locale
    without one among others that have one fails alone (the run is partially failed, exit 1). In a bilingual
    film (--languages, or a Title.en+zh name) a missing model for one spoken language fails only its
    cues: they are left out of that language's track, listed in the summary and in
    reports/<Title>.<lang>.untranslated.srt, and the run exits 1.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from subpipe.locales import normalize_locale
    from subpipe.localize import localize_film, summary_markdown
    from subpipe.translate import get_engine

    to = list(dict.fromkeys(normalize_locale(t, what="--to", path=str(file)) for t in to))
    chosen = get_engine(engine)
    # an error leaves the `with` first, so the progress bar has stopped when the CLI's frame reports it
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err_console, disable=as_json) as bar:
        job = bar.add_task("localize", total=4 + len(to))

        def progress(name: str, n: int, total: int) -> None:
            bar.update(job, description=name, completed=n, total=total)

        result = localize_film(file, to, reference_tracks=reference or [], glossary=glossary, profile=profile,
                               audience=audience, output_dir=output, fps=fps, strict=True,
                               progress=progress, spoken_languages=languages,
                               forced_narrative=forced_narrative, language_overrides=language_overrides,
                               engine=chosen, formats=formats or [], partial_targets=True,
                               protect_names=not no_protect_names)
    if as_json:
        print(json.dumps(result.summary(), ensure_ascii=False, indent=2))
    else:
        say(plain(summary_markdown(result)), markup=False)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def deliver(file: Path,
            spec: Annotated[str, typer.Option(
                "--spec", help="Delivery spec: a built-in name (netflix, broadcast-srt, review) or a TOML file.")],
            to: Annotated[Optional[list[str]], typer.Option(
                "--to", help="Locale to deliver (repeat for several; default: the spec's locales).")] = None,
            glossary: Annotated[Optional[Path], typer.Option("--glossary", help="CSV, TBX or JSON glossary.")]
            = None,
            reference: Annotated[Optional[list[Path]], typer.Option(
                "--reference", help="An existing track of another language to align and check (repeatable).")]
            = None,
            audience: AudienceOpt = "adult", fps: FpsOpt = None,
            output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out"),
            engine: Annotated[str, typer.Option(
                "--engine", help="Translation engine: argos, apertium or argos+apertium.")] = "argos",
            reuse: Annotated[bool, typer.Option(
                "--reuse", help="Translate nothing: package the film's earlier `subpipe localize` outputs in -o "
                "(OUT/<Title>/summary.json).")] = False,
            keep_superseded: Annotated[Optional[int], typer.Option(
                "--keep-superseded", min=0, help="Earlier deliveries set aside to keep, newest first; older ones "
                "are removed (default: $SUBPIPE_KEEP_SUPERSEDED, else 7; 0 keeps none).")] = None,
            as_json: JsonOpt = False) -> None:
    """Localize FILE and write the delivery package a spec names: per locale, the files in the spec's
    formats and names, each read back and QC-checked, and manifest.json/.csv (cues, duration, QC, SHA-256).

    The package is OUT/<Title>/delivery/<spec>/. A locale that cannot be delivered (no model, say) is
    listed in the manifest as failed with its reason, the others are delivered, and the exit status is 1.
    What the folder held before (an earlier delivery) is moved to OUT/<Title>/superseded/<spec>/<time>/
    first, so the folder holds exactly what the manifest lists; the summary names what was moved. Only the
    newest --keep-superseded set-asides are kept (7 unless SUBPIPE_KEEP_SUPERSEDED says otherwise); the
    summary names those removed.
    """
    from subpipe.deliver import deliver_film, delivery_markdown
    from subpipe.translate import get_engine

    result = deliver_film(file, spec, to or None, output_dir=output, reference_tracks=reference or [],
                          glossary=glossary, audience=audience, fps=fps,
                          engine=None if reuse else get_engine(engine), reuse=reuse,
                          keep_superseded=keep_superseded)
    if as_json:
        print(json.dumps(result.manifest() | {"outputs": result.outputs, "set_aside": result.set_aside_summary()},
                         ensure_ascii=False, indent=2))
    else:
        say(plain(delivery_markdown(result)), markup=False)
    if result.failed:
        raise typer.Exit(1)


@app.command()
def serve(config: Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: "
                                                         "$SUBPIPE_CONFIG or ./subpipe.toml).")] = None,
          host: Annotated[Optional[str], typer.Option("--host", help="Address of the Prefect server started "
                                                      "here (default 127.0.0.1).")] = None,
          port: Annotated[Optional[int], typer.Option("--port", help="Its port (default 4200).")] = None,
          schedule: Annotated[Optional[str], typer.Option("--schedule", help="Cron of the drop-folder batch "
                                                          "(default: settings, nightly 0 2 * * *).")] = None,
          no_schedule: Annotated[bool, typer.Option("--no-schedule", help="Run the batch only on "
                                                    "demand.")] = False,
          samples: Annotated[bool, typer.Option("--samples", help="Copy the sample films into an empty "
                                                "inbox (make serve).")] = False) -> None:
    """Start Prefect's server (unless PREFECT_API_URL points at one) and serve the deployments
    localize-film, align-tracks, flag-terms and batch-drop-folder; Ctrl-C stops everything it started.

    Runs `python -m flows.serve` from the checkout (the flows live beside src/, and the library never
    imports Prefect); SUBPIPE_FLOWS_DIR points elsewhere.
    """
    import os
    import signal
    import subprocess

    flows_dir = Path(os.environ.get("SUBPIPE_FLOWS_DIR") or Path(__file__).resolve().parents[2] / "flows")
    if not (flows_dir / "serve.py").is_file():
        raise SubpipeError("flows/serve.py not found: run from a checkout of subpipe or set SUBPIPE_FLOWS_DIR",
                           path=str(flows_dir), code=ErrorCode.NO_FLOWS)
    cmd = [sys.executable, "-m", "flows.serve"]
    for flag, val in (("--config", config), ("--host", host), ("--port", port), ("--schedule", schedule)):
        if val is not None:
            cmd += [flag, str(val)]
    cmd += [flag for flag, on in (("--no-schedule", no_schedule), ("--samples", samples)) if on]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(flows_dir.parent), env.get("PYTHONPATH")]))
    # A session of its own: Ctrl-C reaches this process only, which passes it on exactly once.
    child = subprocess.Popen(cmd, env=env, start_new_session=True)
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    while True:
        try:
            raise typer.Exit(child.wait())
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)


models_app = typer.Typer(help="Translation models: list installed argos packages and Apertium pairs, install "
                         "argos packages.",
                         no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list(as_json: JsonOpt = False) -> None:
    """Installed argos packages and Apertium pairs, and the pairs each engine translates (argos pivots
    through English)."""
    from subpipe.translate.apertium import ApertiumEngine, modes_dir
    from subpipe.translate.argos import ArgosEngine

    engine = ArgosEngine(use_cache=False)
    packages = [p.to_dict() for p in engine.packages()]
    pairs = [f"{a}->{b}" for a, b in engine.pairs()]
    try:
        apertium = ApertiumEngine(use_cache=False)
        modes, apertium_pairs, missing = [m.to_dict() for m in apertium.packages()], apertium.pairs(), None
    except SubpipeError as exc:  # no apertium command: argos's list is still worth showing
        modes, apertium_pairs, missing = [], [], exc.message
    apertium_info = {"modes_dir": None if missing else str(modes_dir()), "modes": modes,
                     "pairs": [f"{a}->{b}" for a, b in apertium_pairs], "error": missing}
    if as_json:
        print(json.dumps({"packages_dir": str(engine.settings.packages_dir), "packages": packages,
                          "pairs": pairs, "engines": {"argos": {"pairs": pairs}, "apertium": apertium_info}},
                         ensure_ascii=False, indent=2))
        return
    table = Table(title=f"argos packages in {engine.settings.packages_dir}")
    for col in ("from", "to", "version", "description"):
        table.add_column(col, overflow="fold")
    for p in packages:
        table.add_row(p["from"], p["to"], p["version"], p["description"])
    console.print(table)
    say(f"argos translatable pairs: {', '.join(pairs) or 'none'}")
    if missing:
        say(f"apertium: {missing}", markup=False)
        return
    table = Table(title=f"Apertium pairs in {apertium_info['modes_dir']}")
    for col in ("mode", "from", "to"):
        table.add_column(col, overflow="fold")
    for m in modes:
        table.add_row(m["mode"], m["from"], m["to"])
    console.print(table)
    say(f"apertium translatable pairs: {', '.join(apertium_info['pairs']) or 'none'}")


@models_app.command("install")
def models_install(what: Annotated[list[str], typer.Argument(help="FILE.argosmodel, or FROM TO to fetch a "
                                                                  "pair from argos's index (needs a network).")],
                   as_json: JsonOpt = False) -> None:
    """Install an argos package: a .argosmodel file, or a pair from argos's index when online."""
    from subpipe.translate.argos import install_from_index, install_package_file

    if len(what) == 1:
        installed = install_package_file(what[0])
    elif len(what) == 2:
        installed = install_from_index(what[0], what[1])
    else:
        raise typer.BadParameter("give one .argosmodel file, or two language codes FROM TO")
    if as_json:
        print(json.dumps({"installed": [p.to_dict() for p in installed]}, ensure_ascii=False, indent=2))
    else:
        for p in installed:
            say(f"installed {p.from_code}->{p.to_code} {p.version} in {shown(p.path)}")


# --- align and sync (subpipe.align) -------------------------------------------------------------------

SrcLangOpt = Annotated[Optional[str], typer.Option("--src-lang", help="Source language (default: from "
                                                                     "the file name, Title.lang.ext).")]
TgtLangOpt = Annotated[Optional[str], typer.Option("--tgt-lang", help="Target language (default: from "
                                                                     "the file name).")]


review_app = typer.Typer(help="Staff decisions on culture-specific terms (made in the Prefect UI's review form): "
                         "list them, merge them into a project glossary.", no_args_is_help=True)
app.add_typer(review_app, name="review")
StoresArg = Annotated[list[Path], typer.Argument(help="Film output folders (OUT/Title) or their "
                                                     "review/decisions.json files.")]


def _read_stores(stores: list[Path]):
    """Decisions of every store in order, and the first source language they name."""
    from subpipe.terms.review import STORE, load_store

    decisions, lang = [], ""
    for store in stores:
        path = store / STORE if store.is_dir() else store
        if not path.is_file():
            raise SubpipeError("no review decisions here (expected a film folder with review/decisions.json)",
                               path=str(store), code=ErrorCode.NOT_FOUND)
        found, store_lang = load_store(path)
        decisions += found
        lang = lang or store_lang
    return decisions, lang


@review_app.command("show")
def review_show(stores: StoresArg, as_json: JsonOpt = False) -> None:
    """The stored decisions: term, action, rendering, language, who and when (UTC)."""
    decisions, _ = _read_stores(stores)
    if as_json:
        print(json.dumps([d.to_dict() for d in decisions], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(decisions)} review decisions")
    for col in ("term", "action", "rendering", "lang", "who", "when", "note"):
        table.add_column(col, overflow="fold")
    for d in decisions:
        table.add_row(d.term, d.action, d.rendering, d.lang or "all", d.who, d.when, d.note)
    console.print(table)


@review_app.command("merge")
def review_merge(stores: StoresArg,
                 output: Annotated[list[Path], typer.Option("-o", "--output", help="Project glossary to write: "
                                                            ".tbx or .csv (repeat for both).")],
                 glossary: Annotated[Optional[Path], typer.Option("--glossary", help="The glossary to start "
                                                                  "from (CSV/TSV/TBX/JSON); left unchanged.")] = None,
                 lang: LangOpt = None, as_json: JsonOpt = False) -> None:
    """Fold stored review decisions into a project glossary (TBX and/or CSV), on request."""
    from subpipe.terms.review import merge_into_glossary

    decisions, store_lang = _read_stores(stores)
    written = {str(out): merge_into_glossary(decisions, glossary, out, source_lang=lang or store_lang or None)
               for out in output}
    result = {"decisions": len(decisions), "outputs": {out: len(g) for out, g in written.items()}}
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for out, entries in result["outputs"].items():
        say(f"{shown(out)}: {entries} entries ({len(decisions)} decisions merged)")


@app.command()
def align(src: Path, tgt: Path,
          output: Annotated[Path, typer.Option("-o", "--output", help="Where links.json is written.")],
          tmx: Annotated[Optional[Path], typer.Option("--tmx", help="Also write a TMX 1.4 file (one "
                                                                    "translation unit per link).")] = None,
          dual: Annotated[Optional[Path], typer.Option("--dual", help="Also write a dual-language track "
                                                                      "(.srt, .vtt or .ass).")] = None,
          report: Annotated[Optional[Path], typer.Option("--report", help="Also write an HTML timeline "
                                                                          "report.")] = None,
          glossary: Annotated[Optional[Path], typer.Option(
              "--glossary", help="Glossary (CSV, TSV, TBX or JSON, as for `flag`): its source-language terms "
                                 "and their approved target renderings are anchors.")] = None,
          profile: ProfileOpt = "netflix", src_lang: SrcLangOpt = None, tgt_lang: TgtLangOpt = None,
          as_json: JsonOpt = False) -> None:
    """Put TGT on SRC's clock, link their cues (N:M, with confidence) and write links.json."""
    from subpipe.align import align_tracks, glossary_anchors, load_track
    from subpipe.align.export import write_dual, write_tmx
    from subpipe.align.report import write_report

    source, target = load_track(src, src_lang), load_track(tgt, tgt_lang)
    pairs = glossary_anchors(glossary, source, target) if glossary else None
    alignment = align_tracks(source, target, glossary=pairs)
    outputs = {"links": str(alignment.write_json(output))}
    if tmx:
        outputs["tmx"] = str(write_tmx(alignment, tmx))
    if dual:
        outputs["dual"] = str(write_dual(alignment, dual, profile=profile)[0])
    if report:
        outputs["report"] = str(write_report(alignment, report))
    summary = alignment.summary()
    anchors = {"path": str(glossary), "anchor_pairs": len(pairs)} if glossary else None
    if as_json:
        print(json.dumps({"summary": summary, "outputs": outputs, "glossary": anchors}, ensure_ascii=False,
                         indent=2))
    else:
        kinds = ", ".join(f"{k} {v}" for k, v in summary["link_types"].items()) or "none"
        say(f"{shown(src)} -> {shown(tgt)}: {summary['transform']}")
        if anchors:
            say(f"glossary {shown(glossary)}: {len(pairs)} anchor pairs ({source.lang} -> {target.lang})")
        say(f"{summary['links']} links ({kinds}); unaligned: {summary['unaligned_source']} source, "
            f"{summary['unaligned_target']} target; {summary['low_confidence']} below confidence "
            "0.5")
        for kind, path in outputs.items():
            say(f"{kind}: {shown(path)}")


@app.command()
def sync(tgt: Path,
         reference: Annotated[Path, typer.Option("--reference", "-r", help="The track whose clock TGT "
                                                                           "is moved onto.")],
         output: Annotated[Path, typer.Option("-o", "--output", help="Where the re-timed track is written "
                                                                     "(format from the extension).")],
         as_json: JsonOpt = False) -> None:
    """Re-time TGT onto REFERENCE's clock (offset, frame rate, cuts), keeping everything else."""
    from subpipe.align import load_track, sync_track
    from subpipe.formats import write_track

    synced, transform = sync_track(load_track(tgt), load_track(reference))
    out = write_track(synced, output)
    if as_json:
        print(json.dumps({"target": str(tgt), "reference": str(reference), "output": str(out),
                          "cues": len(synced.cues), "transform": transform.to_dict(),
                          "describe": transform.describe(), "fit_score": round(transform.score, 4)},
                         ensure_ascii=False, indent=2))
    else:
        say(f"{shown(tgt)} -> {shown(out)}: {transform.describe()} ({len(synced.cues)} cues re-timed)")


@app.command()
def langid(file: Path,
           languages: Annotated[Optional[str], typer.Option(
               "--languages", help="The film's spoken languages, comma-separated (en,zh). Default: from "
                                   "the file name (Title.en+zh.srt), else found from the track.")] = None,
           overrides: Annotated[Optional[Path], typer.Option(
               "--overrides", help="CSV (position,lang) or JSON ({\"12\": \"zh\"}) of calls that always "
                                   "win.")] = None,
           glossary: Annotated[Optional[Path], typer.Option(
               "--glossary", help="Glossary (CSV, TBX, JSON) whose terms count for their language.")] = None,
           fps: FpsOpt = None, encoding: EncOpt = None, as_json: JsonOpt = False) -> None:
    """The spoken language of every cue of FILE: shares, per-cue calls, and the cues it is unsure of."""
    from subpipe.cues import format_timecode
    from subpipe.formats import read_track
    from subpipe.ingest import guess_languages
    from subpipe.langid import identify_languages, load_overrides

    declared = languages.split(",") if languages else guess_languages(file)
    track = read_track(file, fps=fps, encoding=encoding, lang=declared[0] if len(declared) == 1 else None)
    fixed = load_overrides(overrides, [c.position for c in track.cues]) if overrides else None
    terms = None
    if glossary:
        from subpipe.terms import load_glossary

        terms = load_glossary(glossary)
    # one language in the name is the track's, not a declaration that every cue speaks it
    result = identify_languages(track, languages=declared if languages or len(declared) > 1 else None,
                                overrides=fixed, glossary=terms)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    shares = ", ".join(f"{s.code} {s.share:.0%} ({s.cues} cues)" for s in result.languages) or "no cues"
    say(f"[bold]{shown(file)}[/]: {shares}")
    unsure = result.low_confidence()
    if unsure:
        table = Table(title=f"Unsure calls ({len(unsure)})")
        for col in ("position", "start", "end", "lang", "confidence", "text"):
            table.add_column(col, overflow="fold")
        cues = result.track.by_position()
        for call in unsure:
            table.add_row(str(call.position), format_timecode(call.start_ms), format_timecode(call.end_ms),
                          call.lang, f"{call.confidence:.2f}", cues[call.position].plain.replace("\n", " / "))
        console.print(table)
    else:
        say("every call is sure")


def errors_markdown() -> str:
    """docs/errors.md: every error code and finding kind with what to do, and the exit statuses."""
    return ("# Error codes and finding kinds\n\n"
            "Generated by `subpipe errors > docs/errors.md` from `subpipe.errors`. Errors stop the run or the "
            "file (`error` in `--json` output, `code` in a summary's step errors); findings are noticed or "
            "repaired and the run goes on (an error only with `--strict`).\n\n"
            + catalogue_markdown() + "\n## Exit status of `subpipe`\n\n" + exit_codes_markdown())


@app.command("errors")
def errors_(as_json: JsonOpt = False) -> None:
    """Every error code and finding kind with what to do, and the exit statuses (Markdown, or --json)."""
    from subpipe.errors import FindingKind

    if as_json:
        print(json.dumps({"errors": [{"code": c, "hint": c.hint} for c in ErrorCode],
                          "findings": [{"kind": k, "hint": k.hint} for k in FindingKind],
                          "exit_codes": {int(c): what for c, what in EXIT_CODES.items()}},
                         ensure_ascii=False, indent=2))
        return
    print(errors_markdown(), end="")


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="subpipe")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
