#!/usr/bin/env bash
# Vendor third-party browser assets into webchat/static/vendor/ (git-ignored).
#
# The web pages load nothing from a CDN (government intranets have no Internet access), so the
# YASGUI SPARQL editor is fetched once, at build/deploy time, through npm and copied next to our own
# static files. Idempotent: does nothing when the pinned version is already present.
#
# Usage: scripts/vendor_assets.sh [--force]
# Env:   YASGUI_PACKAGE (default @zazuko/yasgui), YASGUI_VERSION (default pinned below).
set -euo pipefail

YASGUI_PACKAGE="${YASGUI_PACKAGE:-@zazuko/yasgui}"
YASGUI_VERSION="${YASGUI_VERSION:-4.6.2}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/webchat/static/vendor/yasgui"
stamp="$dest/VERSION"
want="$YASGUI_PACKAGE@$YASGUI_VERSION"

die() { echo "vendor_assets: error: $*" >&2; exit 1; }

if [[ "${1:-}" != "--force" && -f "$stamp" && "$(cat "$stamp")" == "$want" \
      && -s "$dest/yasgui.min.js" && -s "$dest/yasgui.min.css" ]]; then
  echo "vendor_assets: $want already in $dest (use --force to refetch)"
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js/npm to vendor $want"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "vendor_assets: installing $want ..."
if ! npm install --no-audit --no-fund --no-save --ignore-scripts --loglevel=error \
      --prefix "$tmp" "$want" >"$tmp/npm.log" 2>&1; then
  cat "$tmp/npm.log" >&2
  die "npm install $want failed (registry reachable? try YASGUI_PACKAGE=@triply/yasgui)"
fi

build="$tmp/node_modules/$YASGUI_PACKAGE/build"
[[ -s "$build/yasgui.min.js" ]] || die "$build/yasgui.min.js missing from $want"
[[ -s "$build/yasgui.min.css" ]] || die "$build/yasgui.min.css missing from $want"

# Stage, then swap, so a failed copy never leaves a half-written vendor folder.
stage="$tmp/stage"
mkdir -p "$stage"
cp "$build/yasgui.min.js" "$build/yasgui.min.css" "$stage/"
# Source maps and any fonts/images the bundle references sit beside it in build/.
find "$build" -maxdepth 1 -type f \
  \( -name 'yasgui.min.*.map' -o -name '*.woff' -o -name '*.woff2' -o -name '*.ttf' \
     -o -name '*.eot' -o -name '*.svg' -o -name '*.png' \) -exec cp {} "$stage/" \;
license="$tmp/node_modules/$YASGUI_PACKAGE/LICENSE"
[[ -f "$license" ]] && cp "$license" "$stage/LICENSE"
echo "$want" >"$stage/VERSION"

mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$stage" "$dest"
echo "vendor_assets: $want -> $dest"
ls -l "$dest"
