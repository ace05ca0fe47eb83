#!/usr/bin/env bash
# Builds dist/ from src/: the action's bundle (with its lazily loaded chunks) and the operator
# command's, each with the licences of what it bundles. dist/ is committed; CI rebuilds it and
# fails when the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
# A chunk that is no longer emitted must not linger in dist/.
rm -rf dist build
mkdir -p build
ncc build src/index.ts -o dist --minify --stats-out build/index-stats.json
node scripts/bundle-licenses.mjs build/index-stats.json dist/licenses.txt
node scripts/minify-chunks.mjs dist
ncc build src/cli/bin.ts -o build/report --minify --stats-out build/report-stats.json
cp build/report/index.js dist/report.js
chmod +x dist/report.js
node scripts/bundle-licenses.mjs build/report-stats.json dist/report-licenses.txt
node scripts/fresh-dist.mjs --write
