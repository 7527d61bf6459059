#!/bin/sh
# Each app's build, run in the app's folder by its package.json:
#   app-build.sh build       `npm run build`: src/ to dist/cjs (CommonJS) and dist/esm (ES modules)
#   app-build.sh check cjs|esm|express4
#                            before each start script: one line saying what to run when the build
#                            (express4: the CommonJS one, copied to apps/express4/dist/<app>), or a
#                            package it needs, is missing, rather than Node's stack trace
# Hints name the command to run from the repository root, where npm workspaces and turbo live.
app="apps/$(basename "$PWD")"
root=$(cd ../.. && pwd)

# The @repo/ packages this app imports, each of which must be built before the app is.
missing_packages() {
  for dep in $(sed -n 's/^ *"\(@repo\/[^"]*\)".*/\1/p' package.json); do
    [ -n "$(ls -A "$root/node_modules/$dep/dist" 2>/dev/null)" ] || echo "$dep"
  done
}

refuse() {
  echo "$app: $1; from the repository root ($root) run: $2" >&2
  exit 1
}

[ -d "$root/node_modules/express" ] || refuse "nothing is installed" "npm ci"
case "$1" in
  build)
    missing=$(missing_packages)
    [ -z "$missing" ] || refuse "$(echo $missing) not built" "npm run build"
    rm -rf dist
    tsc -p tsconfig.json || exit 1
    tsc -p tsconfig.json --module esnext --moduleResolution bundler --outDir dist/esm || { rm -rf dist; exit 1; }
    # Node takes a folder's module format from the nearest package.json: this one says ES modules.
    echo '{ "type": "module" }' > dist/esm/package.json
    ;;
  check)
    case "$2" in
      esm) format="ES module"; main="dist/esm/main.js" ;;
      express4) format="Express 4"; main="../express4/dist/$(basename "$PWD")/main.js" ;;
      *) format="CommonJS"; main="dist/cjs/main.js" ;;
    esac
    [ -f "$main" ] || refuse "no $format build ($main is missing)" "npm run build"
    missing=$(missing_packages)
    [ -z "$missing" ] || refuse "$(echo $missing) not built" "npm run build"
    ;;
  *)
    echo "usage: app-build.sh build | check cjs|esm|express4" >&2
    exit 2
    ;;
esac
