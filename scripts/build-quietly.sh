#!/bin/sh
# The workspace build that runs before `npm run demo`, `client`, `receiver`, `compare`, `bench` and
# the tests: silent when it works (turbo's log is replayed only when a build fails).
log=$(turbo run build 2>&1) || { printf '%s\n' "$log" >&2; exit 1; }
