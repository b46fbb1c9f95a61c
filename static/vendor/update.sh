#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry and records versions and sha256.
# Run by hand when upgrading; the app never loads anything from a CDN.
set -euo pipefail
cd "$(dirname "$0")"
BOOTSTRAP=5.3.9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" >/dev/null && tar xzf "bootstrap-$BOOTSTRAP.tgz")
mkdir -p bootstrap
cp "$tmp/package/dist/css/bootstrap.min.css" "$tmp/package/dist/js/bootstrap.bundle.min.js" bootstrap/
cp "$tmp/package/LICENSE" bootstrap/LICENSE
# The source maps are not shipped; a dangling sourceMappingURL breaks the manifest static storage.
sed -i '/sourceMappingURL/d' bootstrap/bootstrap.min.css bootstrap/bootstrap.bundle.min.js
{
  echo "# Vendored front-end files (static/vendor/update.sh)"
  echo "bootstrap $BOOTSTRAP (npm)"
  (cd bootstrap && sha256sum bootstrap.min.css bootstrap.bundle.min.js)
} > VERSIONS.txt
cat VERSIONS.txt
