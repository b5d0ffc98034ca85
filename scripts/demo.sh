#!/usr/bin/env bash
# Set up, then run the main job on the project's own example corpus: out/example-dossier.{html,md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
mkdir -p out
rm -f out/example.db
storyscope analyze examples/corpus --db out/example.db --format html --output out/example-dossier.html
storyscope dossier --db out/example.db --format md --output out/example-dossier.md
storyscope dossier --db out/example.db --format json --output out/example-dossier.json
storyscope stories --db out/example.db
echo "Open out/example-dossier.html in a browser (Markdown and JSON beside it)."
