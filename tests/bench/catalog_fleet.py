#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fleet through a catalog: the time from `nsd-control addzone` on the producer to the new
member being served by every consumer, two fleets side by side, rounds interleaved:

  NSD      NSD 4.12 producer -> two NSD consumers
  mixed    knotd+mod-nsd producer -> one NSD and one knotd+mod-nsd consumer

Each fleet starts with --members members already in the producer's zonelistfile (and
served by the consumers before the rounds begin). Prints each fleet's median and p90 and
the ratio mixed / NSD. Needs NSD 4.9+ (Debian 13); with an older NSD it says so and exits 0.

Then one `nsd-control addzones` of --bulk new members on each producer, to all of them
served by both consumers.

usage: catalog_fleet.py --module build/module/mod/nsd.so [--members N] [--rounds R]
                        [--bulk B] [--smoke]
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

# the catalog integration test's fleet parts: one configuration for both
from catalog import CAT, consumer_clauses, nsd_version, preload_members, producer_clauses  # noqa: E402,E501


class Fleet:
    def __init__(self, name, base, module, members, mixed):
        self.name = name
        self.pport = h.free_port()
        self.cports = [h.free_port(), h.free_port()]
        self.names = [f'm{i}.{name}.example' for i in range(members)]
        pdir = os.path.join(base, name, 'producer')
        os.makedirs(pdir)
        preload_members(pdir, self.names, 'members')
        self.daemons = []
        if mixed:
            self.pconf = os.path.join(pdir, 'nsd.conf')
            h.write_nsd_conf(self.pconf, pdir, self.pport,
                             producer_clauses(self.cports, ('members',)))
            self.producer = h.Knotd(pdir, self.pport, module, self.pconf)
        else:
            self.producer = h.Nsd(pdir, self.pport, producer_clauses(self.cports, ('members',)))
            self.pconf = self.producer.conf
        self.zonesdir = os.path.join(pdir, 'zones')
        self.consumers = []
        for i, port in enumerate(self.cports):
            cdir = os.path.join(base, name, f'consumer{i}')
            if mixed and i == 1:
                os.makedirs(cdir)
                conf = os.path.join(cdir, 'nsd.conf')
                h.write_nsd_conf(conf, cdir, port, consumer_clauses(self.pport))
                self.consumers.append(h.Knotd(cdir, port, module, conf))
            else:
                self.consumers.append(h.Nsd(cdir, port, consumer_clauses(self.pport)))
        self.n = 0

    def start(self, timeout):
        self.producer.start()
        for c in self.consumers:
            c.start()
        probe = [self.names[0], self.names[-1]] if self.names else []
        return h.wait_for(lambda: all(h.soa_serial(c.port, z) is not None
                                      for c in self.consumers for z in probe), timeout, 0.2)

    def add_round(self, timeout):
        """addzone of a new member; seconds until every consumer serves it (None: not)."""
        z = f'new{self.n}.{self.name}.example'
        self.n += 1
        h.write_zone(os.path.join(self.zonesdir, z + '.zone'), z, 1)
        t0 = time.monotonic()
        r = subprocess.run([h.NSD_CONTROL, '-c', self.pconf, 'addzone', z, 'members'],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            print(f'  {self.name}: addzone failed: {r.stdout}{r.stderr}'.rstrip())
            return None
        ok = h.wait_for(lambda: all(h.soa_serial(c.port, z) is not None
                                    for c in self.consumers), timeout, 0.02)
        return time.monotonic() - t0 if ok else None

    def add_bulk(self, n, timeout):
        """addzones of n new members in one session; seconds until every consumer serves
        all of them (None: not), and seconds the addzones command took."""
        names = [f'bulk{i}.{self.name}.example' for i in range(n)]
        for z in names:
            h.write_zone(os.path.join(self.zonesdir, z + '.zone'), z, 1)
        t0 = time.monotonic()
        r = subprocess.run([h.NSD_CONTROL, '-c', self.pconf, 'addzones'], capture_output=True,
                           text=True, timeout=timeout,
                           input=''.join(f'{z} members\n' for z in names))
        t_cmd = time.monotonic() - t0
        if r.returncode != 0:
            print(f'  {self.name}: addzones failed: {r.stdout[-300:]}{r.stderr}'.rstrip())
            return None, t_cmd
        ok = h.wait_for(lambda: all(h.soa_serial(c.port, z) is not None
                                    for c in self.consumers for z in (names[0], names[-1])),
                        timeout, 0.05)
        # every one of them, once the first and last are there
        ok = ok and h.wait_for(lambda: all(h.soa_serial(c.port, z) is not None
                                           for c in self.consumers for z in names), timeout, 0.2)
        return (time.monotonic() - t0 if ok else None), t_cmd


def summary(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(0.9 * len(xs)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', required=True)
    ap.add_argument('--members', type=int, default=1000)
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--bulk', type=int, default=100,
                    help='then one addzones of this many members (0: none)')
    ap.add_argument('--smoke', action='store_true')
    a = ap.parse_args()
    if a.smoke:
        a.members, a.rounds, a.bulk = 20, 2, 5
    v = nsd_version()
    if v < (4, 9, 0):
        print('catalog fleet: skipped, NSD %d.%d.%d has no catalog zones (4.9+)' % v)
        return 0
    base = tempfile.mkdtemp(prefix='knot-nsd-bench-catalog-')
    start_timeout = 60 + a.members / 20
    fleets = [Fleet('nsd', base, a.module, a.members, False),
              Fleet('mixed', base, a.module, a.members, True)]
    times = {f.name: [] for f in fleets}
    try:
        for f in fleets:
            t0 = time.monotonic()
            if not f.start(start_timeout):
                print(f'{f.name}: consumers did not serve the {a.members} members in '
                      f'{start_timeout:.0f} s; files in {base}')
                return 1
            print(f'{f.name}: {a.members} members served by both consumers '
                  f'{time.monotonic() - t0:.1f} s after start')
        for i in range(a.rounds):
            for f in (fleets if i % 2 == 0 else reversed(fleets)):
                t = f.add_round(60)
                if t is None:
                    print(f'{f.name}: round {i}: the new member was not served by every '
                          f'consumer within 60 s; files in {base}')
                    return 1
                times[f.name].append(t)
                time.sleep(1.1)   # a new second: NSD's catalog serial is the time
        bulk = {}
        for f in (fleets if a.bulk > 0 else []):
            t, t_cmd = f.add_bulk(a.bulk, 600)
            if t is None:
                print(f'{f.name}: addzones of {a.bulk}: not all served within 600 s; '
                      f'files in {base}')
                return 1
            bulk[f.name] = (t, t_cmd)
    finally:
        h.stop_all()
    if bulk:
        print(f'addzones of {a.bulk} members in one session to all served by both consumers:')
        for name, label in (('nsd', 'NSD -> NSD, NSD'),
                            ('mixed', 'knotd+mod-nsd -> NSD, knotd+mod-nsd')):
            print(f'  {label:38s} {bulk[name][0]:7.2f} s  (the addzones command '
                  f'{bulk[name][1]:.2f} s)')
        print(f'  ratio mixed / all-NSD: {bulk["mixed"][0] / bulk["nsd"][0]:.2f}')
    print(f'addzone on the producer to the new member served by both consumers, '
          f'{a.members} members, {a.rounds} rounds interleaved:')
    meds = {}
    for name, label in (('nsd', 'NSD -> NSD, NSD'), ('mixed', 'knotd+mod-nsd -> NSD, knotd+mod-nsd')):
        med, p90 = summary(times[name])
        meds[name] = med
        print(f'  {label:38s} median {med * 1000:7.0f} ms  p90 {p90 * 1000:7.0f} ms')
    print(f'  ratio mixed / all-NSD (median): {meds["mixed"] / meds["nsd"]:.2f}')
    subprocess.run(['rm', '-rf', base])
    return 0


if __name__ == '__main__':
    sys.exit(main())
