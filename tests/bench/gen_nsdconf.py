#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a large nsd.conf: keys, two patterns with ACLs, N zones (benchmarks)."""
import base64
import sys

def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    with open(out, "w") as f:
        f.write("server:\n\tzonesdir: \"/var/lib/nsd/zones\"\n\tverbosity: 1\n\n")
        for k in range(4):
            f.write(f"key:\n\tname: \"xfr-key-{k}.example.\"\n\talgorithm: hmac-sha256\n"
                    f"\tsecret: \"{base64.b64encode(bytes([k]) * 32).decode()}\"\n\n")
        f.write("pattern:\n\tname: \"primary\"\n\tzonefile: \"primary/%s.zone\"\n"
                "\tnotify: 192.0.2.1 xfr-key-0.example.\n\tnotify: 2001:db8::1@5353 NOKEY\n"
                "\tprovide-xfr: 192.0.2.0/24 xfr-key-0.example.\n"
                "\tprovide-xfr: 198.51.100.7 BLOCKED\n\tprovide-xfr: 2001:db8::/32 NOKEY\n\n")
        f.write("pattern:\n\tname: \"secondary\"\n\tzonefile: \"secondary/%1/%s.zone\"\n"
                "\tallow-notify: 192.0.2.53 xfr-key-1.example.\n"
                "\trequest-xfr: 192.0.2.53 xfr-key-1.example.\n"
                "\trequest-xfr: AXFR 192.0.2.54@5353 xfr-key-2.example.\n"
                "\tallow-query: 10.0.0.0/8 NOKEY\n\n")
        for i in range(n):
            pat = "primary" if i % 2 == 0 else "secondary"
            f.write(f"zone:\n\tname: \"zone{i}.example.net\"\n\tinclude-pattern: \"{pat}\"\n")
            if i % 10 == 0:
                f.write("\tprovide-xfr: 203.0.113.0/28 NOKEY\n")

if __name__ == "__main__":
    main()
