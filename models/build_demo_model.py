"""Build the demo argos translation packages offline: corpus -> sentencepiece -> Transformer -> CTranslate2.

No argos package can be downloaded where subpipe is developed and tested, so the project builds its
own: small, real ``.argosmodel`` files that argostranslate installs and runs through its normal API.

    python models/build_demo_model.py --pair en es --out models/demo/
    python models/build_demo_model.py --pair en es --pair en fr --pair es en --out models/demo/

Steps, per language pair:

1. a parallel corpus written by ``demo_corpus`` (dictionary + grammar templates + everyday phrases), with
   names, numbers and the glossary placeholders ``ZQ0`` .. ``ZQ99`` that the model must copy, and no
   sentence equal to, or sharing a 6-word run with, a line of any film under ``samples/`` or the shared
   corpus (``film_text``); its SHA-256 goes into ``metadata.json`` so a test can regenerate and check it;
2. a shared sentencepiece model (unigram, a few thousand pieces); ``ZQn`` are user-defined symbols so a
   placeholder is always one piece, and digits are split so numbers are copied digit by digit;
3. a small pre-norm Transformer trained with torch on the CPU with a fixed seed;
4. its weights written into a ``ctranslate2.specs.TransformerSpec``, validated and saved;
5. argos's package layout: ``metadata.json``, ``model/``, ``sentencepiece.model``, ``spacy/`` (a blank
   spaCy pipeline of the source language, so sentence splitting never downloads anything) and a
   ``README.md``, zipped with one top-level directory as ``translate-<from>_<to>-demo.argosmodel``.

These are demo models. Real users install argos's own packages (``argospm install translate-en_es`` or an
``.argosmodel`` file), which subpipe takes unchanged.

Running them offline needs, before ``import argostranslate`` (see :func:`offline_argos_environment`):
``ARGOS_PACKAGES_DIR``, ``ARGOS_DEVICE_TYPE=cpu``, ``ARGOS_CHUNK_TYPE=SPACY`` and a sentence-splitter
stand-in at ``$XDG_CACHE_HOME/argos-translate/spacy`` (:func:`seed_argos_spacy_cache`), because
argostranslate checks that path at import time and otherwise tries to download ``xx_sent_ud_sm``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import math
import os
import random
import sys
import tempfile
import time
import warnings
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import demo_corpus  # noqa: E402  (a sibling module, found through the path set just above)
import film_text  # noqa: E402

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French"}
PACKAGE_VERSION = "0.3"
ARGOS_VERSION = "1.11"
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]  # sentencepiece ids 0..3, the tokens CTranslate2 expects
PAD_ID = 3
MAX_POSITIONS = 256  # rows of the position table used in training (sentences are <= max_len pieces)


@dataclass(frozen=True)
class BuildConfig:
    """Everything that determines a build; written into the package README."""

    source: str
    target: str
    seed: int = 1234
    sentences: int = 150_000
    phrase_repeats: int = 20
    vocab_size: int = 2400
    dim: int = 64
    heads: int = 4
    ffn: int = 256
    layers: int = 2
    dropout: float = 0.1  # on the embeddings
    layer_dropout: float = 0.0  # inside the layers: costs a fifth of a CPU step; the corpus is seen ~once
    steps: int = 1800
    batch_tokens: int = 1500
    learning_rate: float = 3e-3
    warmup: int = 200
    label_smoothing: float = 0.1
    max_len: int = 64
    threads: int = 1
    quantization: str = "int8"

    @property
    def package_name(self) -> str:
        return f"translate-{self.source}_{self.target}-demo"


# ---------------------------------------------------------------------------------------------------
# 1. corpus
# ---------------------------------------------------------------------------------------------------


@functools.cache
def films() -> film_text.FilmText:
    """The lines of every film under samples/ and the shared corpus, which the corpus must not hold."""
    return film_text.load_film_text()


def build_corpus(config: BuildConfig, exclude: film_text.FilmText | None = None) -> list[tuple[str, str]]:
    """Generated sentences plus every fixed phrase ``phrase_repeats`` times (everyday phrases weigh more),
    none of them clashing with a film line."""
    exclude = exclude or films()
    pairs = demo_corpus.generate_corpus(config.source, config.target, config.sentences, config.seed, exclude)
    pairs += demo_corpus.phrase_pairs(config.source, config.target, exclude) * config.phrase_repeats
    return pairs


def corpus_manifest(pairs: list[tuple[str, str]], exclude: film_text.FilmText) -> dict:
    """What ``metadata.json`` records of the training corpus, so a test can regenerate and compare it."""
    digest = hashlib.sha256()
    for source, target in pairs:
        digest.update(f"{source}\t{target}\n".encode())
    return {"pairs": len(pairs), "sha256": digest.hexdigest(), "film_files": len(exclude.files),
            "film_lines_sha256": exclude.digest(), "film_ngram": film_text.NGRAM}


# ---------------------------------------------------------------------------------------------------
# 2. sentencepiece
# ---------------------------------------------------------------------------------------------------


def train_sentencepiece(pairs: list[tuple[str, str]], config: BuildConfig, path: Path):
    """One model shared by both languages; returns the loaded processor."""
    import sentencepiece as spm

    sentences = sorted({s for pair in pairs for s in pair})
    random.Random(config.seed).shuffle(sentences)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        model_type="unigram",
        vocab_size=config.vocab_size,
        character_coverage=1.0,
        unk_id=0, bos_id=1, eos_id=2, pad_id=PAD_ID,
        unk_piece=SPECIALS[0], bos_piece=SPECIALS[1], eos_piece=SPECIALS[2], pad_piece=SPECIALS[3],
        # A placeholder is always exactly one piece, whatever surrounds it ("ZQ0," "(ZQ12)").
        user_defined_symbols=[f"ZQ{i}" for i in range(demo_corpus.PLACEHOLDER_MAX + 1)],
        split_digits=True,
        hard_vocab_limit=False,  # a small --sentences build gets a smaller vocabulary instead of an error
        num_threads=config.threads,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


# ---------------------------------------------------------------------------------------------------
# 3. model and training
# ---------------------------------------------------------------------------------------------------


def sinusoidal_positions(rows: int, dim: int):
    """CTranslate2's own sinusoidal position encoding: positions count from 1, ``[sin | cos]`` halves,
    timescales ``10000 ** (i / (dim/2 - 1))``.

    Training with exactly this table lets the spec leave ``position_encodings`` unset, so CTranslate2
    computes it for any length instead of failing past the rows of a stored table.
    """
    import torch

    half = dim // 2
    inverse = torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(10000.0) / (half - 1)))
    angles = (torch.arange(rows, dtype=torch.float32) + 1).unsqueeze(1) * inverse.unsqueeze(0)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


def make_model(config: BuildConfig, vocab: int):
    """A pre-norm encoder-decoder with tied embeddings, computing exactly what CTranslate2's
    ``TransformerSpec(pre_norm=True)`` computes: ``emb * sqrt(d) + positions``, per layer
    ``x + attn(LN(x))`` and ``x + ffn(LN(x))``, a final LayerNorm, a projection with bias."""
    import torch
    from torch import nn

    class DemoTransformer(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(vocab, config.dim, padding_idx=PAD_ID)
            nn.init.normal_(self.embedding.weight, 0.0, config.dim ** -0.5)
            self.register_buffer("positions", sinusoidal_positions(MAX_POSITIONS, config.dim), persistent=False)
            with warnings.catch_warnings():  # "enable_nested_tensor ... norm_first": irrelevant here
                warnings.simplefilter("ignore", UserWarning)
                self.transformer = nn.Transformer(
                    d_model=config.dim, nhead=config.heads, num_encoder_layers=config.layers,
                    num_decoder_layers=config.layers, dim_feedforward=config.ffn, dropout=config.layer_dropout,
                    activation="relu", batch_first=True, norm_first=True, layer_norm_eps=1e-6)
            self.output_bias = nn.Parameter(torch.zeros(vocab))
            self.dropout = nn.Dropout(config.dropout)
            self.scale = math.sqrt(config.dim)

        def embed(self, ids):
            return self.dropout(self.embedding(ids) * self.scale + self.positions[: ids.shape[1]])

        def forward(self, src, tgt_in):
            length = tgt_in.shape[1]
            causal = torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)
            src_pad = src == PAD_ID
            hidden = self.transformer(
                self.embed(src), self.embed(tgt_in), tgt_mask=causal,
                src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_in == PAD_ID,
                memory_key_padding_mask=src_pad)
            return hidden @ self.embedding.weight.T + self.output_bias

    return DemoTransformer()


def encode_pairs(pairs, sp, max_len: int) -> list[tuple[list[int], list[int]]]:
    sources = sp.encode([s for s, _ in pairs])
    targets = sp.encode([t for _, t in pairs])
    return [(s, t) for s, t in zip(sources, targets) if 0 < len(s) <= max_len and 0 < len(t) < max_len]


def make_batches(examples, batch_tokens: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches of at most ``batch_tokens`` padded target+source tokens, in random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][1]), len(examples[i][0]), rng.random()))
    batches, current, longest = [], [], 0
    for index in order:
        length = max(len(examples[index][0]), len(examples[index][1]) + 1)
        if current and max(longest, length) * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, length)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def collate(examples, indices):
    import torch

    src_len = max(len(examples[i][0]) for i in indices)
    tgt_len = max(len(examples[i][1]) for i in indices) + 1
    src = torch.full((len(indices), src_len), PAD_ID, dtype=torch.long)
    tgt_in = torch.full((len(indices), tgt_len), PAD_ID, dtype=torch.long)
    tgt_out = torch.full((len(indices), tgt_len), PAD_ID, dtype=torch.long)
    for row, i in enumerate(indices):
        s, t = examples[i]
        src[row, : len(s)] = torch.tensor(s)
        tgt_in[row, : len(t) + 1] = torch.tensor([1] + t)  # <s> y1 .. yn
        tgt_out[row, : len(t) + 1] = torch.tensor(t + [2])  # y1 .. yn </s>
    return src, tgt_in, tgt_out


def train(config: BuildConfig, examples, vocab: int, log=print):
    """Fixed seed, fixed step count; returns the model and the loss history (one value per 100 steps)."""
    import torch

    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    torch.set_flush_denormal(True)
    model = make_model(config, vocab)
    log(f"  model: {sum(p.numel() for p in model.parameters()):,} weights ({config.dim} dim, "
        f"{config.layers}+{config.layers} layers, {config.heads} heads)")
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, betas=(0.9, 0.98),
                                  eps=1e-9, weight_decay=0.0)

    def learning_rate(step: int) -> float:
        if step < config.warmup:
            return (step + 1) / config.warmup
        progress = (step - config.warmup) / max(1, config.steps - config.warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=PAD_ID, label_smoothing=config.label_smoothing)
    rng = random.Random(config.seed)
    batches: list[list[int]] = []
    history, running, started = [], [], time.time()
    model.train()
    for step in range(config.steps):
        if not batches:
            batches = make_batches(examples, config.batch_tokens, rng)
        src, tgt_in, tgt_out = collate(examples, batches.pop())
        logits = model(src, tgt_in)
        loss = loss_fn(logits.reshape(-1, vocab), tgt_out.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running.append(loss.item())
        if (step + 1) % 100 == 0 or step + 1 == config.steps:
            history.append(sum(running) / len(running))
            log(f"  step {step + 1:5d}/{config.steps}  loss {history[-1]:.3f}  {time.time() - started:6.1f}s")
            running = []
    model.eval()
    return model, history


# ---------------------------------------------------------------------------------------------------
# 4. CTranslate2 spec
# ---------------------------------------------------------------------------------------------------


def to_ctranslate2(model, config: BuildConfig, vocabulary: list[str], out_dir: Path,
                   quantization: str | None = None) -> None:
    """Write every weight into a ``TransformerSpec``, validate it and save it to ``out_dir``.

    Position encodings are left to CTranslate2 (see :func:`sinusoidal_positions`).
    """
    import ctranslate2
    from ctranslate2.specs import transformer_spec

    def numpy(tensor):
        return tensor.detach().float().cpu().numpy().copy()

    def set_norm(spec, norm):
        spec.gamma, spec.beta = numpy(norm.weight), numpy(norm.bias)

    def set_linear(spec, weight, bias):
        spec.weight, spec.bias = numpy(weight), numpy(bias)

    d = config.dim
    spec = transformer_spec.TransformerSpec.from_config(
        (config.layers, config.layers), config.heads, pre_norm=True,
        activation=ctranslate2.specs.Activation.RELU)
    spec.config.layer_norm_epsilon = 1e-6
    embedding = numpy(model.embedding.weight)
    encoder, decoder = model.transformer.encoder, model.transformer.decoder

    spec.encoder.embeddings[0].weight = embedding
    spec.encoder.scale_embeddings = True
    set_norm(spec.encoder.layer_norm, encoder.norm)
    for layer_spec, layer in zip(spec.encoder.layer, encoder.layers):
        set_norm(layer_spec.self_attention.layer_norm, layer.norm1)
        set_linear(layer_spec.self_attention.linear[0], layer.self_attn.in_proj_weight, layer.self_attn.in_proj_bias)
        set_linear(layer_spec.self_attention.linear[1], layer.self_attn.out_proj.weight,
                   layer.self_attn.out_proj.bias)
        set_norm(layer_spec.ffn.layer_norm, layer.norm2)
        set_linear(layer_spec.ffn.linear_0, layer.linear1.weight, layer.linear1.bias)
        set_linear(layer_spec.ffn.linear_1, layer.linear2.weight, layer.linear2.bias)

    spec.decoder.embeddings.weight = embedding
    spec.decoder.scale_embeddings = True
    set_norm(spec.decoder.layer_norm, decoder.norm)
    spec.decoder.projection.weight = embedding
    spec.decoder.projection.bias = numpy(model.output_bias)
    for layer_spec, layer in zip(spec.decoder.layer, decoder.layers):
        set_norm(layer_spec.self_attention.layer_norm, layer.norm1)
        set_linear(layer_spec.self_attention.linear[0], layer.self_attn.in_proj_weight, layer.self_attn.in_proj_bias)
        set_linear(layer_spec.self_attention.linear[1], layer.self_attn.out_proj.weight,
                   layer.self_attn.out_proj.bias)
        cross = layer.multihead_attn
        set_norm(layer_spec.attention.layer_norm, layer.norm2)
        set_linear(layer_spec.attention.linear[0], cross.in_proj_weight[:d], cross.in_proj_bias[:d])
        set_linear(layer_spec.attention.linear[1], cross.in_proj_weight[d:], cross.in_proj_bias[d:])
        set_linear(layer_spec.attention.linear[2], cross.out_proj.weight, cross.out_proj.bias)
        set_norm(layer_spec.ffn.layer_norm, layer.norm3)
        set_linear(layer_spec.ffn.linear_0, layer.linear1.weight, layer.linear1.bias)
        set_linear(layer_spec.ffn.linear_1, layer.linear2.weight, layer.linear2.bias)

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=quantization or config.quantization)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))


def check_export(model, config: BuildConfig, vocabulary: list[str], examples, work: Path) -> float:
    """Score a few training pairs with torch and with a float32 CTranslate2 export of the same weights.

    They must agree (returns the largest log-probability difference): a wrong weight mapping or
    position encoding would otherwise only show as a bad model.
    """
    import ctranslate2
    import torch

    export = work / "float32-check"
    to_ctranslate2(model, config, vocabulary, export, quantization="float32")
    translator = ctranslate2.Translator(str(export), device="cpu", intra_threads=config.threads)
    sample = examples[:: max(1, len(examples) // 8)][:8]
    scored = translator.score_batch([[vocabulary[i] for i in s] for s, _ in sample],
                                    [[vocabulary[i] for i in t] for _, t in sample])
    worst = 0.0
    with torch.no_grad():
        for (source, target), result in zip(sample, scored):
            logits = model(torch.tensor([source]), torch.tensor([[1] + target]))
            log_probs = torch.log_softmax(logits, -1)[0]
            expected = [log_probs[j, token].item() for j, token in enumerate(target + [2])]
            worst = max(worst, max(abs(a - b) for a, b in zip(expected, result.log_probs)))
    if worst > 1e-2:
        raise RuntimeError(f"CTranslate2 export disagrees with the torch model (log-prob diff {worst:.4f})")
    return worst


# ---------------------------------------------------------------------------------------------------
# 5. argos package
# ---------------------------------------------------------------------------------------------------


def write_spacy_splitter(language: str, path: Path) -> None:
    """A blank spaCy pipeline of the source language (tokenizer only).

    argostranslate (``ARGOS_CHUNK_TYPE=SPACY``) loads a package's ``spacy/`` folder and adds spaCy's
    rule-based ``sentencizer`` to it, so nothing is downloaded and nothing needs training.
    """
    import spacy

    spacy.blank(language).to_disk(path)


def seed_argos_spacy_cache(cache_home: Path) -> Path:
    """Give argostranslate's import-time check the sentence-splitter cache it looks for.

    With ``ARGOS_CHUNK_TYPE=SPACY``, ``import argostranslate.translate`` calls ``cache_spacy()``, which
    downloads ``xx_sent_ud_sm`` unless ``$XDG_CACHE_HOME/argos-translate/spacy/senter/model`` exists.
    This writes a blank multi-language spaCy pipeline there (loaded, plus a ``sentencizer``, only for
    packages without their own ``spacy/`` folder) and the ``senter/model`` marker.  Returns its path.
    """
    import spacy

    cache = Path(cache_home) / "argos-translate" / "spacy"
    marker = cache / "senter" / "model"
    if not (cache / "config.cfg").exists():
        cache.mkdir(parents=True, exist_ok=True)
        spacy.blank("xx").to_disk(cache)
    if not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("stand-in written by subpipe: sentence splitting uses spaCy's rule-based sentencizer\n")
    return cache


def offline_argos_environment(root: Path, packages_dir: Path | None = None) -> dict[str, str]:
    """The environment argostranslate must see *before it is imported* to run offline.

    ``root`` receives the XDG data, cache and config homes; the spaCy stand-in is seeded in the cache.
    """
    root = Path(root)
    env = {
        "ARGOS_PACKAGES_DIR": str(packages_dir or root / "packages"),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_CHUNK_TYPE": "SPACY",
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_CONFIG_HOME": str(root / "config"),
    }
    for key in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    seed_argos_spacy_cache(Path(env["XDG_CACHE_HOME"]))
    return env


def package_readme(config: BuildConfig, history: list[float], seconds: float, samples: list[tuple[str, str]]) -> str:
    source, target = LANGUAGE_NAMES[config.source], LANGUAGE_NAMES[config.target]
    lines = [
        f"# {source} -> {target}: subpipe demo model",
        "",
        "A **demo** translation package built by the subpipe project (`models/build_demo_model.py`), offline,",
        "on a CPU in minutes: a tiny Transformer trained on a synthetic corpus (a small bilingual dictionary,",
        "grammar templates and everyday phrases; no line of subpipe's sample films, checked by a test).",
        "Its translations are a demo's: simple sentences in its vocabulary come out right, real dialogue",
        "mostly does not. It copies names, numbers and the glossary",
        "placeholders `ZQ0`..`ZQ99` unchanged.",
        "",
        "For real work install argos's own packages (`argospm install translate-"
        f"{config.source}_{config.target}` or an `.argosmodel` file); subpipe takes them unchanged.",
        "",
        "Sentence splitting: `spacy/` is a blank spaCy pipeline; run argostranslate with",
        "`ARGOS_CHUNK_TYPE=SPACY` so it adds spaCy's rule-based sentencizer and downloads nothing.",
        "",
        "## Build",
        "",
        "```",
        json.dumps(asdict(config), indent=2),
        "```",
        "",
        f"Training: {config.steps} steps in {seconds:.0f} s; loss (label-smoothed) "
        f"{history[0]:.2f} -> {history[-1]:.2f}.",
        "",
        "## Sample translations",
        "",
    ]
    lines += [f"- {s} -> {t}" for s, t in samples]
    return "\n".join(lines) + "\n"


def write_package(config: BuildConfig, work: Path, out_dir: Path, readme: str, manifest: dict) -> Path:
    """Zip ``work/<package_name>/`` (already holding model/ and sentencepiece.model) as an .argosmodel."""
    root = work / config.package_name
    metadata = {
        "package_version": PACKAGE_VERSION,
        "argos_version": ARGOS_VERSION,
        "from_code": config.source,
        "from_name": LANGUAGE_NAMES[config.source],
        "to_code": config.target,
        "to_name": LANGUAGE_NAMES[config.target],
        "type": "translate",
        "code": config.package_name,
        "description": "subpipe demo model: a tiny Transformer trained offline on a synthetic corpus "
                       "(dictionary, grammar templates, everyday phrases; no line of the sample films); "
                       "it translates its small vocabulary only, not for real work: install argos's "
                       "packages for that.",
        "links": [],
        "subpipe_corpus": manifest,
    }
    (root / "metadata.json").write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    (root / "README.md").write_text(readme)
    write_spacy_splitter(config.source, root / "spacy")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{config.package_name}.argosmodel"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(work).as_posix())
    return target


# ---------------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------------

SAMPLE_SENTENCES = {
    "en": ["The house is big.", "I don't know.", "Where is the dragon?", "Emo, close the door.",
           "Thank you, Celia.", "I have 3 dogs.", "ZQ0 is looking for ZQ1.", "We have to find the key."],
    "es": ["La casa es grande.", "No lo sé.", "¿Dónde está el dragón?", "Emo, cierra la puerta.",
           "Gracias, Celia.", "Tengo 3 perros.", "ZQ0 está buscando a ZQ1.", "Tenemos que encontrar la llave."],
    "fr": ["La maison est grande.", "Je ne sais pas.", "Où est le dragon ?"],
}


def sample_translations(model_dir: Path, sp, sentences: list[str]) -> list[tuple[str, str]]:
    """Translate with CTranslate2 the way argostranslate does (beam 4, replace_unknowns)."""
    import ctranslate2

    translator = ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=2)
    batch = [sp.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(batch, beam_size=4, replace_unknowns=True, length_penalty=0.2)
    return [(s, sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").strip()) for s, r in zip(sentences, results)]


def build(config: BuildConfig, out_dir: Path, log=print) -> Path:
    started = time.time()
    log(f"== {config.package_name}")
    pairs = build_corpus(config)
    manifest = corpus_manifest(pairs, films())
    log(f"  corpus: {len(pairs)} sentence pairs ({len(set(pairs))} distinct), none clashing with the "
        f"{len(films().lines)} lines of {manifest['film_files']} film subtitle files")
    with tempfile.TemporaryDirectory(prefix="subpipe-demo-model-") as tmp:
        work = Path(tmp)
        root = work / config.package_name
        root.mkdir()
        sp = train_sentencepiece(pairs, config, root / "sentencepiece.model")
        vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        assert vocabulary[:4] == SPECIALS, vocabulary[:4]
        examples = encode_pairs(pairs, sp, config.max_len)
        log(f"  sentencepiece: {len(vocabulary)} pieces; {len(examples)} pairs kept (<= {config.max_len} pieces)")
        train_started = time.time()
        model, history = train(config, examples, len(vocabulary), log)
        train_seconds = time.time() - train_started
        worst = check_export(model, config, vocabulary, examples, work)
        log(f"  CTranslate2 export matches torch (largest log-prob difference {worst:.1e})")
        to_ctranslate2(model, config, vocabulary, root / "model")
        samples = sample_translations(root / "model", sp, SAMPLE_SENTENCES[config.source])
        for source, target in samples:
            log(f"  {source}  ->  {target}")
        readme = package_readme(config, history, train_seconds, samples)
        package = write_package(config, work, out_dir, readme, manifest)
    log(f"  wrote {package} ({package.stat().st_size / 1e6:.2f} MB) in {time.time() - started:.0f} s "
        f"(training {train_seconds:.0f} s, final loss {history[-1]:.3f})")
    return package


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Build subpipe's demo argos translation packages (.argosmodel) offline on a CPU.",
        epilog="Demo models only: real users install argos's packages, which subpipe takes unchanged.")
    parser.add_argument("--pair", nargs=2, action="append", metavar=("FROM", "TO"),
                        help="language pair to build (repeatable); default: en es, en fr, es en")
    parser.add_argument("--out", type=Path, default=HERE / "demo", help="output directory (default: models/demo)")
    defaults = BuildConfig("en", "es")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--sentences", type=int, default=defaults.sentences, help="generated sentence pairs")
    parser.add_argument("--steps", type=int, default=defaults.steps, help="training steps")
    parser.add_argument("--dim", type=int, default=defaults.dim, help="model width")
    parser.add_argument("--layers", type=int, default=defaults.layers, help="encoder and decoder layers")
    parser.add_argument("--vocab-size", type=int, default=defaults.vocab_size)
    parser.add_argument("--batch-tokens", type=int, default=defaults.batch_tokens)
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--quantization", default=defaults.quantization,
                        choices=["int8", "int16", "float16", "float32"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pairs = [tuple(p) for p in args.pair] if args.pair else [("en", "es"), ("en", "fr"), ("es", "en")]
    for source, target in pairs:
        if source not in LANGUAGE_NAMES or target not in LANGUAGE_NAMES or source == target:
            print(f"unsupported pair {source} {target}; languages: {', '.join(LANGUAGE_NAMES)}", file=sys.stderr)
            return 2
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    started = time.time()
    for source, target in pairs:
        config = BuildConfig(source, target, seed=args.seed, sentences=args.sentences, steps=args.steps,
                             dim=args.dim, ffn=4 * args.dim, layers=args.layers, vocab_size=args.vocab_size,
                             batch_tokens=args.batch_tokens, learning_rate=args.learning_rate,
                             threads=args.threads, quantization=args.quantization)
        build(config, args.out)
    print(f"done in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
