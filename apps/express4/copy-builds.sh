#!/bin/sh
# This package's build, after the apps' (turbo builds what it depends on first): each app's
# CommonJS build, unchanged, in dist/<app>/, where require('express') resolves this package's
# Express 4 before the Express 5 that the apps themselves depend on.
set -e
rm -rf dist
for app in $(cd .. && ls -d */src | cut -d/ -f1); do
  mkdir -p "dist/$app"
  cp -R "../$app/dist/cjs/." "dist/$app/"
done
