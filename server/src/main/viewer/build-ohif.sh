#!/usr/bin/env bash
# Builds the OHIF viewer that `vesalius serve --viewer` serves at /viewer (make viewer).
#
#   build-ohif.sh OUTPUT_DIR        (OHIF_VERSION=3.13.2 by default)
#
# Takes the published build of the npm package @ohif/app (its dist/ folder) with `npm pack`: the
# tarball alone, none of the app's hundreds of build dependencies. That build expects to be served
# at /, so its absolute URLs (index.html, webpack's public path) are rebased to /viewer/. Its
# app-config.js is dropped: the server generates one pointing at its own /dicomweb.
#
# Exit status: 0 built, 3 the package could not be downloaded (no npm, no registry), 1 anything else.
set -euo pipefail

OHIF_VERSION="${OHIF_VERSION:-3.13.2}"
MOUNT=/viewer/
out="${1:?usage: build-ohif.sh OUTPUT_DIR}"

command -v npm >/dev/null || { echo "build-ohif: npm is not installed" >&2; exit 3; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! (cd "$work" && npm pack --silent "@ohif/app@$OHIF_VERSION" >/dev/null); then
  echo "build-ohif: cannot download @ohif/app@$OHIF_VERSION from the npm registry" >&2
  exit 3
fi
tar -xzf "$work"/ohif-app-*.tgz -C "$work"
dist="$work/package/dist"
[ -f "$dist/index.html" ] || { echo "build-ohif: @ohif/app@$OHIF_VERSION has no dist/index.html" >&2; exit 1; }

# index.html: every absolute reference and PUBLIC_URL.
sed -i -e "s#\\(href\\|src\\)=\"/#\\1=\"$MOUNT#g" \
       -e "s#window.PUBLIC_URL=\"/\"#window.PUBLIC_URL=\"$MOUNT\"#g" "$dist/index.html"
# The bundles load their chunks, workers and wasm from webpack's public path, fixed at "/" by the build.
grep -l '__webpack_require__.p = "/";' "$dist"/*.js | xargs -r sed -i "s#__webpack_require__.p = \"/\";#__webpack_require__.p = \"$MOUNT\";#"
if ! grep -q "__webpack_require__.p = \"$MOUNT\"" "$dist"/app.bundle.*.js \
   || grep -o '\(src\|href\)="/[^"]*"' "$dist/index.html" | grep -qv "=\"$MOUNT"; then
  echo "build-ohif: the layout of @ohif/app@$OHIF_VERSION changed; cannot rebase it to $MOUNT" >&2
  exit 1
fi
rm -f "$dist/app-config.js"
echo "$OHIF_VERSION" > "$dist/OHIF_VERSION"

# Replace the output folder only once the new build is complete.
rm -rf "$out.new"
mkdir -p "$(dirname "$out")"
cp -r "$dist" "$out.new"
rm -rf "$out"
mv "$out.new" "$out"
echo "build-ohif: OHIF $OHIF_VERSION ready in $out (serve it with: ./vesalius serve --viewer)"
