#!/bin/sh
# `check-build.sh cjs|esm`, run by each app's start scripts in the app's folder: a missing build
# gets one line saying what to run, rather than Node's stack trace for a missing file.
[ -f "dist/$1/main.js" ] && exit 0
format=$([ "$1" = esm ] && echo "ES module" || echo "CommonJS")
echo "apps/$(basename "$PWD"): no $format build (dist/$1/main.js is missing); run \`npm run build\` first, which builds both formats" >&2
exit 1
