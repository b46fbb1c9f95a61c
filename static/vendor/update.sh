#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry and records versions and sha256.
# Run by hand when upgrading; the app never loads anything from a CDN.
set -euo pipefail
cd "$(dirname "$0")"
BOOTSTRAP=5.3.9
# plotly.min.js itself is served from the installed plotly wheel (yingkou_targets/staticfinders.py), so only its
# locale is vendored. It must match the wheel's bundled plotly.js: plotly.offline.get_plotlyjs_version().
# plotly.js-locales stops at 3.x, so the locale comes from the full plotly.js package (about 22 MB to download).
PLOTLYJS=4.1.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" >/dev/null && tar xzf "bootstrap-$BOOTSTRAP.tgz")
mkdir -p bootstrap
cp "$tmp/package/dist/css/bootstrap.min.css" "$tmp/package/dist/js/bootstrap.bundle.min.js" bootstrap/
cp "$tmp/package/LICENSE" bootstrap/LICENSE
# The source maps are not shipped; a dangling sourceMappingURL breaks the manifest static storage.
sed -i '/sourceMappingURL/d' bootstrap/bootstrap.min.css bootstrap/bootstrap.bundle.min.js
rm -rf "$tmp/package"
(cd "$tmp" && npm pack --silent "plotly.js@$PLOTLYJS" >/dev/null \
  && tar xzf "plotly.js-$PLOTLYJS.tgz" package/LICENSE package/dist/plotly-locale-zh-cn.js)
mkdir -p plotly
cp "$tmp/package/dist/plotly-locale-zh-cn.js" plotly/plotly-locale-zh-cn.js
cp "$tmp/package/LICENSE" plotly/LICENSE
sed -i '/sourceMappingURL/d' plotly/plotly-locale-zh-cn.js
{
  echo "# Vendored front-end files (static/vendor/update.sh)"
  echo "bootstrap $BOOTSTRAP (npm)"
  (cd bootstrap && sha256sum bootstrap.min.css bootstrap.bundle.min.js)
  echo "plotly.js $PLOTLYJS locale (npm plotly.js, dist/plotly-locale-zh-cn.js)"
  (cd plotly && sha256sum plotly-locale-zh-cn.js)
} > VERSIONS.txt
cat VERSIONS.txt
