#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the test suites again on the other Debian release (12 bookworm <-> 13 trixie), in a
# debootstrap environment made from Debian's archive. The environment is kept between runs
# in $KNOT_NSD_ENVS (default /var/cache/knot-nsd/envs) and made again, whole, when the
# package list (scripts/debian-packages.txt) changes. The tree is copied in as git sees it
# (tracked and untracked files, nothing ignored) and scripts/test.sh runs there on its own
# release only. Needs root (debootstrap, chroot, mount).
# usage: bash scripts/other-release.sh            the environment, then scripts/test.sh in it
#        bash scripts/other-release.sh --prepare  only make (or refresh) the environment
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

. /etc/os-release
case ${VERSION_CODENAME:-} in
bookworm) other=trixie ;;
trixie) other=bookworm ;;
*) echo "other-release: this is not Debian 12 or 13 (${VERSION_CODENAME:-unknown})" >&2; exit 2 ;;
esac
envs=${KNOT_NSD_ENVS:-/var/cache/knot-nsd/envs}
root=$envs/$other
stamp=$(sha256sum <scripts/debian-packages.txt | cut -c1-16)
mapfile -t packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' scripts/debian-packages.txt)

# What this script mounts in an environment; unmounted before anything is removed, and
# rm stays on the environment's own file system whatever is left mounted.
unmount_in() { # environment
	umount "$1/dev/shm" 2>/dev/null || true
	umount "$1/proc" 2>/dev/null || true
}
remove_env() { # environment
	unmount_in "$1"
	rm -rf --one-file-system "$1"
}

if [ "$(cat "$root/.knot-nsd-env" 2>/dev/null)" != "$other $stamp" ]; then
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
	echo "other-release: making a $other environment in $root (Debian's archive, a few minutes)"
	remove_env "$root.new"
	trap 'unmount_in "$root.new"' EXIT
	mkdir -p "$envs"
	t0=$(date +%s)
	# Made aside and renamed when whole: an interrupted run leaves no half environment.
	# debootstrap lays the base; apt inside installs the list (debootstrap's own resolver
	# does not follow virtual packages, such as lintian's perl-openssl-abi-3).
	log=$envs/$other.debootstrap.log
	if ! debootstrap --variant=minbase "$other" "$root.new" >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		echo "other-release: debootstrap $other failed (log: $log)" >&2
		exit 1
	fi
	# invoke-rc.d asks policy-rc.d: no service of the environment ever starts (knot and
	# nsd would take port 53 of this machine: a chroot shares its network)
	printf '#!/bin/sh\nexit 101\n' >"$root.new/usr/sbin/policy-rc.d"
	chmod 755 "$root.new/usr/sbin/policy-rc.d"
	cp /etc/resolv.conf "$root.new/etc/resolv.conf" 2>/dev/null || true
	mount -t proc proc "$root.new/proc"
	if ! chroot "$root.new" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q "$@"' sh "${packages[@]}" >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		echo "other-release: installing the packages in $other failed (log: $log)" >&2
		exit 1
	fi
	unmount_in "$root.new"
	trap - EXIT
	echo "$other $stamp" >"$root.new/.knot-nsd-env"
	remove_env "$root"
	mv "$root.new" "$root"
	echo "other-release: $other made in $(($(date +%s) - t0)) s"
fi

[ "${1:-}" != --prepare ] || { echo "other-release: $other environment ready in $root"; exit 0; }

# /proc for the daemons, /dev/shm for python; the tree as git sees it
cleanup() {
	# whatever still runs inside (a test that died before stopping its daemons)
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	unmount_in "$root"
}
trap cleanup EXIT
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mkdir -p "$root/dev/shm"
mountpoint -q "$root/dev/shm" || mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

rm -rf "$root/src"
mkdir -p "$root/src/knot-nsd"
# tracked and untracked files, not those deleted from the work tree
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	xargs -0 cp --parents -t "$root/src/knot-nsd"
# a git index for the scripts that list the tree (scripts/build-packages.sh)
chroot "$root" sh -c 'cd /src/knot-nsd && git init -q && git add -A' 

echo "other-release: scripts/test.sh on $other ($(chroot "$root" sh -c \
	'dpkg-query -W -f "knot \${Version}, " knot; dpkg-query -W -f "nsd \${Version}" nsd'))"
chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 KNOT_NSD_OTHER_RELEASE=no \
	bash /src/knot-nsd/scripts/test.sh
