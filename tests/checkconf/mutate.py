#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mutation differential: random edits of corpus files, run through nsd-checkconf and
knot-nsd checkconf; any difference in stdout, stderr or exit status is a failure.

The corpus covers the cases we thought of; mutations find the ones we did not
(token swaps, deleted or duplicated lines, odd bytes, keywords out of place).
Deterministic for a given --seed, so a failure can be replayed and minimised.

usage: mutate.py --ours build/module/cli/knot-nsd [--count N] [--seed S]
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

from run import nsd_release  # one reading of the release, as run.py compares

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

WORDS = [
    "zone:", "pattern:", "key:", "server:", "name:", "zonefile:", "include-pattern:",
    "provide-xfr:", "allow-notify:", "request-xfr:", "notify:", "outgoing-interface:",
    "AXFR", "UDP", "NOKEY", "BLOCKED", "yes", "no", "0", "1", "-1", "65536", '""', '"',
    "#", "\\", "\r", "\n", "10.0.0.1", "::1", "1.2.3.0/24", "1.2.3.4-1.2.3.9",
    "10.0.0.1&255.0.255.0", "1.2.3.4@53", "k", "example.com.", "%s.zone", "secret:",
    "algorithm:", "hmac-sha256", "size-limit-xfr:", "min-expire-time:", "refresh+retry+1",
    "verifier:", "ip-address:", "servers=", "setfib=", "cpu-affinity:", "nsid:",
    "ascii_x", "rrl-whitelist:", "all", "chroot:", "/tmp", "port:",
    # keywords whose meaning moved between 4.6.1 and 4.12.0
    "database:", "catalog:", "producer", "consumer", "catalog-producer-zone:",
    "multi-primary-check:", "cookie-secret:", "cookie-staging-secret:",
    "cookie-secret-file:", "0123456789abcdef0123456789abcdef", "proxy-protocol-port:",
    "metrics-port:", "zonefiles-write:",
]


def mutate(rng, text):
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            words = lines[i].split(" ")
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            lines[i] = " ".join(words)
        elif op == 3:
            lines.insert(i, "\t" + rng.choice(WORDS) + " " + rng.choice(WORDS))
        elif op == 4 and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + rng.choice(WORDS) + lines[i][j:]
        else:
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def run(cmd, cwd, env=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=20,
                           env=dict(os.environ, LC_ALL="C", **(env or {})))
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--nsd", default="/usr/sbin/nsd-checkconf")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="write failing inputs to this folder")
    args = ap.parse_args()
    ours = os.path.abspath(args.ours)
    # ours answers as the release it is compared with
    ours_env = {"KNOT_NSD_NSD_VERSION": nsd_release(args.nsd) or ""}
    rng = random.Random(args.seed)
    seeds = sorted(f for f in os.listdir(CORPUS) if f.endswith(".conf"))
    passed = failed = 0
    # Mutants are written into the corpus folder's parent-free temp copy so that
    # relative includes (inc/...) still resolve.
    with tempfile.TemporaryDirectory(dir=CORPUS, prefix=".mutate-") as tmp:
        name = os.path.join(os.path.basename(tmp), "m.conf")
        for n in range(args.count):
            src = rng.choice(seeds)
            with open(os.path.join(CORPUS, src), "rb") as f:
                text = f.read().decode("latin-1")
            with open(os.path.join(CORPUS, name), "wb") as f:
                f.write(mutate(rng, text).encode("latin-1"))
            flags = rng.choice([[], ["-v"], ["-vv"], ["-o", "zones"], ["-o", "patterns"]])
            a = run([args.nsd] + flags + [name], CORPUS)
            b = run([ours, "checkconf"] + flags + [name], CORPUS, ours_env)
            # nsd-checkconf prints the configuration file name in messages; both
            # were given the same relative name, so outputs compare as they are.
            if a == b:
                passed += 1
                continue
            failed += 1
            print(f"DIFF #{n} from {src} flags {' '.join(flags)}: exit {a[0]} vs {b[0]}")
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                with open(os.path.join(CORPUS, name), "rb") as f:
                    data = f.read()
                with open(os.path.join(args.keep, f"mut-{args.seed}-{n}.conf"), "wb") as f:
                    f.write(data)
            for label, x, y in (("stdout", a[1], b[1]), ("stderr", a[2], b[2])):
                if x != y:
                    print(f"  {label} nsd : {x[-300:]!r}")
                    print(f"  {label} ours: {y[-300:]!r}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
