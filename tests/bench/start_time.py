#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start time of a DNS server: from exec until every zone answers SOA (authoritatively).

usage: start_time.py --port P --zones FILE --timeout S -- argv...
Prints the seconds on stdout; exits 1 on timeout or if the server dies. The server is
stopped (SIGTERM, then SIGKILL of its process group) before returning.
"""

import argparse
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time


def soa_query(qid, name):
    wire = b''.join(bytes([len(l)]) + l.encode() for l in name.rstrip('.').split('.')) + b'\0'
    return struct.pack('!HHHHHH', qid, 0, 1, 0, 0, 0) + wire + struct.pack('!HH', 6, 1)


def sweep(socks, port, names, pending, answered_at, t0):
    """Asks every pending zone once; records when each first answered with AA+NOERROR.
    Zone i goes out on socket i // 65536 with id i % 65536."""
    for i in list(pending)[:4096]:   # bounded bursts: the socket buffers hold them
        socks[i >> 16].sendto(soa_query(i & 0xffff, names[i]), ('127.0.0.1', port))
    while pending:
        # done with this burst once 20 ms pass without an answer
        r, _, _ = select.select(socks, [], [], 0.02)
        if not r:
            break
        for sock in r:
            data = sock.recv(4096)
            if len(data) < 12:
                continue
            qid, flags = struct.unpack('!HH', data[:4])
            i = (socks.index(sock) << 16) | qid
            if flags & 0x0400 and flags & 0x000f == 0 and i in pending:
                pending.discard(i)
                answered_at[i] = time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--zones', required=True, help='file with one zone name per line')
    ap.add_argument('--timeout', type=float, default=120)
    ap.add_argument('argv', nargs='+')
    a = ap.parse_args()
    names = [l.strip() for l in open(a.zones) if l.strip()]
    socks = []
    for _ in range(len(names) // 65536 + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        socks.append(sock)
    pending = set(range(len(names)))
    answered_at = {}
    t0 = time.monotonic()
    proc = subprocess.Popen(a.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    rc = 0
    try:
        while pending:
            if time.monotonic() - t0 > a.timeout:
                print(f'timeout: {len(pending)} of {len(names)} zones never answered',
                      file=sys.stderr)
                rc = 1
                break
            if proc.poll() is not None:
                print(f'{a.argv[0]} exited with {proc.returncode}', file=sys.stderr)
                rc = 1
                break
            sweep(socks, a.port, names, pending, answered_at, t0)
        if rc == 0:
            print(f'{max(answered_at.values()):.3f}')
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return rc


if __name__ == '__main__':
    sys.exit(main())
