"""Translating a 1,500-cue film en->es: subpipe's batched argos engine against a loop of argostranslate's
``translate`` per cue, and against the floor: one raw CTranslate2 ``translate_batch`` call on input
tokenised beforehand, with argos's own decoding options.

Two models. The shipped demo package is tiny (64-dim), so on it the Python around the model weighs the
most. argos's real packages are Transformer-base-sized, so the bench also builds one of that size with
random weights (timing only), packages it in argos's layout with the demo package's sentencepiece and
spaCy splitter, and times the same three shapes on it with decoding capped: random weights never emit
end-of-sentence, so every hypothesis runs to the cap, set near the length of a real translation.

argostranslate reads its settings when first imported: `run` points it at a throwaway home first, so the
bench installs the demo package the way a user does and touches nothing of the machine's.
"""

import gc
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.bench_ingest import build_long_film
from bench.harness import Measure, measure, table

ROOT = Path(__file__).resolve().parent.parent
DEMO_PACKAGE = ROOT / "models" / "demo" / "translate-en_es-demo.argosmodel"
ARGOS_ENV = ("SUBPIPE_ARGOS_HOME", "ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
FLOOR_BATCH = 1_000_000  # tokens: every sentence in one batch
RANDOM_CODE = "zz"  # target "language" of the random-weights package
RANDOM_VOCAB = 32_000
RANDOM_CUES = 300  # cues of the film translated on the random-weights model


def _isolate_argos(home: Path) -> dict[str, str | None]:
    """Point argostranslate at `home` (before its import when possible); returns the environment to restore."""
    saved = {var: os.environ.get(var) for var in ARGOS_ENV}
    os.environ["SUBPIPE_ARGOS_HOME"] = str(home)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "packages")
    if "argostranslate" not in sys.modules:  # after the import argos has read these: leave them
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
            os.environ[var] = str(home / sub)
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for var, value in saved.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value


def argos_options(max_batch_size: int, cap: int | None = None) -> dict:
    """The decoding options argos passes to ``translate_batch`` (beam 4 is argos's default beam size)."""
    options = dict(replace_unknowns=True, max_batch_size=max_batch_size, batch_type="tokens", beam_size=4,
                   num_hypotheses=1, length_penalty=0.2, return_scores=True)
    if cap:
        options["max_decoding_length"] = cap
    return options


class CappedTranslator:
    """A CTranslate2 translator whose every ``translate_batch`` stops decoding at `cap` tokens.

    Installed as the package's translator, it caps argos's own loop and subpipe's engine alike, which is
    what random weights need (they would otherwise decode 256 tokens, argos's limit, every time).
    """

    def __init__(self, translator, cap: int) -> None:
        self.translator, self.cap = translator, cap

    def translate_batch(self, *args, **kwargs):
        kwargs["max_decoding_length"] = self.cap
        return self.translator.translate_batch(*args, **kwargs)


def pre_tokenise(hop, texts: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Each text's sentence chunks (argos's sentencizer) and every chunk's sentencepiece tokens."""
    chunks = hop.split(texts)
    return chunks, [hop.pkg.tokenizer.encode(c) for per_text in chunks for c in per_text]


def detokenise(hop, chunks: list[list[str]], results) -> list[str]:
    """What argos makes of the floor's tokens (as in ``apply_packaged_translation``), one text per text."""
    out, i = [], 0
    for per_text in chunks:
        tokens = [t for r in results[i:i + len(per_text)] for t in r.hypotheses[0]]
        i += len(per_text)
        value = hop.pkg.tokenizer.decode(tokens)
        out.append(value[1:] if value.startswith(" ") else value)
    return out


def argos_loop(argos, texts: Sequence[str], source: str, target: str) -> list[str]:
    """The loop users write, from argos's own in-memory cache emptied (it keeps the last call's text)."""
    argos.translate.get_translation_from_codes(source, target).cache = {}
    return [argos.translate.translate(t, source, target) for t in texts]


def stage_profile(hop, texts: Sequence[str], max_batch_tokens: int, cap: int | None = None) -> dict[str, float]:
    """Where the engine's time goes, stage by stage, on `texts` (seconds, one run each)."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    chunks = hop.split(texts)
    times["sentencizer (spaCy)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = [hop.pkg.tokenizer.encode(c) for per_text in chunks for c in per_text]
    times["sentencepiece encode"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = hop.translator().translate_batch(tokens, **argos_options(max_batch_tokens, cap))
    times["CTranslate2 translate_batch"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    detokenise(hop, chunks, results)
    times["decode"] = time.perf_counter() - t0
    return times


def build_random_package(demo_dir: Path, packages_dir: Path, *, layers: int = 6, heads: int = 8, d_model: int = 512,
                         ffn: int = 2048, vocab_size: int = RANDOM_VOCAB, seed: int = 0) -> Path:
    """An argos package en->zz: a Transformer-base-sized model with random weights (int8, like argos's), the
    demo package's sentencepiece model and spaCy splitter; the vocabulary is the demo's pieces padded with
    filler pieces to `vocab_size`, so the output projection has a real model's size."""
    import ctranslate2
    import numpy as np
    import sentencepiece
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)

    def matrix(rows: int, cols: int):
        return (rng.standard_normal((rows, cols), dtype=np.float32) / math.sqrt(cols)).astype(np.float32)

    def norm(spec):
        spec.gamma, spec.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)

    def linear(spec, rows: int, cols: int):
        spec.weight, spec.bias = matrix(rows, cols), np.zeros(rows, np.float32)

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads, pre_norm=True,
                                                         activation=ctranslate2.specs.Activation.RELU)
    embedding = matrix(vocab_size, d_model)
    spec.encoder.embeddings[0].weight = embedding
    spec.encoder.scale_embeddings = True
    norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
    spec.decoder.embeddings.weight = embedding
    spec.decoder.scale_embeddings = True
    norm(spec.decoder.layer_norm)
    spec.decoder.projection.weight = embedding
    spec.decoder.projection.bias = np.zeros(vocab_size, np.float32)
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d_model, d_model)
        linear(layer.attention.linear[1], 2 * d_model, d_model)
        linear(layer.attention.linear[2], d_model, d_model)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(demo_dir / "sentencepiece.model"))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocabulary = pieces + [f"▁filler{i}" for i in range(vocab_size - len(pieces))]
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    root = packages_dir / f"translate-en_{RANDOM_CODE}-random"
    (root / "model").mkdir(parents=True)
    spec.save(str(root / "model"))
    shutil.copy(demo_dir / "sentencepiece.model", root / "sentencepiece.model")
    shutil.copytree(demo_dir / "spacy", root / "spacy")
    metadata = json.loads((demo_dir / "metadata.json").read_text(encoding="utf-8"))
    metadata.update(to_code=RANDOM_CODE, to_name="Random weights", code=root.name, package_version="0",
                    description="bench only: random weights, timing only")
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return root


def timed(name: str, fn, runs: int) -> tuple[Measure, object]:
    """Median of `runs` timed calls of `fn` (no warm-up) and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return Measure(name, statistics.median(times), runs), result


def _ms(m: Measure) -> str:
    return f"{m.median_s * 1000:,.0f}"


def _row(what: str, m: Measure, floor: Measure, per: int, note: str = "") -> dict:
    return {"what": what, "median ms": _ms(m), "ms per cue": f"{m.median_s * 1000 / per:.2f}",
            "x floor": f"{m.ratio_to(floor):.2f}", "note": note}


def _demo_section(argos, engine, film, texts: list[str]) -> tuple[str, float]:
    from subpipe.segment.sentences import cues_to_sentences

    n = len(texts)
    unique = list(dict.fromkeys(texts))
    engine.translate_batch(texts, "en", "es")  # loads the translator and sentencizer, shared with argos
    hop = engine._hops[("en", "es")]
    translator = hop.translator()
    chunks_all, tokens_all = pre_tokenise(hop, texts)
    chunks, tokens = pre_tokenise(hop, unique)

    def floor_call(tok, size):
        return lambda: translator.translate_batch(tok, **argos_options(size))

    floor_one = measure("floor", floor_call(tokens, FLOOR_BATCH), runs=5)
    floor_engine = measure("floor at engine batch", floor_call(tokens, engine.max_batch_tokens), runs=5)
    floor_dup = measure("floor with duplicates", floor_call(tokens_all, FLOOR_BATCH), runs=3)
    floor = min(floor_one, floor_engine, key=lambda m: m.median_s)
    eng_cues, batched = timed("engine over cues", lambda: engine.translate_batch(texts, "en", "es"), runs=5)
    t0 = time.perf_counter()
    sentences = [s.text for s in cues_to_sentences(film, "en")]
    segment_s = time.perf_counter() - t0
    eng_sents = measure("engine over sentences", lambda: engine.translate_batch(sentences, "en", "es"), runs=5)
    loop, looped = timed("loop", lambda: argos_loop(argos, texts, "en", "es"), runs=3)
    agree = sum(a == b for a, b in zip(batched, looped))
    by_text = dict(zip(unique, detokenise(hop, chunks, translator.translate_batch(tokens, **argos_options(FLOOR_BATCH)))))
    floor_agree = sum(by_text[t] == b for t, b in zip(texts, batched))
    profile = stage_profile(hop, unique, engine.max_batch_tokens)
    out_lengths = [len(r.hypotheses[0]) for r in translator.translate_batch(tokens, **argos_options(FLOOR_BATCH))]

    rows = [
        _row("loop: `argostranslate.translate.translate` per cue", loop, floor, n, "argos's in-memory cache emptied first"),
        _row("subpipe `ArgosEngine.translate_batch` over the cue texts", eng_cues, floor, n,
             f"{len(unique)} unique texts translated"),
        _row("subpipe `ArgosEngine.translate_batch` over `cues_to_sentences`", eng_sents, floor, n,
             f"{len(sentences)} sentences, {len(set(sentences))} unique; segmentation not timed here"),
        _row(f"floor: one `translate_batch`, unique texts, max_batch_size {FLOOR_BATCH:,}", floor_one, floor, n,
             f"{len(tokens)} chunks, {sum(map(len, tokens)):,} tokens"),
        _row(f"floor: one `translate_batch`, unique texts, max_batch_size {engine.max_batch_tokens:,}",
             floor_engine, floor, n, "the engine's batch size"),
        _row("floor: one `translate_batch`, all 1,500 texts (duplicates kept)", floor_dup, floor, n,
             f"{len(tokens_all)} chunks"),
    ]
    stage_total = sum(profile.values())
    stages = ", ".join(f"{k} {v * 1000:.0f} ms ({v / stage_total:.0%})" for k, v in profile.items())
    text = (
        f"### Demo package en->es ({n:,} cues, tiny 64-dim model)\n\n"
        + table(rows) + "\n\n"
        f"- **loop / floor: {loop.ratio_to(floor):.1f}x**; **engine / floor: {eng_cues.ratio_to(floor):.2f}x** "
        f"(over cue texts), {eng_sents.ratio_to(floor):.2f}x over sentences. The floor is the faster of the "
        "two one-call floors on the unique texts; each ratio is against it.\n"
        f"- Identical output: engine vs loop **{agree}/{n}** cues ({agree / n:.0%}); the floor's tokens, "
        f"detokenised as argos does, vs engine: {floor_agree}/{n}.\n"
        f"- Engine stages on the {len(unique)} unique texts (one run): {stages}.\n"
        f"- `cues_to_sentences` (spaCy `en_core_web_sm`, cue boundaries crossed) took {segment_s * 1000:,.0f} ms "
        "once; it is the pipeline's segmentation step, not translation, and is left out of the ratios.\n"
        f"- Output length per chunk: mean {statistics.mean(out_lengths):.1f} tokens, max {max(out_lengths)} "
        f"({sum(x >= 100 for x in out_lengths)} chunks of 100 tokens or more: the toy model runs away on some "
        "of the film's non-English cues and decodes up to argos's 256-token limit).\n"
    )
    mean_source = statistics.mean(map(len, tokens))
    return text, mean_source


def _random_section(argos, engine, settings, texts: list[str], mean_source: float) -> str:
    import ctranslate2

    from subpipe.translate.argos import _clear_language_cache

    texts = texts[:RANDOM_CUES]
    n = len(texts)
    unique = list(dict.fromkeys(texts))
    demo_dir = next(p for p in settings.packages_dir.iterdir() if p.name.startswith("translate-en_es"))
    t0 = time.perf_counter()
    root = build_random_package(demo_dir, settings.packages_dir)
    build_s = time.perf_counter() - t0
    _clear_language_cache()
    cap = math.ceil(1.2 * mean_source)
    info = next(p for p in engine.packages() if p.to_code == RANDOM_CODE)
    hop = engine._hop(info)
    s = hop.settings
    hop.translation.translator = CappedTranslator(ctranslate2.Translator(
        str(root / "model"), device=s.device, inter_threads=s.inter_threads, intra_threads=s.intra_threads,
        compute_type=s.compute_type), cap)
    translator = hop.translation.translator.translator
    _, tokens = pre_tokenise(hop, unique)

    floor_one = measure("floor", lambda: translator.translate_batch(tokens, **argos_options(FLOOR_BATCH, cap)),
                        runs=3)
    floor_engine = measure("floor at engine batch", lambda: translator.translate_batch(
        tokens, **argos_options(engine.max_batch_tokens, cap)), runs=3)
    floor = min(floor_one, floor_engine, key=lambda m: m.median_s)
    eng = measure("engine", lambda: engine.translate_batch(texts, "en", RANDOM_CODE), runs=3)
    loop, _ = timed("loop", lambda: argos_loop(argos, texts, "en", RANDOM_CODE), runs=1)
    profile = stage_profile(hop, unique, engine.max_batch_tokens, cap)
    stage_total = sum(profile.values())
    stages = ", ".join(f"{k} {v * 1000:.0f} ms ({v / stage_total:.0%})" for k, v in profile.items())
    rows = [
        _row("loop: `argostranslate.translate.translate` per cue", loop, floor, n, "one run"),
        _row("subpipe `ArgosEngine.translate_batch` over the cue texts", eng, floor, n,
             f"{len(unique)} unique texts"),
        _row(f"floor: one `translate_batch`, max_batch_size {FLOOR_BATCH:,}", floor_one, floor, n,
             f"{len(tokens)} chunks, {sum(map(len, tokens)):,} tokens"),
        _row(f"floor: one `translate_batch`, max_batch_size {engine.max_batch_tokens:,}", floor_engine, floor, n,
             "the engine's batch size"),
    ]
    return (
        f"### RANDOM WEIGHTS, timing only: Transformer-base-sized model (first {n} cues)\n\n"
        f"6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary {RANDOM_VOCAB:,} (the demo's sentencepiece "
        f"pieces padded), int8 like argos's packages; built in {build_s:.1f} s and installed as an argos package "
        f"en->{RANDOM_CODE}. Its output is noise. Random weights never end a sentence, so decoding is capped at "
        f"**{cap} tokens** (1.2x the mean source chunk of {mean_source:.1f} tokens, about a real translation's "
        "length) for every path alike: the cap is put on the package's translator, which argos's loop and the "
        f"engine both use. Medians of 3 runs (the loop: 1 run).\n\n"
        + table(rows) + "\n\n"
        f"- **loop / floor: {loop.ratio_to(floor):.1f}x**; **engine / floor: {eng.ratio_to(floor):.2f}x**. "
        f"Scaled to 1,500 cues (x{1500 / n:.0f}): loop ~{loop.median_s * 1500 / n:,.0f} s, engine "
        f"~{eng.median_s * 1500 / n:,.0f} s.\n"
        f"- Engine stages (one run): {stages}.\n"
    )


def run() -> str:
    home = Path(tempfile.mkdtemp(prefix="subpipe-bench-argos-"))
    saved = _isolate_argos(home)
    try:
        from subpipe.translate.argos import ArgosEngine, _argos, configure_argos, install_package_file

        settings = configure_argos(home)
        install_package_file(DEMO_PACKAGE)
        argos = _argos()
        engine = ArgosEngine(home=home, use_cache=False)
        film = build_long_film()
        # One text per cue, its lines joined: argos translates each line of a text on its own.
        texts = [cue.plain.replace("\n", " ") for cue in film.cues]
        t0 = time.perf_counter()
        demo, mean_source = _demo_section(argos, engine, film, texts)
        demo_s = time.perf_counter() - t0
        random = _random_section(argos, engine, settings, texts, mean_source)
    finally:
        _restore(saved)
        shutil.rmtree(home, ignore_errors=True)
    threads = settings_line()
    return (
        f"## Translate: a {len(texts):,}-cue film, batched engine vs per-cue argos loop vs the CTranslate2 floor\n\n"
        f"The film is the ingest bench's: the corpus films concatenated ({len(set(texts))} distinct cue texts; "
        "about half of them not English, so the demo model's output on those is poor, but the same on every "
        "path). One text per cue, its lines joined by a space. The engine runs without its persistent cache; "
        "argos's loop uses the same installed package, translator and sentencizer. Floor: "
        "one CTranslate2 `translate_batch` on the sentencepiece tokens of argos's sentence chunks, tokenised "
        "beforehand, with argos's decoding options (beam 4, length penalty 0.2, replace unknowns, batches "
        f"counted in tokens), timed alone. {threads}\n\n"
        + demo + f"\n(demo section: {demo_s:.0f} s)\n\n" + random
    )


def settings_line() -> str:
    import ctranslate2

    return (f"CTranslate2 {ctranslate2.__version__}, {os.cpu_count()} cores, argos's translator settings "
            "(device cpu, inter_threads 1, intra_threads 0 = CTranslate2's default).")
