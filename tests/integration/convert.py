#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration cases for `knot-nsd convert`: knotd started on the converted knot.conf,
beside real NSD peers, with no mod-nsd (native) or with it (--module).

usage: convert.py --knot-nsd build/module/cli/knot-nsd --module build/module/mod/nsd.so [case ...]
"""

import os
import re
import socket
import subprocess
import sys

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

KEY_CLAUSE = h.KEY_CLAUSE
KNOT_NSD = None


class ConvertedKnotd(h.KnotdBase):
    """knotd -c <the knot.conf `knot-nsd convert` wrote for nsd_conf>."""

    def __init__(self, workdir, port, nsd_conf, *convert_args):
        super().__init__(workdir, port)
        self.conf = os.path.join(self.dir, 'knot.conf')
        self.sock = os.path.join(self.dir, 'knot.sock')   # rundir/knot.sock
        self.logfile = os.path.join(os.path.dirname(nsd_conf), 'nsd.log')
        storage = os.path.join(self.dir, 'storage')
        os.makedirs(storage, exist_ok=True)
        argv = [KNOT_NSD, 'convert', '--rundir', self.dir, '--storage', storage,
                *convert_args, nsd_conf]
        cwd = os.path.dirname(nsd_conf)
        res = subprocess.run(argv[:2] + ['-o', self.conf] + argv[2:], cwd=cwd,
                             capture_output=True, text=True)
        self.status = res.returncode
        self.stderr = res.stderr
        self.report = subprocess.run(argv[:2] + ['--report'] + argv[2:], cwd=cwd,
                                     capture_output=True, text=True).stdout


def nsd_conf(path, port, clauses):
    """An nsd.conf in its own folder (zones/ beside it), as the harness writes for NSD."""
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    h.write_nsd_conf(path, d, port, clauses)
    return os.path.join(d, 'zones')


class Pair:
    """NSD primary of example.com, converted knotd primary of example.net, each the
    secondary of the other, one TSIG key."""

    def __init__(self, r, module=None):
        top = r.tmpdir('convert')
        self.np, self.kp = h.free_port(), h.free_port()
        self.nsd = h.Nsd(os.path.join(top, 'nsd'), self.np, KEY_CLAUSE
                         + h.primary_zone_clause('example.com', self.kp)
                         + h.secondary_zone_clause('example.net', self.kp))
        self.kconf = os.path.join(top, 'knotd-nsd', 'nsd.conf')
        self.kzones = nsd_conf(self.kconf, self.kp, KEY_CLAUSE
                               + h.secondary_zone_clause('example.com', self.np)
                               + h.primary_zone_clause('example.net', self.np))
        h.write_zone(os.path.join(self.nsd.zonesdir, 'example.com.zone'), 'example.com', 1)
        h.write_zone(os.path.join(self.kzones, 'example.net.zone'), 'example.net', 1)
        kdir = os.path.join(top, 'knotd')
        self.include = os.path.join(kdir, 'nsd-include', 'nsd.conf')
        args = [] if module is None else ['--module', '--module-file', module,
                                          '--knot-include', self.include]
        self.knot = ConvertedKnotd(kdir, self.kp, self.kconf, *args)

    def start(self, r):
        r.check(self.knot.status in (0, 3, 4), 'knot-nsd convert wrote the knot.conf',
                f'exit {self.knot.status}: {self.knot.stderr}')
        self.nsd.start()
        self.knot.start()
        return self


def replicate(r, p, who):
    """Both directions, initial transfer and NOTIFY of a new serial."""
    r.check(h.wait_serial(p.kp, 'example.com', 1), f'{who} serves example.com from NSD (serial 1)',
            f'serial {h.soa_serial(p.kp, "example.com")}')
    r.check(h.wait_serial(p.np, 'example.net', 1, timeout=20),
            f'NSD serves example.net from {who} (serial 1)')
    r.check(h.wait_for(lambda: re.search(r'example\.net.*TSIG verified with key tkey',
                                         p.nsd.log()), 5),
            f"NSD verified {who}'s transfer with tkey")
    zfile = os.path.join(p.kzones, 'example.com.zone')
    r.check(h.wait_for(lambda: os.path.exists(zfile), 10),
            f'{who} wrote the zone file where nsd.conf says')

    h.write_zone(os.path.join(p.nsd.zonesdir, 'example.com.zone'), 'example.com', 2,
                 ['new IN A 192.0.2.200'])
    res = p.nsd.control('reload', 'example.com')
    r.check(res.returncode == 0, 'nsd-control reload example.com', res.stdout + res.stderr)
    r.check(h.wait_serial(p.kp, 'example.com', 2), f'NSD notified {who}: serial 2 served',
            f'serial {h.soa_serial(p.kp, "example.com")}')

    h.write_zone(os.path.join(p.kzones, 'example.net.zone'), 'example.net', 2,
                 ['new IN A 192.0.2.201'])
    res = p.knot.knotc('zone-reload', 'example.net')
    r.check(res.returncode == 0, 'knotc zone-reload example.net', res.stdout + res.stderr)
    r.check(h.wait_serial(p.np, 'example.net', 2, timeout=20),
            f'{who} notified NSD: NSD serves serial 2',
            f'serial {h.soa_serial(p.np, "example.net")}')


def hostile(r, p, who):
    good = h.axfr(p.kp, 'example.net', h.KEY_SECRET)
    r.check(good.ok, f'{who}: signed AXFR of example.net from 127.0.0.1 works', repr(good))
    for what, kw in [('unsigned', {}), ('wrong secret', dict(key_secret=h.WRONG_SECRET)),
                     ('unknown key', dict(key_secret=h.KEY_SECRET, key_name='other')),
                     ('from 127.0.0.2', dict(key_secret=h.KEY_SECRET, source='127.0.0.2'))]:
        x = h.axfr(p.kp, 'example.net', **kw)
        r.check(x.error is not None and x.records == 0,
                f'{who}: {what} AXFR of example.net refused, no record', repr(x))
    x = h.axfr(p.kp, 'example.com', h.KEY_SECRET)
    r.check(x.error is not None and x.records == 0,
            f'{who}: secondary zone example.com not given out (no provide-xfr)', repr(x))


def test_native_pair(r):
    """Native conversion: replication both ways with NSD, hostile transfers refused."""
    p = Pair(r)
    r.check(not re.search(r'^SECURITY: .*(provide-xfr|allow-notify)', p.knot.report, re.M),
            'the report flags no provide-xfr/allow-notify entry', p.knot.report)
    r.check('mod-nsd' not in open(p.knot.conf).read(), 'the knot.conf does not load mod-nsd')
    p.start(r)
    replicate(r, p, 'converted knotd')
    hostile(r, p, 'converted knotd')


def test_module_pair(r):
    """--module conversion: knotd loads mod-nsd on the same nsd.conf; the same checks."""
    p = Pair(r, module=r.module)
    r.check(f'knot-include: {p.include}' in open(p.knot.conf).read(),
            'the knot.conf names mod-nsd and its include')
    p.start(r)
    r.check(h.wait_for(lambda: os.path.exists(p.include), 10), 'mod-nsd wrote its include')
    replicate(r, p, 'knotd+mod-nsd (converted --module)')
    hostile(r, p, 'knotd+mod-nsd (converted --module)')


# --- the same nsd.conf under NSD and under converted knotd, request by request

def diff_clauses(port_pin):
    return KEY_CLAUSE + f'''
zone:
	name: "diff.example"
	zonefile: "diff.example.zone"
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
	provide-xfr: 127.0.0.2 NOKEY
	provide-xfr: 127.0.0.3 BLOCKED
	provide-xfr: 127.0.0.0/24 {h.KEY_NAME}
	provide-xfr: 127.0.0.4@{port_pin} NOKEY
	provide-xfr: 127.0.0.6-127.0.0.8 NOKEY

zone:
	name: "query.example"
	zonefile: "query.example.zone"
	allow-query: 127.0.0.1 NOKEY
	allow-query: 127.0.0.2 {h.KEY_NAME}
	allow-query: 127.0.0.5 BLOCKED
	allow-query: 127.0.0.4/30 NOKEY
'''


def reusable_socket(af, kind):
    """The pinned source port is used for NSD and knotd in turn: the first connection's
    TIME_WAIT must not make the second bind fail (that would read as a refusal)."""
    s = socket.socket(af, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return s


def xfr_outcome(port, source, kind, source_port=0):
    kw = {}
    if kind != 'unsigned':
        secret = h.KEY_SECRET if kind == 'signed' else h.WRONG_SECRET
        kw = dict(keyring=h.keyring(secret), keyname=h.KEY_NAME, keyalgorithm=h.KEY_ALG)
    n = 0
    try:
        for msg in dns.query.xfr('127.0.0.1', 'diff.example', port=port, timeout=3,
                                 lifetime=5, source=source, source_port=source_port, **kw):
            n += sum(len(rr) for rr in msg.answer)
    except Exception:
        return 'refused'
    return 'ok' if n > 0 else 'refused'


def query_outcome(port, source, kind):
    q = dns.message.make_query('query.example', 'SOA')
    if kind != 'unsigned':
        secret = h.KEY_SECRET if kind == 'signed' else h.WRONG_SECRET
        q.use_tsig(h.keyring(secret), keyname=h.KEY_NAME, algorithm=h.KEY_ALG)
    try:
        a = dns.query.udp(q, '127.0.0.1', port=port, timeout=2, source=source)
    except Exception:
        return 'refused'
    ok = a.rcode() == dns.rcode.NOERROR and any(rr.rdtype == dns.rdatatype.SOA
                                                for rr in a.answer)
    return 'ok' if ok else 'refused'


def approximated_sources(report, conf_text):
    """Addresses named by entries the report flags: knotd allows more than NSD there."""
    lines = conf_text.splitlines()
    out = set()
    for m in re.finditer(r'^SECURITY: [^:]*nsd\.conf:(\d+): (provide-xfr|allow-query): '
                         r'(approximated|not supported)', report, re.M):
        spec = lines[int(m.group(1)) - 1].split()[1]
        out.add(spec.split('@')[0].split('/')[0])
    return out


def test_differential(r):
    """One nsd.conf, NSD and converted knotd side by side: the same verdict for every
    request, except where the report says 'approximated'."""
    top = r.tmpdir('convert-diff')
    np, kp, pin = h.free_port(), h.free_port(), h.free_port()
    nsd = h.Nsd(os.path.join(top, 'nsd'), np, diff_clauses(pin))
    kconf = os.path.join(top, 'knotd-nsd', 'nsd.conf')
    kzones = nsd_conf(kconf, kp, diff_clauses(pin))
    for zones in (nsd.zonesdir, kzones):
        for z in ('diff.example', 'query.example'):
            h.write_zone(os.path.join(zones, z + '.zone'), z, 1)
    knot = ConvertedKnotd(os.path.join(top, 'knotd'), kp, kconf)
    r.check(knot.status == 4, 'convert exits 4: the report flags what knotd allows more',
            f'exit {knot.status}')
    conf_text = open(kconf).read()
    loose = approximated_sources(knot.report, conf_text)
    r.check(loose == {'127.0.0.4', '127.0.0.2'},
            'the report flags the @port provide-xfr entry and the keyed allow-query entry',
            f'{loose}\n{knot.report}')
    nsd.start()
    knot.start()

    same = differ_flagged = differ_unflagged = 0
    cases = []
    # 127.0.1.7: NSD and knotd 3.2.6 both compare IPv4 range ends byte-swapped, so
    # 127.0.0.6-127.0.0.8 holds it for both
    for src in ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.7',
                '127.0.0.9', '127.0.1.7']:
        for kind in ['unsigned', 'signed', 'wrong secret']:
            cases.append(('AXFR', src, kind, 0))
            cases.append(('query', src, kind, 0))
    cases.append(('AXFR', '127.0.0.4', 'unsigned', pin))
    for what, src, kind, sport in cases:
        if what == 'AXFR':
            a, b = xfr_outcome(np, src, kind, sport), xfr_outcome(kp, src, kind, sport)
        else:
            a, b = query_outcome(np, src, kind), query_outcome(kp, src, kind)
        label = f'{what} from {src}{"@" + str(sport) if sport else ""}, {kind}'
        if a == b:
            same += 1
            continue
        if src in loose and a == 'refused':
            differ_flagged += 1
            print(f'  note {label}: NSD {a}, knotd {b} (the report says approximated)')
        else:
            differ_unflagged += 1
            r.check(False, f'{label}: NSD {a}, knotd {b}, and the report does not say so')
    r.check(differ_unflagged == 0, f'{same} requests answered alike by NSD and converted '
            f'knotd; {differ_flagged} differ, each where the report says approximated')
    r.check(xfr_outcome(kp, '127.0.0.3', 'signed') == 'refused',
            'BLOCKED wins over a later keyed entry in knotd too (deny rules first)')
    r.check(xfr_outcome(np, '127.0.1.7', 'unsigned') == 'ok' and
            xfr_outcome(kp, '127.0.1.7', 'unsigned') == 'ok',
            '127.0.0.6-127.0.0.8 lets 127.0.1.7 transfer from NSD and from knotd alike')


CASES = {
    'convert-native': test_native_pair,
    'convert-module': test_module_pair,
    'convert-differential': test_differential,
}


def setup(args):
    global KNOT_NSD
    KNOT_NSD = os.path.abspath(args.knot_nsd)
    dns.query.socket_factory = reusable_socket


def main():
    return h.run_cases(CASES, [('--knot-nsd', {'required': True, 'help': 'the built knot-nsd'})],
                       setup)


if __name__ == '__main__':
    sys.exit(main())
