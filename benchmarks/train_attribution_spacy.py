"""Train the attribution span tagger (SOURCE / CUE / CONTENT) with spaCy's own trainer on PolNeAR train.

    OMP_NUM_THREADS=2 PYTHONPATH=src python benchmarks/train_attribution_spacy.py \
        ../shared/datasets/polnear/train ../shared/datasets/polnear/dev --work /tmp/attr --max-steps 20000

Steps: (1) parse every text with the product's spaCy pipeline (``stages.nlp.load_pipeline``: the same
tokens, tags and dependencies the quote stage reads) and put PolNeAR's Source, Cue and Content segments
on the parse as entities (PolNeAR's spans of one text never overlap; a discontinuous content is several
CONTENT entities); every annotator file of a train text is one training document, dev keeps the first
annotator file like ``storyscope eval quotes``; DocBins go under ``--work`` (never into the repo).
(2) ``spacy train`` with the config below: an ``ner`` component (transition-based, BILUO) with its own
HashEmbedCNN-style tok2vec over NORM, PREFIX, SUFFIX, SHAPE and the parser's TAG and DEP, no vectors;
the ``polnear_parsed.v1`` reader keeps the parse on the predicted side, as the product gives it.
(3) the best model (dev ents F) is copied to ``--out`` without its vocabulary (strings seen in training:
the hash embeddings and the transition labels need none) and without the data paths. Stop the run early
(Ctrl-C or ``kill``) to time-box it: ``--work``/run/model-best is kept at every improving evaluation; then
``--install`` copies it without training again. ``--init-from-sm`` starts the tok2vec from the product model's
``ner`` tok2vec (``tok2vec_from_sm``); ``--dev-every N`` chooses checkpoints on every N-th dev text;
``--holdout N`` on the last N train texts instead (trained on the others), so dev stays unseen by training and
checkpoint choice.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.tokens import DocBin, Span

LABELS = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}

CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 14
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["ner"]
batch_size = 64

[components]

[components.ner]
factory = "ner"
incorrect_spans_key = null
moves = null
scorer = {{"@scorers":"spacy.ner_scorer.v1"}}
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.ner.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE", "TAG", "DEP"]
rows = [5000, 1000, 2500, 2500, 200, 200]
include_static_vectors = false

[components.ner.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = 1
maxout_pieces = 3

[corpora]

[corpora.train]
@readers = "polnear_parsed.v1"
path = ${{paths.train}}

[corpora.dev]
@readers = "polnear_parsed.v1"
path = ${{paths.dev}}

[training]
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.1
accumulate_gradient = 1
patience = {patience}
max_epochs = 0
max_steps = {max_steps}
eval_frequency = {eval_frequency}
frozen_components = []
annotating_components = []
before_to_disk = null
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 300
stop = 2000
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.001

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[initialize]
vectors = null
{after_init}
"""

INIT_FROM_SM = """
[initialize.after_init]
@callbacks = "attribution_tok2vec_from_sm.v1"
"""


@spacy.registry.callbacks("attribution_tok2vec_from_sm.v1")
def tok2vec_from_sm():
    """Start the tagger's tok2vec from the product model's own ``ner`` tok2vec (same widths, depth and hash
    seeds): its NORM / PREFIX / SUFFIX / SHAPE tables, its mixing layer for those four (the columns of the
    added TAG and DEP tables start near zero) and its four CNN layers; the rest stays randomly initialised."""
    def init(nlp):
        import numpy
        from storyscope.stages.nlp import MODEL
        src = spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
        layers = [[m for m in n.get_pipe("ner").model.get_ref("tok2vec").walk() if m.param_names]
                  for n in (src, nlp)]
        embeds = [{m.attrs["seed"]: m for m in ls if m.name == "hashembed"} for ls in layers]
        for seed, m in embeds[0].items():
            embeds[1][seed].set_param("E", m.get_param("E").copy())
        mixes = [[m for m in ls if m.name in ("maxout", "layernorm")] for ls in layers]
        for k, (a, b) in enumerate(zip(*mixes)):  # the source has no 'linear' projection among these
            for name in a.param_names:
                wa, wb = a.get_param(name), b.get_param(name).copy()
                if wa.shape == wb.shape:
                    wb = wa.copy()
                else:  # the first maxout: (width, pieces, width * n_attrs), the source's attrs first
                    n = wa.shape[-1]
                    wb[..., :n] = wa
                    wb[..., n:] *= 0.1
                b.set_param(name, numpy.ascontiguousarray(wb))
        print("tok2vec initialised from", MODEL, len(embeds[0]), "tables,", len(mixes[0]), "layers", file=sys.stderr)
        return nlp
    return init


@spacy.registry.readers("polnear_parsed.v1")
def polnear_parsed(path: str):
    """Examples whose predicted side keeps the stored parse (tags, dependencies) without the gold entities."""
    def read(nlp):
        for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
            pred = doc.copy()
            pred.set_ents([], default="missing")
            yield Example(pred, doc)
    return read


def gold_segments(ann: Path) -> list[tuple[int, int, str]]:
    """(start, end, LABEL) of every Source / Cue / Content segment in a brat .ann file."""
    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        typ, _, rest = parts[1].partition(" ")
        if typ.lower() not in LABELS:
            continue
        try:
            segs = [tuple(int(x) for x in seg.split()) for seg in rest.split(";")]
        except ValueError:
            continue
        out.extend((s, e, LABELS[typ.lower()]) for s, e in segs)
    return out


def sentence_pieces(spans) -> list:
    """Spans cut at sentence starts and whitespace tokens: spaCy's entity transitions never cross a
    sentence boundary, and a content of several sentences is one CONTENT entity per sentence."""
    out = []
    for sp in spans:
        run: list = []
        for t in list(sp) + [None]:
            if t is None or t.is_space or t.is_sent_start and run:
                if run:
                    out.append(Span(sp.doc, run[0].i, run[-1].i + 1, label=sp.label_))
                run = []
            if t is not None and not t.is_space:
                run.append(t)
    return out


def build_docbin(split_dir: str, out: Path, all_annotators: bool) -> int:
    """Parse a PolNeAR split with the product pipeline and store the gold segments as entities."""
    from storyscope.stages.nlp import load_pipeline
    nlp = load_pipeline()
    root = Path(split_dir)
    anns: dict[str, list[Path]] = {}
    for p in sorted((root / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[^_]+$", "", p.stem), []).append(p)
    names = [n for n in sorted(anns) if (root / "text" / f"{n}.txt").exists()]
    texts = [(root / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    db, n_docs = DocBin(store_user_data=False), 0
    for name, doc in zip(names, nlp.pipe(texts, batch_size=16)):
        for ann in anns[name] if all_annotators else anns[name][:1]:
            spans = []
            for s, e, label in gold_segments(ann):
                while s < e and doc.text[s].isspace():
                    s += 1
                while e > s and doc.text[e - 1].isspace():
                    e -= 1
                sp = doc.char_span(s, e, label=label, alignment_mode="expand") if e > s else None
                if sp is not None:
                    spans.append(sp)
            d = doc.copy()
            d.set_ents(sentence_pieces(spacy.util.filter_spans(spans)), default="outside")
            db.add(d)
            n_docs += 1
    db.to_disk(out)
    return n_docs


def holdout_split(work: Path, n: int) -> tuple[Path, Path]:
    """Split ``work``/train.spacy (texts in name order, one document per annotator file) into the last ``n`` texts
    (first annotator file each: the checkpoint-choice set) and the other texts (every file: training);
    returns (choice path, training path)."""
    docs = list(DocBin().from_disk(work / "train.spacy").get_docs(spacy.blank("en").vocab))
    order = list(dict.fromkeys(d.text for d in docs))
    held = set(order[-n:])
    first: dict[str, object] = {}
    for d in docs:
        if d.text in held:
            first.setdefault(d.text, d)
    paths = work / f"holdout{n}.spacy", work / f"train_minus{n}.spacy"
    DocBin(docs=list(first.values()), store_user_data=False).to_disk(paths[0])
    DocBin(docs=[d for d in docs if d.text not in held], store_user_data=False).to_disk(paths[1])
    print("holdout", len(first), "texts; training", sum(d.text not in held for d in docs), "documents", file=sys.stderr)
    return paths


def train(args, work: Path) -> None:
    """DocBins (once), the filled config and ``spacy train`` into ``work``/run."""
    for split, src, every in (("dev", args.dev, False), ("train", args.train, True)):
        if not (work / f"{split}.spacy").exists():
            print(split, build_docbin(src, work / f"{split}.spacy", every), "documents", file=sys.stderr)
    dev, train_bin = work / "dev.spacy", work / "train.spacy"
    if args.holdout:  # checkpoint choice on the last N train texts, never on dev; training on the others
        dev, train_bin = holdout_split(work, args.holdout)
    elif args.dev_every > 1:  # checkpoint choice on every n-th dev text (faster evaluations)
        docs = list(DocBin().from_disk(dev).get_docs(spacy.blank("en").vocab))[::args.dev_every]
        dev = work / f"dev_every{args.dev_every}.spacy"
        DocBin(docs=docs, store_user_data=False).to_disk(dev)
    (work / "config.cfg").write_text(CONFIG.format(width=args.width, depth=args.depth, max_steps=args.max_steps,
                                                   patience=args.patience, eval_frequency=args.eval_frequency,
                                                   after_init=INIT_FROM_SM if args.init_from_sm else ""))
    subprocess.run([sys.executable, "-m", "spacy", "init", "fill-config", str(work / "config.cfg"),
                    str(work / "config.cfg"), "--code", __file__], check=True)  # spaCy's defaults for the rest
    subprocess.run([sys.executable, "-m", "spacy", "train", str(work / "config.cfg"), "--output", str(work / "run"),
                    "--paths.train", str(train_bin), "--paths.dev", str(dev),
                    "--code", __file__], check=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train")
    ap.add_argument("dev")
    ap.add_argument("--work", default="/tmp/attr")
    ap.add_argument("--out", default="src/storyscope/models/quotes/attribution")
    ap.add_argument("--max-steps", type=int, default=20000)
    ap.add_argument("--patience", type=int, default=4000)
    ap.add_argument("--eval-frequency", type=int, default=200)
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--init-from-sm", action="store_true", help="start the tok2vec from the product model's ner")
    ap.add_argument("--dev-every", type=int, default=1, help="checkpoint choice on every n-th dev text")
    ap.add_argument("--holdout", type=int, default=0,
                    help="choose checkpoints on the last N train texts (trained on the rest), not on dev")
    ap.add_argument("--install", action="store_true", help="only copy --work/run/model-best to --out")
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if not args.install:
        train(args, work)
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    nlp = spacy.load(work / "run" / "model-best")
    nlp.config["paths"]["train"] = nlp.config["paths"]["dev"] = None
    nlp.to_disk(out, exclude=["vocab"])  # the strings are corpus words; the weights read hashes only
    print("wrote", out, file=sys.stderr)


if __name__ == "__main__":
    main()
