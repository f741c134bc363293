#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""NOTIFY-to-new-serial time of three primary/secondary pairs in one run, rounds
interleaved: NSD->NSD (the baseline), NSD->knotd+mod-nsd, knotd+mod-nsd->NSD; and the
module's load on a large nsd.conf (knotd start to the include written, its size).

A round bumps the serial on the primary, reloads it (nsd-control reload / knotc
zone-reload), and times until the secondary answers the new serial (SOA polled every
2 ms). Prints the median per pair and its ratio to NSD->NSD (goal <= 1.0).

usage: replication.py --module build/module/mod/nsd.so [--rounds N] [--zones N] [--smoke]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
import harness as h  # noqa: E402


def primary_clause(zone, secondary_port):
    return f'''
zone:
	name: "{zone}"
	zonefile: "{zone}.zone"
	notify: 127.0.0.1@{secondary_port} {h.KEY_NAME}
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
'''


def secondary_clause(zone, primary_port):
    return f'''
zone:
	name: "{zone}"
	zonefile: "{zone}.zone"
	allow-notify: 127.0.0.1 {h.KEY_NAME}
	request-xfr: 127.0.0.1@{primary_port} {h.KEY_NAME}
'''


class Pair:
    """One primary and one secondary of `zone`; bump() changes the primary's zone."""

    def __init__(self, top, name, primary_kind, secondary_kind, module):
        self.name, self.zone = name, f'{name}.example'
        self.pp, self.sp = h.free_port(), h.free_port()
        self.serial = 1
        self.primary = self._make(top, 'p', primary_kind, self.pp,
                                  primary_clause(self.zone, self.sp), module)
        self.secondary = self._make(top, 's', secondary_kind, self.sp,
                                    secondary_clause(self.zone, self.pp), module)
        self.kind = primary_kind
        h.write_zone(os.path.join(self.primary_zones, f'{self.zone}.zone'), self.zone, 1)

    def _make(self, top, role, kind, port, clauses, module):
        d = os.path.join(top, f'{self.name}-{role}')
        if kind == 'nsd':
            daemon = h.Nsd(d, port, h.KEY_CLAUSE + clauses)
            zones = daemon.zonesdir
        else:
            nsd_dir = os.path.join(d, 'nsdconf')
            os.makedirs(nsd_dir)
            conf = os.path.join(nsd_dir, 'nsd.conf')
            h.write_nsd_conf(conf, nsd_dir, port, h.KEY_CLAUSE + clauses)
            daemon = h.Knotd(os.path.join(d, 'knotd'), port, module, conf)
            zones = os.path.join(nsd_dir, 'zones')
            os.makedirs(zones, exist_ok=True)
        if role == 'p':
            self.primary_zones = zones
        return daemon

    def start(self):
        self.primary.start()
        self.secondary.start()
        if not h.wait_serial(self.sp, self.zone, 1, timeout=30):
            raise RuntimeError(f'{self.name}: secondary never got serial 1')

    def round(self):
        self.serial += 1
        h.write_zone(os.path.join(self.primary_zones, f'{self.zone}.zone'), self.zone,
                     self.serial, [f'r{self.serial} IN A 192.0.2.{self.serial % 250 + 1}'])
        t0 = time.monotonic()
        if self.kind == 'nsd':
            res = self.primary.control('reload', self.zone)
        else:
            res = self.primary.knotc('zone-reload', self.zone)
        if res.returncode != 0:
            raise RuntimeError(f'{self.name}: reload failed: {res.stdout}{res.stderr}')
        if not h.wait_for(lambda: h.soa_serial(self.sp, self.zone) == self.serial, 30, 0.002):
            raise RuntimeError(f'{self.name}: secondary never got serial {self.serial}')
        return time.monotonic() - t0


def module_load(top, module, zones):
    """knotd start to the include written, for an nsd.conf of `zones` zones."""
    gen = os.path.join(HERE, 'gen_nsdconf.py')
    d = os.path.join(top, 'big')
    os.makedirs(d)
    conf = os.path.join(d, 'nsd.conf')
    subprocess.run([sys.executable, gen, str(zones), conf], check=True)
    knot = h.Knotd(os.path.join(d, 'knotd'), h.free_port(), module, conf)
    t0 = time.monotonic()
    knot._start([h.KNOTD, '-c', knot.conf])
    ok = h.wait_for(lambda: os.path.exists(knot.include), 120, 0.01)
    elapsed = time.monotonic() - t0
    size = os.path.getsize(knot.include) if ok else 0
    knot.stop()
    return ok, elapsed, size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', required=True)
    ap.add_argument('--rounds', type=int, default=15)
    ap.add_argument('--zones', type=int, default=100000)
    ap.add_argument('--smoke', action='store_true')
    a = ap.parse_args()
    if a.smoke:
        a.rounds, a.zones = 2, 1000
    module = os.path.abspath(a.module)
    with tempfile.TemporaryDirectory(prefix='knot-nsd-repl-') as top:
        try:
            pairs = [Pair(top, 'nsd-nsd', 'nsd', 'nsd', module),
                     Pair(top, 'nsd-knotd', 'nsd', 'knotd', module),
                     Pair(top, 'knotd-nsd', 'knotd', 'nsd', module)]
            for p in pairs:
                p.start()
            times = {p.name: [] for p in pairs}
            for _ in range(a.rounds):
                for p in pairs:   # interleaved: the machine's noise hits all pairs alike
                    times[p.name].append(p.round())
        finally:
            h.stop_all()
        base = statistics.median(times['nsd-nsd'])
        print(f'NOTIFY to new serial, {a.rounds} interleaved rounds (median, ratio to NSD->NSD):')
        for name, t in times.items():
            med = statistics.median(t)
            print(f'  {name:10s} {med * 1000:8.1f} ms  ratio {med / base:.2f}'
                  f'  (min {min(t) * 1000:.1f}, max {max(t) * 1000:.1f} ms)')
        try:
            ok, elapsed, size = module_load(top, module, a.zones)
        finally:
            h.stop_all()
        if not ok:
            print(f'module load: the include was not written for {a.zones} zones')
            return 1
        print(f'module load, {a.zones} zones: knotd start to include written {elapsed:.2f} s, '
              f'include {size} bytes')
    return 0


if __name__ == '__main__':
    sys.exit(main())
