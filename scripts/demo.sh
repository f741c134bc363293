#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job: set up, build, and run the primary/secondary demo from config-examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
meson setup build --reconfigure >/dev/null 2>&1 || meson setup build
meson compile -C build
if [ -x config-examples/demo.sh ]; then
	exec bash config-examples/demo.sh "$PWD/build"
fi
# Until the module demo exists: check the example configurations like nsd-checkconf.
for f in config-examples/*/nsd.conf; do
	echo "== knot-nsd checkconf $f"
	build/module/cli/knot-nsd checkconf "$f" && echo ok
done
