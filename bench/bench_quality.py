"""Translation quality against human subtitles: sacrebleu chrF and BLEU for every engine and pair installed
here, with and without glossary protection, and how many character names come out verbatim.

The corpus films whose language versions share one timing (Tears of Steel, Sintel: /work/shared/corpus
films/) give the test set: a cue of the source language and the cue of the target language with the
same start and end are a pair. Each source cue (its lines joined) is translated as one text, as subpipe
translates a sentence; scores are corpus-level over all cues of both films.

Names kept: each occurrence of a glossary do-not-translate name (samples/glossary/films.csv, whole word,
as written) in a source cue counts as kept when the translation has it verbatim.

Protection: none (plain MT); names found (no glossary: the character names subpipe finds in each film's
source track, `subpipe.translate.names`, what `subpipe localize` does by default); glossary (the sample
glossary alone, names found off); glossary + names (both, the glossary winning).

The argos figures are those of the demo models in models/demo, installed in a throwaway home; Apertium's
those of the pairs installed on the machine (a row says when one is missing).

MT faults (`subpipe.qc.mt` with the round trip of `subpipe.qc.roundtrip`) on the same pairs: how many
human cues QC flags (false alarms), and how many of an engine's lines scoring sentence chrF < 25 against
the human cue it flags (caught), by the rules alone and with the round trip through the other engine;
and the support thresholds around the calibrated one, so the choice can be checked on the data.
"""

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import table

ROOT = Path(__file__).resolve().parent.parent
FILMS = Path(os.environ.get("SUBPIPE_CORPUS", ROOT.parent / "shared" / "corpus")) / "films"
GLOSSARY = ROOT / "samples" / "glossary" / "films.csv"
# Each film's language versions (file per language); the French Tears of Steel is the "Goofy" fan track.
TRACKS = {
    "tears-of-steel": {"en": "TOS-en.vtt", "es": "TOS-es.vtt", "fr": "TOS-fr-Goofy.vtt"},
    "sintel": {"en": "sintel-en.vtt", "es": "sintel-es.vtt", "fr": "sintel-fr.vtt"},
}
RUNS = [("argos", "en", "es"), ("argos", "en", "fr"), ("argos", "es", "en"),
        ("apertium", "en", "es"), ("apertium", "es", "en")]
# MT faults: (engine that translates, engine that judges) over the pairs both engines cover.
JUDGED = [("argos", "apertium"), ("apertium", "argos")]
JUDGED_PAIRS = [("en", "es"), ("es", "en")]
LOW_CHRF = 25


PROTECTIONS = ("none", "names found", "glossary", "glossary + names")


@dataclass
class TestSet:
    sources: list[str]
    references: list[str]
    films: dict[str, int]
    tracks: list[Path]  # the source-language track of each film, where names are found


def one_line(text: str) -> str:
    return " ".join(text.split())


def paired_cues(source: str, target: str) -> TestSet:
    """Source and human target cues with the same timing, over every film that has both languages."""
    from subpipe.formats import read_track

    sources, references, films, tracks = [], [], {}, []
    for film, tracks_of in TRACKS.items():
        if source not in tracks_of or target not in tracks_of:
            continue
        theirs = {(c.start, c.end): c.plain for c in read_track(FILMS / film / tracks_of[target]).cues}
        pairs = [(one_line(c.plain), one_line(theirs[(c.start, c.end)]))
                 for c in read_track(FILMS / film / tracks_of[source]).cues
                 if (c.start, c.end) in theirs and c.plain.strip() and theirs[(c.start, c.end)].strip()]
        sources += [s for s, _ in pairs]
        references += [r for _, r in pairs]
        films[film] = len(pairs)
        tracks.append(FILMS / film / tracks_of[source])
    return TestSet(sources, references, films, tracks)


def names(entries) -> list[str]:
    return sorted({e.term for e in entries if e.do_not_translate})


def names_kept(sources: list[str], outputs: list[str], wanted: list[str]) -> tuple[int, int]:
    """(kept, occurrences) of the names in the source cues."""
    kept = total = 0
    for source, output in zip(sources, outputs):
        for name in wanted:
            pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
            n = len(pattern.findall(source))
            total += n
            kept += min(n, len(pattern.findall(output)))
    return kept, total


def protection(test: TestSet, source: str, entries, how: str) -> list:
    """The entries protected under `how` (one of `PROTECTIONS`): names found in each film's track."""
    from subpipe.formats import read_track
    from subpipe.terms.glossary import Glossary
    from subpipe.translate.names import find_names, with_names

    glossary = Glossary(list(entries)) if how in ("glossary", "glossary + names") else None
    if how in ("none", "glossary"):
        return glossary.entries if glossary is not None else []
    found = [n for path in test.tracks for n in find_names(read_track(path), source, glossary=glossary)]
    unique = list({(n.text, n.lang): n for n in found}.values())
    return with_names(glossary, unique).entries if unique else (glossary.entries if glossary is not None else [])


def score(engine, test: TestSet, source: str, target: str, entries, how: str) -> dict:
    import sacrebleu

    from subpipe.translate.protect import translate_protected

    protected = protection(test, source, entries, how)
    t0 = time.perf_counter()
    outputs, records = translate_protected(test.sources, protected, source, target,
                                           lambda batch: engine.translate_batch(batch, source, target))
    seconds = time.perf_counter() - t0
    kept, total = names_kept(test.sources, outputs, names(entries))
    return {
        "engine": engine.name, "pair": f"{source}->{target}", "protection": how,
        "found": len({e.term for e in protected if e.id.startswith("name:")}),
        "cues": len(test.sources),
        "chrF": f"{sacrebleu.corpus_chrf(outputs, [test.references]).score:.1f}",
        "BLEU": f"{sacrebleu.corpus_bleu(outputs, [test.references]).score:.1f}",
        "names kept": f"{kept}/{total}" + (f" ({kept / total:.0%})" if total else ""),
        "unresolved": sum(s.status == "unresolved" for r in records for s in r.slots),
        "seconds": f"{seconds:.1f}",
    }


def engines(home: Path) -> dict:
    """Each engine by name, or the reason it cannot run here."""
    from subpipe.errors import SubpipeError
    from subpipe.translate.apertium import ApertiumEngine
    from subpipe.translate.argos import ArgosEngine, configure_argos, install_package_file

    configure_argos(home)
    for package in sorted((ROOT / "models" / "demo").glob("*.argosmodel")):
        install_package_file(package)
    found: dict = {"argos": ArgosEngine(home=home, use_cache=False)}
    try:
        found["apertium"] = ApertiumEngine(use_cache=False)
    except SubpipeError as exc:
        found["apertium"] = exc.message
    return found


def flagged_positions(pairs, source: str, target: str, judge) -> tuple[set[int], set[int], list]:
    """Positions flagged by the MT rules alone, by the rules and the round trip (as `mt_review` runs
    them), and the judge's support of every pair."""
    from subpipe.qc.mt import check_with_round_trip
    from subpipe.qc.roundtrip import supports

    rules, trip = check_with_round_trip(pairs, source, target, judge=judge)
    return ({f.position for f in rules}, {f.position for f in rules + trip.findings},
            supports(pairs, judge, source, target))


def mt_fault_rows(available: dict) -> tuple[list[dict], list[dict], list[str]]:
    """Per (engine, judge): false alarms on human cues and low-chrF lines caught, before and after the
    round trip; the threshold sweep for each judge; what could not be measured."""
    import sacrebleu

    from subpipe.qc.mt import MTPair
    from subpipe.qc.roundtrip import JUDGES, Threshold, unsupported

    rows, sweep, skipped = [], [], []
    for forward_name, judge_name in JUDGED:
        forward, judge = available[forward_name], available[judge_name]
        missing = next((e for e in (forward, judge) if isinstance(e, str)), None)
        if missing:
            skipped.append(f"MT faults, {forward_name} judged by {judge_name}: {missing}")
            continue
        human = {"cues": 0, "rules": 0, "both": 0}
        low = {"lines": 0, "rules": 0, "both": 0}
        scored = []  # (human?, low?, pair, support) for the sweep
        for source, target in JUDGED_PAIRS:
            test = paired_cues(source, target)
            outputs = forward.translate_batch(test.sources, source, target)
            for kind, texts in (("human", test.references), ("mt", outputs)):
                pairs = [MTPair(s, t, position=i) for i, (s, t) in enumerate(zip(test.sources, texts))]
                by_rules, by_both, support = flagged_positions(pairs, source, target, judge)
                bad = {i for i, (t, r) in enumerate(zip(texts, test.references))
                       if sacrebleu.sentence_chrf(t, [r]).score < LOW_CHRF}
                if kind == "human":
                    human["cues"] += len(pairs)
                    human["rules"] += len(by_rules)
                    human["both"] += len(by_both)
                else:
                    low["lines"] += len(bad)
                    low["rules"] += len(bad & by_rules)
                    low["both"] += len(bad & by_both)
                scored += [(kind == "human", p.position in bad, p.position in by_rules, p, s)
                           for p, s in zip(pairs, support)]
        rows.append({"translated by": f"{forward_name} (demo)" if forward_name == "argos" else forward_name,
                     "judged by": judge_name, "human cues": human["cues"],
                     "human flagged, rules": _share(human["rules"], human["cues"]),
                     "human flagged, + round trip": _share(human["both"], human["cues"]),
                     f"MT lines chrF < {LOW_CHRF}": low["lines"],
                     "caught, rules": _share(low["rules"], low["lines"]),
                     "caught, + round trip": _share(low["both"], low["lines"])})
        chosen = JUDGES[judge_name]
        for below in sorted({chosen.below - 4, chosen.below, chosen.below + 4}):
            threshold = Threshold(chosen.floor, below, chosen.min_letters)
            alarms = sum(1 for is_human, _, ruled, p, s in scored
                         if is_human and (ruled or unsupported(p, s, threshold)))
            caught = sum(1 for is_human, bad, ruled, p, s in scored
                         if not is_human and bad and (ruled or unsupported(p, s, threshold)))
            sweep.append({"judged by": judge_name, "floor": chosen.floor, "below": below,
                          "min letters": chosen.min_letters, "chosen": "yes" if below == chosen.below else "",
                          "human flagged": _share(alarms, human["cues"]),
                          f"MT chrF < {LOW_CHRF} caught": _share(caught, low["lines"])})
    return rows, sweep, skipped


def _share(n: int, total: int) -> str:
    return f"{n}/{total} ({n / total:.1%})" if total else "0/0"


def mt_fault_section(rows: list[dict], sweep: list[dict]) -> str:
    if not rows:
        return ""
    return (
        "\n### MT faults flagged by QC: human cues (false alarms) and low-chrF MT lines (caught)\n\n"
        "The same pairs, each text checked by `subpipe.qc.mt` (rules: untranslated, nonsense, runaway, "
        "repetition, length ratio, lost numbers and names) and then by the round trip "
        "(`subpipe.qc.roundtrip`): the other engine translates the line back and translates the source itself; "
        "a line whose mean chrF of the two (its support) is below the judge's threshold is flagged, and so is a "
        "short line whose source the judge's dictionary holds as a fixed expression ('Thank you.') when it "
        "shares no word with the judge's rendering nor its back-translation a word with the source. A cue "
        "counts once, whatever flags it. 'human': the film's own translation as the output (a flag is a false "
        f"alarm); 'MT lines chrF < {LOW_CHRF}': the engine's outputs that score below {LOW_CHRF} against "
        "the human cue.\n\n" + table(rows) + "\n\nSupport thresholds around the calibrated ones (floor: "
        "any line; below: lines whose source has at least 'min letters' letters):\n\n" + table(sweep) + "\n")


def run() -> str:
    import sacrebleu

    from bench.bench_translate import _isolate_argos, _restore
    from subpipe.errors import SubpipeError
    from subpipe.terms.glossary import load_glossary

    t0 = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="subpipe-bench-quality-"))
    saved = _isolate_argos(home)
    entries = load_glossary(GLOSSARY).entries
    rows, skipped = [], []
    try:
        available = engines(home)
        for name, source, target in RUNS:
            engine = available[name]
            try:
                if isinstance(engine, str):
                    raise SubpipeError(engine, code="missing-engine")
                engine.route(source, target)
            except SubpipeError as exc:
                skipped.append(f"{name} {source}->{target}: {exc.message}")
                continue
            test = paired_cues(source, target)
            for how in PROTECTIONS:
                rows.append(score(engine, test, source, target, entries, how))
        fault_rows, sweep, not_judged = mt_fault_rows(available)
        skipped += not_judged
    finally:
        _restore(saved)
        shutil.rmtree(home, ignore_errors=True)
    sets = {f"{s}->{t}": paired_cues(s, t).films for _, s, t in RUNS}
    described = "; ".join(f"{pair}: " + ", ".join(f"{film} {n}" for film, n in films.items())
                          for pair, films in sets.items())
    return (
        "## Translation quality against human subtitles (chrF, BLEU, names kept)\n\n"
        "Source cues of the corpus films whose language versions share one timing, each paired with the "
        f"human cue of the same start and end ({described} cues), translated one cue per text; sacrebleu "
        f"{sacrebleu.__version__} corpus chrF and BLEU (default settings) against the human track. "
        "'glossary': the sample glossary's do-not-translate names and approved terms replaced by placeholders "
        "before MT and restored after (subpipe's glossary protection); 'names found': no glossary, the "
        "character names subpipe finds in each film's source track protected the same way (the default of "
        "`subpipe localize`; 'found' counts them); 'glossary + names': both; 'none': plain MT. "
        "'unresolved': protected occurrences whose placeholder MT lost and the unprotected retry did not "
        "render. Names kept: "
        "occurrences of the glossary's do-not-translate names in the source cues found verbatim in the "
        "output. argos: the demo models of models/demo (tiny models: figures say what they are, not what "
        "argos's real packages do); apertium: Debian's installed rule-based pairs. Human subtitles are free "
        "translations, so even a good engine stays far from 100.\n\n"
        + table(rows) + "\n"
        + mt_fault_section(fault_rows, sweep) + "\n"
        + "".join(f"- not measured: {s}\n" for s in skipped)
        + f"- whole bench: {time.perf_counter() - t0:.0f} s (model loading and spaCy pipelines included).\n"
    )


if __name__ == "__main__":
    print(run())
