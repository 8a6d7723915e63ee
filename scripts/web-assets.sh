#!/usr/bin/env bash
# Install the web dashboard's browser assets from npm (package-lock.json pins them) and copy
# the files the pages load into src/secnet/web/static/vendor/. The copies are not committed;
# the pages serve them locally (there is no CDN to fall back on). vis-timeline is its "peer" build
# (with moment and vis-data beside it): the standalone build injects its CSS as <style> elements,
# which the pages' Content-Security-Policy (style-src 'self') refuses; the CSS file is linked instead.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
dest=src/secnet/web/static/vendor
rm -rf "$dest"
mkdir -p "$dest"
nm=node_modules
cp "$nm/htmx.org/dist/htmx.min.js" \
   "$nm/cytoscape/dist/cytoscape.min.js" \
   "$nm/layout-base/layout-base.js" \
   "$nm/cose-base/cose-base.js" \
   "$nm/cytoscape-fcose/cytoscape-fcose.js" \
   "$nm/moment/min/moment.min.js" \
   "$nm/vis-data/peer/umd/vis-data.min.js" \
   "$nm/vis-timeline/peer/umd/vis-timeline-graph2d.min.js" \
   "$nm/vis-timeline/styles/vis-timeline-graph2d.min.css" \
   "$nm/d3/dist/d3.min.js" \
   "$nm/topojson-client/dist/topojson-client.min.js" \
   "$nm/world-atlas/countries-50m.json" \
   "$dest/"
# Licences travel with the code they cover.
for pkg in htmx.org cytoscape layout-base cose-base cytoscape-fcose moment vis-data vis-timeline d3 topojson-client world-atlas; do
  for f in "$nm/$pkg"/LICENSE*; do
    [ -e "$f" ] && cp "$f" "$dest/LICENSE.$pkg$(basename "$f" | sed 's/^LICENSE//')"
  done
done
echo "web-assets: $(ls "$dest" | wc -l) files in $dest"
