#!/bin/sh
# The workspace build that runs before `npm run demo`, `client`, `receiver`, `compare`, `bench` and
# the tests: one line saying so, then silent when it works (turbo's log is replayed only when a build
# fails). `build-quietly.sh --log` is `npm run build`: turbo's log as it goes. Either way, on a
# fresh clone it says in one line to run `npm ci`, rather than the shell's "turbo: not found".
# `--installed` only says that, for a command that needs no workspace build (`npm run jaeger`).
command=${npm_lifecycle_event:-build}
if ! command -v turbo >/dev/null 2>&1; then
  echo "$command: nothing is installed here (no node_modules/.bin/turbo): run npm ci first" >&2
  exit 1
fi
[ "$1" = --installed ] && exit 0
[ "$1" = --log ] && exec turbo run build
echo "$command: building the workspace first (turbo run build; its log only if it fails)"
log=$(turbo run build 2>&1) || { printf '%s\n' "$log" >&2; exit 1; }
