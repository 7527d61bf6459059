#!/bin/sh
# The workspace build that runs before `npm run demo`, `client`, `receiver`, `compare`, `bench` and
# the tests: one line saying so, then silent when it works (turbo's log is replayed only when a build
# fails). `build-quietly.sh --log` is `npm run build`: turbo's log as it goes. Either way, on a
# fresh clone it says in one line to run `npm ci`, rather than the shell's "turbo: not found".
#   build-quietly.sh [--log]            the build alone
#   build-quietly.sh <command> [args]   the build, then the command in this process's place. npm
#                                       adds what follows `--` on its command line to the end of
#                                       the script's, so only here are the command's arguments
#                                       seen: its --help (or -h) is answered without the build
#                                       once the packages the commands import have been built.
#   build-quietly.sh --installed <command> [args]
#                                       no build: the command needs none (npm run jaeger)
command=${npm_lifecycle_event:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v turbo >/dev/null 2>&1; then
  echo "$command: nothing is installed here (no node_modules/.bin/turbo): run npm ci first" >&2
  exit 1
fi
[ "$1" = --log ] && exec turbo run build
if [ "$1" = --installed ]; then shift; exec "$@"; fi

# Whether the arguments ask for help before any `--` (after it, they are another program's).
asks_for_help() {
  for arg; do
    case $arg in --) return 1 ;; --help | -h) return 0 ;; esac
  done
  return 1
}
# Whether every package the commands import has its build (shared/*/*/dist).
packages_built() {
  for dir in "$root"/shared/*/*/; do
    [ -n "$(ls -A "${dir}dist" 2>/dev/null)" ] || return 1
  done
}
[ $# -gt 0 ] && asks_for_help "$@" && packages_built && exec "$@"

echo "$command: building the workspace first (turbo run build; its log only if it fails)"
log=$(turbo run build 2>&1) || { printf '%s\n' "$log" >&2; exit 1; }
[ $# -gt 0 ] && exec "$@"
exit 0
