#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian packages (knot-module-nsd, knot-nsd) for the Debian release this runs
# on, from the files git tracks in this tree as they are now, and runs lintian on them.
# usage: bash scripts/build-packages.sh [OUTDIR]     (default: ./packages)
# Needs dpkg-dev, debhelper and lintian beside the build packages (scripts/setup-debian.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-packages}" && cd "${1:-packages}" && pwd)

# dpkg-buildpackage writes beside the source folder: build in a copy of the files git
# tracks or would track (not build folders, not fetched sources: .gitignore)
work=$(mktemp -d /tmp/knot-nsd-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/knot-nsd
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	xargs -0 cp --parents -t "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
	tail -n 40 "$work/build.log" >&2
	echo "build-packages: dpkg-buildpackage failed" >&2
	exit 1
}
# lintian: errors fail the build of the packages; warnings and notes are printed
if command -v lintian >/dev/null; then
	lintian --fail-on error "$work"/*.changes || {
		echo "build-packages: lintian found errors" >&2
		exit 1
	}
fi
rm -f "$out"/*.deb
mv "$work"/*.deb "$out/"
for d in "$out"/*.deb; do
	printf '%s\t%s bytes\t%s\n' "$(basename "$d")" "$(stat -c %s "$d")" \
		"$(dpkg-deb -f "$d" Depends)"
done
