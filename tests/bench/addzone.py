#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cost of adding one zone to a running server of N zones, NSD against knotd+mod-nsd,
rounds interleaved (the figures issue 11's addzone and reconfig are measured against).

Each round adds one new primary zone (its zone file written beforehand) and times until
the server answers its SOA (polled every 2 ms):
- nsd-addzone:    `nsd-control addzone <zone> p` on NSD (the baseline of the next two);
- knotd-txn:      a knotd configuration transaction (`knotc conf-begin`, `conf-set` of
                  the zone and the template mod-nsd gave pattern p, `conf-commit`) on
                  knotd+mod-nsd, which is what mod-nsd's addzone could do;
- nsd-reconfig:   the zone appended to nsd.conf, `nsd-control reconfig` (the baseline of
                  the next one);
- knotd-reload:   the zone appended to nsd.conf, `knotc reload` on knotd+mod-nsd: the
                  module rewrites its include and knotd reloads again (today's path).
Prints the median and p90 of each method and the knotd/NSD ratios.

usage: addzone.py --module build/module/mod/nsd.so [--zones N] [--rounds R] [--smoke]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
import harness as h  # noqa: E402

PATTERN = 'pattern:\n\tname: "p"\n\tzonefile: "%s.zone"\n'


def zones_text(names):
    return ''.join(f'zone:\n\tname: "{n}"\n\tinclude-pattern: "p"\n' for n in names)


def wait_soa(port, zone, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if h.soa_serial(port, zone) is not None:
            return True
        time.sleep(0.002)
    return False


class Servers:
    def __init__(self, top, module, n):
        names = [f'z{i}.example' for i in range(n)]
        self.np, self.kp = h.free_port(), h.free_port()
        self.nsd = h.Nsd(os.path.join(top, 'nsd'), self.np, PATTERN + zones_text(names))
        kdir = os.path.join(top, 'nsdconf')
        os.makedirs(os.path.join(kdir, 'zones'))
        self.kconf = os.path.join(kdir, 'nsd.conf')
        h.write_nsd_conf(self.kconf, kdir, self.kp, PATTERN + zones_text(names))
        self.kzones = os.path.join(kdir, 'zones')
        for d in (self.nsd.zonesdir, self.kzones):
            for name in names:
                h.write_zone(os.path.join(d, f'{name}.zone'), name, 1)
        self.knot = h.Knotd(os.path.join(top, 'knotd'), self.kp, module, self.kconf)
        self.n = 0

    def start(self):
        self.nsd.start()
        self.knot.start()
        # mod-nsd writes its include at the first start and knotd reloads for it
        if not wait_soa(self.kp, 'z0.example', 300) or not wait_soa(self.np, 'z0.example', 300):
            raise RuntimeError('the servers do not serve their zones')
        with open(self.knot.include) as f:
            m = re.search(r'domain: z0\.example\.?\n(?:    .*\n)*?    template: (\S+)', f.read())
        if not m:
            raise RuntimeError('no template for pattern p in the include')
        self.template = m.group(1)

    def new_zone(self, kind):
        self.n += 1
        zone = f'new{self.n}-{kind}.example'
        d = self.nsd.zonesdir if kind.startswith('nsd') else self.kzones
        h.write_zone(os.path.join(d, f'{zone}.zone'), zone, 1)
        return zone

    def nsd_addzone(self):
        zone = self.new_zone('nsd-addzone')
        t0 = time.monotonic()
        r = self.nsd.control('addzone', zone, 'p')
        if r.returncode != 0 or not wait_soa(self.np, zone):
            raise RuntimeError(f'nsd addzone: {r.stdout}{r.stderr}')
        return time.monotonic() - t0

    def knotd_txn(self):
        zone = self.new_zone('knotd-txn')
        t0 = time.monotonic()
        for args in (['conf-begin'], ['conf-set', f'zone[{zone}]'],
                     ['conf-set', f'zone[{zone}].template', self.template],
                     ['conf-set', f'zone[{zone}].file',
                      os.path.join(self.kzones, f'{zone}.zone')],
                     ['conf-commit']):
            r = self.knot.knotc(*args)
            if r.returncode != 0:
                self.knot.knotc('conf-abort')
                raise RuntimeError(f'knotc {" ".join(args)}: {r.stdout}{r.stderr}')
        if not wait_soa(self.kp, zone):
            raise RuntimeError('knotd txn: zone not served')
        return time.monotonic() - t0

    def nsd_reconfig(self):
        zone = self.new_zone('nsd-reconfig')
        with open(self.nsd.conf, 'a') as f:
            f.write(zones_text([zone]))
        t0 = time.monotonic()
        r = self.nsd.control('reconfig')
        if r.returncode != 0 or not wait_soa(self.np, zone):
            raise RuntimeError(f'nsd reconfig: {r.stdout}{r.stderr}')
        return time.monotonic() - t0

    def knotd_reload(self):
        zone = self.new_zone('knotd-reload')
        with open(self.kconf, 'a') as f:
            f.write(zones_text([zone]))
        t0 = time.monotonic()
        r = self.knot.knotc('reload')
        if r.returncode != 0 or not wait_soa(self.kp, zone):
            tail = '\n'.join(self.knot.log().splitlines()[-15:])
            raise RuntimeError(f'knotd reload: {r.stdout}{r.stderr}\n{tail}')
        return time.monotonic() - t0


def fmt(xs):
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(len(xs) * 0.9))]
    return f'median {statistics.median(xs) * 1000:8.1f} ms  p90 {p90 * 1000:8.1f} ms'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', required=True)
    ap.add_argument('--zones', type=int, default=1000)
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--smoke', action='store_true')
    a = ap.parse_args()
    if a.smoke:
        a.zones, a.rounds = 20, 1
    top = tempfile.mkdtemp(prefix='knot-nsd-bench-addzone-')
    s = Servers(top, os.path.abspath(a.module), a.zones)
    methods = [('nsd-addzone', s.nsd_addzone), ('knotd-txn', s.knotd_txn),
               ('nsd-reconfig', s.nsd_reconfig), ('knotd-reload', s.knotd_reload)]
    times = {name: [] for name, _ in methods}
    try:
        s.start()
        for _ in range(a.rounds):
            for name, fn in methods:   # interleaved: the machine's noise hits all alike
                times[name].append(fn())
    finally:
        h.stop_all()
        subprocess.run(['rm', '-rf', top])
    print(f'zones={a.zones} rounds={a.rounds} (one new primary zone a round, to its SOA '
          f'answered; interleaved; load {" ".join(f"{x:.2f}" for x in os.getloadavg())})')
    for name, _ in methods:
        print(f'  {name:14s} {fmt(times[name])}')
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f'  ratio knotd-txn / nsd-addzone:     {med["knotd-txn"] / med["nsd-addzone"]:.2f}')
    print(f'  ratio knotd-reload / nsd-reconfig: {med["knotd-reload"] / med["nsd-reconfig"]:.2f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
