#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""NOTIFY at scale, NSD beside knotd+mod-nsd on the same kind of nsd.conf: --zones zones,
each notifying one UDP responder here (NOKEY).

- start: daemon started to every zone's NOTIFY (serial 1) received;
- idle: the daemon's CPU time over --idle seconds while nothing changes (ms per s);
- burst: every zone file gets serial 2, one reload of all zones (nsd-control reload /
  knotc zone-reload), to every zone's NOTIFY of serial 2 received.
Each phase also counts NOTIFYs per zone and serial: exactly one is NSD's rule (an unanswered
one is resent; the responder answers every one). Prints knotd+mod-nsd / NSD ratios.

usage: notify_scale.py --module build/module/mod/nsd.so [--zones N] [--idle S] [--smoke]
"""
import argparse
import os
import socket
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
import harness as h  # noqa: E402

import dns.message  # noqa: E402
import dns.opcode  # noqa: E402


class Responder:
    """Answers NOTIFYs NOERROR and counts them per (zone, serial)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.seen = {}
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data, src = self.sock.recvfrom(65535)
                m = dns.message.from_wire(data)
            except socket.timeout:
                continue
            except Exception:
                continue
            if m.opcode() != dns.opcode.NOTIFY or not m.question:
                continue
            key = (m.question[0].name.to_text(), m.answer[0][0].serial if m.answer else None)
            with self.lock:
                self.seen[key] = self.seen.get(key, 0) + 1
            try:
                self.sock.sendto(dns.message.make_response(m).to_wire(), src)
            except OSError:
                pass

    def zones_with(self, serial):
        with self.lock:
            return sum(1 for (z, s) in self.seen if s == serial)

    def extra(self, serial):
        """NOTIFYs of serial beyond one per zone."""
        with self.lock:
            return sum(n - 1 for (z, s), n in self.seen.items() if s == serial)

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def zone_name(i):
    return f'z{i}.scale.example'


def write_zones(zdir, n, serial):
    for i in range(n):
        h.write_zone(os.path.join(zdir, f'{zone_name(i)}.zone'), zone_name(i), serial)


def cpu_ms(pids):
    total = 0
    for pid in pids:
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime
        except (OSError, IndexError):
            pass
    return total * 1000 / os.sysconf('SC_CLK_TCK')


def family(pid):
    """pid and its children (NSD forks its xfrd and servers)."""
    pids = [pid]
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                with open(f'/proc/{p}/stat') as f:
                    if int(f.read().rsplit(')', 1)[1].split()[1]) == pid:
                        pids.append(int(p))
            except (OSError, ValueError):
                pass
    return pids


class Server:
    def __init__(self, top, kind, n, module):
        self.kind, self.n = kind, n
        self.resp = Responder()
        self.port = h.free_port()
        clause = (f'\npattern:\n\tname: "fan"\n\tzonefile: "%s.zone"\n'
                  f'\tnotify: 127.0.0.1@{self.resp.port} NOKEY\n' +
                  ''.join(f'\nzone:\n\tname: "{zone_name(i)}"\n\tinclude-pattern: "fan"\n'
                          for i in range(n)))
        d = os.path.join(top, kind)
        if kind == 'nsd':
            self.daemon = h.Nsd(d, self.port, clause)
            self.zdir = self.daemon.zonesdir
        else:
            nsd_dir = os.path.join(d, 'nsdconf')
            os.makedirs(nsd_dir)
            conf = os.path.join(nsd_dir, 'nsd.conf')
            h.write_nsd_conf(conf, nsd_dir, self.port, clause)
            self.daemon = h.Knotd(os.path.join(d, 'knotd'), self.port, module, conf)
            self.zdir = os.path.join(nsd_dir, 'zones')
        write_zones(self.zdir, n, 1)

    def wait_all(self, serial, timeout):
        t0 = time.monotonic()
        ok = h.wait_for(lambda: self.resp.zones_with(serial) >= self.n, timeout, 0.01)
        return (time.monotonic() - t0) if ok else None

    def start(self, timeout):
        t0 = time.monotonic()
        if self.kind == 'nsd':
            self.daemon._start([h.NSD, '-d', '-c', self.daemon.conf])
        else:
            self.daemon._start([h.KNOTD, '-c', self.daemon.conf])
        ok = h.wait_for(lambda: self.resp.zones_with(1) >= self.n, timeout, 0.01)
        return (time.monotonic() - t0) if ok else None

    def idle(self, seconds):
        pids = family(self.daemon.proc.pid)
        c0 = cpu_ms(pids)
        time.sleep(seconds)
        return (cpu_ms(pids) - c0) / seconds

    def burst(self, timeout):
        write_zones(self.zdir, self.n, 2)
        t0 = time.monotonic()
        if self.kind == 'nsd':
            res = self.daemon.control('reload')
        else:
            res = self.daemon.knotc('zone-reload')
        if res.returncode != 0:
            raise RuntimeError(f'{self.kind}: reload failed: {res.stdout}{res.stderr}')
        ok = h.wait_for(lambda: self.resp.zones_with(2) >= self.n, timeout, 0.01)
        return (time.monotonic() - t0) if ok else None


def fmt(t):
    return f'{t:8.2f} s' if t is not None else '  missed'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', required=True)
    ap.add_argument('--zones', type=int, default=10000)
    ap.add_argument('--idle', type=float, default=10)
    ap.add_argument('--smoke', action='store_true')
    a = ap.parse_args()
    if a.smoke:
        a.zones, a.idle = 200, 2
    module = os.path.abspath(a.module)
    timeout = 60 + a.zones / 100
    rows = {}
    with tempfile.TemporaryDirectory(prefix='knot-nsd-nscale-') as top:
        servers = [Server(top, 'nsd', a.zones, module), Server(top, 'knotd', a.zones, module)]
        try:
            for s in servers:   # one at a time: they share the machine's two cores
                start = s.start(timeout)
                time.sleep(4)   # resends, duplicates
                idle = s.idle(a.idle)
                burst = s.burst(timeout)
                time.sleep(4)
                rows[s.kind] = (start, s.resp.extra(1), idle, burst, s.resp.extra(2))
                s.daemon.stop()
        finally:
            h.stop_all()
            for s in servers:
                s.resp.close()
    print(f'NOTIFY of {a.zones} zones, one target each (NSD, then knotd+mod-nsd):')
    print('             start to all NOTIFYs  extra   idle CPU   burst to all NOTIFYs  extra')
    for kind, (start, x1, idle, burst, x2) in rows.items():
        print(f'  {kind:8s}  {fmt(start)}            {x1:5d}  {idle:6.1f} ms/s  {fmt(burst)}'
              f'            {x2:5d}')
    n, k = rows['nsd'], rows['knotd']
    if None not in (n[0], k[0], n[3], k[3]):
        print(f'  ratio knotd+mod-nsd / NSD: start {k[0] / n[0]:.2f}, burst {k[3] / n[3]:.2f}')
    ok = all(r[0] is not None and r[3] is not None and r[1] == 0 and r[4] == 0
             for r in rows.values())
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
