#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages knot-nsd builds, packages and tests with
# (scripts/debian-packages.txt), without letting the knot and nsd package services start
# (they would take port 53).
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' scripts/debian-packages.txt)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages ${missing[*]}; run as root to install them" >&2
	exit 1
fi

# invoke-rc.d asks policy-rc.d before starting a service; 101 means "not now".
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	added_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${missing[@]}"
if [ "$added_policy" = 1 ]; then
	rm -f "$policy"
fi
# On a systemd host the units are still enabled: keep them off so port 53 stays free.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl disable --now knot.service nsd.service >/dev/null 2>&1 || true
fi
