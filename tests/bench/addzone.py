#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cost of adding one zone to a running server of N zones, NSD against knotd+mod-nsd,
rounds interleaved (the figures issue 11's addzone and reconfig are measured against).

Each round adds one new primary zone (its zone file written beforehand) and times until
the server answers its SOA (polled every 2 ms):
- nsd-addzone:    `nsd-control addzone <zone> p` on NSD (the baseline of the next two);
- knotd-addzone:  the same command, Debian's nsd-control, against knotd+mod-nsd's remote
                  control (zonelistfile written, include rendered, knotd reloads);
- knotd-txn:      a knotd configuration transaction (`knotc conf-begin`, `conf-set` of
                  the zone and the template mod-nsd gave pattern p, `conf-commit`): what
                  an addzone by transaction would cost (a reference, not a product path);
- nsd-reconfig:   the zone appended to nsd.conf, `nsd-control reconfig` on NSD;
- knotd-reconfig: the same on knotd+mod-nsd.
Then the round trips of `nsd-control status` and `zonestatus <zone>` against each
server, interleaved. Prints medians and p90/p99 and the knotd/NSD ratios.

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

    def knotd_addzone(self):
        zone = self.new_zone('knotd-addzone')
        t0 = time.monotonic()
        r = self.kcontrol('addzone', zone, 'p')
        if r.returncode != 0 or not wait_soa(self.kp, zone):
            raise RuntimeError(f'knotd addzone: {r.stdout}{r.stderr}')
        return time.monotonic() - t0

    def kcontrol(self, *args):
        return subprocess.run([h.NSD_CONTROL, '-c', self.kconf, *args], capture_output=True,
                              text=True, timeout=120)

    def knotd_reconfig(self):
        zone = self.new_zone('knotd-reconfig')
        with open(self.kconf, 'a') as f:
            f.write(zones_text([zone]))
        t0 = time.monotonic()
        r = self.kcontrol('reconfig')
        if r.returncode != 0 or not wait_soa(self.kp, zone):
            raise RuntimeError(f'knotd reconfig: {r.stdout}{r.stderr}')
        return time.monotonic() - t0

    def bulk(self, server, n):
        """addzones of n lines (zone files not needed for the answer), then delzones of
        them: the seconds to each answer."""
        names = [f'bulk{i}-{server}.example' for i in range(n)]
        adds = ''.join(f'{z} p\n' for z in names)
        dels = ''.join(f'{z}\n' for z in names)
        conf = self.nsd.conf if server == 'nsd' else self.kconf
        out = []
        for cmd, stdin in (('addzones', adds), ('delzones', dels)):
            t0 = time.monotonic()
            r = subprocess.run([h.NSD_CONTROL, '-c', conf, cmd], input=stdin,
                               capture_output=True, text=True, timeout=1200)
            out.append(time.monotonic() - t0)
            if r.returncode != 0 or f'{n} zones' not in r.stdout.splitlines()[-1]:
                raise RuntimeError(f'{server} {cmd}: {r.stdout[-200:]}{r.stderr}')
        return out

    def round_trip(self, server, *args):
        t0 = time.monotonic()
        r = self.nsd.control(*args) if server == 'nsd' else self.kcontrol(*args)
        if r.returncode != 0:
            raise RuntimeError(f'{server} {args}: {r.stdout}{r.stderr}')
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

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def fmt(xs, tail=0.9):
    return (f'median {statistics.median(xs) * 1000:8.1f} ms  p{int(tail * 100)} '
            f'{pct(xs, tail) * 1000:8.1f} ms')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', required=True)
    ap.add_argument('--zones', type=int, default=1000)
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--queries', type=int, default=100, help='status/zonestatus round trips')
    ap.add_argument('--bulk', type=int, default=0,
                    help='also addzones/delzones of this many lines on each server (NSD '
                         '4.6.1 with nsd-control over a unix socket answered 200 lines in '
                         '0.09 s and 600 lines not within 200 s: keep it small)')
    ap.add_argument('--smoke', action='store_true')
    a = ap.parse_args()
    if a.smoke:
        a.zones, a.rounds, a.queries, a.bulk = 20, 1, 3, 5
    top = tempfile.mkdtemp(prefix='knot-nsd-bench-addzone-')
    s = Servers(top, os.path.abspath(a.module), a.zones)
    methods = [('nsd-addzone', s.nsd_addzone), ('knotd-addzone', s.knotd_addzone),
               ('knotd-txn', s.knotd_txn), ('nsd-reconfig', s.nsd_reconfig),
               ('knotd-reconfig', s.knotd_reconfig)]
    times = {name: [] for name, _ in methods}
    rt = {k: [] for k in ('nsd-status', 'knotd-status', 'nsd-zonestatus', 'knotd-zonestatus')}
    try:
        s.start()
        for _ in range(a.rounds):
            for name, fn in methods:   # interleaved: the machine's noise hits all alike
                times[name].append(fn())
        for i in range(a.queries):
            zone = f'z{i % a.zones}.example'
            for server in ('nsd', 'knotd'):
                rt[f'{server}-status'].append(s.round_trip(server, 'status'))
                rt[f'{server}-zonestatus'].append(s.round_trip(server, 'zonestatus', zone))
        bulk = ({server: s.bulk(server, a.bulk) for server in ('nsd', 'knotd')}
                if a.bulk else {})
    finally:
        h.stop_all()
        subprocess.run(['rm', '-rf', top])
    print(f'zones={a.zones} rounds={a.rounds} (one new primary zone a round, to its SOA '
          f'answered; interleaved; load {" ".join(f"{x:.2f}" for x in os.getloadavg())})')
    for name, _ in methods:
        print(f'  {name:14s} {fmt(times[name])}')
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f'  ratio knotd-addzone / nsd-addzone:   {med["knotd-addzone"] / med["nsd-addzone"]:.2f}')
    print(f'  ratio knotd-txn / nsd-addzone:       {med["knotd-txn"] / med["nsd-addzone"]:.2f}')
    print(f'  ratio knotd-reconfig / nsd-reconfig: '
          f'{med["knotd-reconfig"] / med["nsd-reconfig"]:.2f}')
    print(f'round trips of nsd-control ({a.queries} each, interleaved):')
    for name, xs in rt.items():
        print(f'  {name:16s} {fmt(xs, 0.99)}')
    if bulk:
        print(f'addzones / delzones of {a.bulk} lines (to the answer):')
        for server, (add, dele) in bulk.items():
            print(f'  {server:6s} addzones {add:8.2f} s  delzones {dele:8.2f} s')
        print(f'  ratio knotd/nsd addzones {bulk["knotd"][0] / bulk["nsd"][0]:.2f}  '
              f'delzones {bulk["knotd"][1] / bulk["nsd"][1]:.2f}')
    for cmd in ('status', 'zonestatus'):
        k, n = rt[f'knotd-{cmd}'], rt[f'nsd-{cmd}']
        print(f'  ratio knotd/nsd {cmd}: p50 {statistics.median(k) / statistics.median(n):.2f}'
              f'  p99 {pct(k, 0.99) / pct(n, 0.99):.2f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
