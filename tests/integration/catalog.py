#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration cases for issue 13: NSD's catalog zones (RFC 9432) on knotd+mod-nsd, beside
Debian's NSD 4.12 (skipped, exit 77, with an NSD before 4.9: no catalogs).

  consume  NSD producer -> knotd+mod-nsd consumer -> NSD secondary of a member; members get
           the pattern their group names (else catalog-member-pattern) and the gate applies
           that pattern's provide-xfr; members added and removed through the catalog
  produce  knotd+mod-nsd producer (nsd-control addzone/delzone against the module) -> NSD
           consumer: members appear and leave
  many     MEMBERS (default 1000) members through an NSD producer to knotd+mod-nsd

usage: catalog.py --module build/module/mod/nsd.so [--members N] [case ...]
"""

import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

import dns.rcode  # noqa: E402

CAT = 'cat.example'
ARGS = {'members': 1000}


def nsd_version():
    out = subprocess.run([h.NSD, '-v'], capture_output=True, text=True)
    m = re.search(r'NSD version (\d+)\.(\d+)\.(\d+)', out.stdout + out.stderr)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def served(port, zone):
    return h.soa_serial(port, zone) is not None


def refused(port, zone):
    """knotd no longer has the zone: not authoritative for it (REFUSED / NOTAUTH)."""
    r = h.query(port, zone, 'SOA')
    return r is not None and r.rcode() != dns.rcode.NOERROR


def producer_clauses(notify_ports, patterns=('members', 'special')):
    """An NSD producer of CAT; each pattern in patterns makes members of it; the catalog
    and its members notify notify_ports."""
    notify = ''.join(f'\tnotify: 127.0.0.1@{p} NOKEY\n' for p in notify_ports)
    clauses = ''.join(f'''
pattern:
	name: {p}
	zonefile: "%s.zone"
	catalog-producer-zone: {CAT}
	provide-xfr: 127.0.0.0/8 NOKEY
{notify}''' for p in patterns)
    return clauses + f'''
zone:
	name: {CAT}
	catalog: producer
	provide-xfr: 127.0.0.0/8 NOKEY
{notify}'''


def producer_nsd(d, port, notify_ports, patterns=('members', 'special')):
    """An NSD 4.12 primary producing CAT (producer_clauses)."""
    if isinstance(notify_ports, int):
        notify_ports = [notify_ports]
    return h.Nsd(d, port, producer_clauses(notify_ports, patterns))


def add_members(nsd, names, pattern):
    for z in names:
        h.write_zone(os.path.join(nsd.zonesdir, z + '.zone'), z, 1)
    # addzones reads "<zone> <pattern>" lines from stdin (one control session)
    r = subprocess.run([h.NSD_CONTROL, '-c', nsd.conf, 'addzones'], capture_output=True,
                       text=True, timeout=120,
                       input=''.join(f'{z} {pattern}\n' for z in names))
    return r.returncode == 0


def preload_members(d, names, pattern):
    """Members in the zonelistfile of the producer in folder d (write_nsd_conf's layout)
    before it starts, as NSD writes them ("cat <zone> <pattern> <id>"): NSD 4.12's
    addzones of a thousand producer members into a running NSD is far too slow."""
    os.makedirs(os.path.join(d, 'zones'), exist_ok=True)
    with open(os.path.join(d, 'zone.list'), 'w') as f:
        f.write('# NSD zone list\n# name pattern\n')
        for i, z in enumerate(names):
            h.write_zone(os.path.join(d, 'zones', z + '.zone'), z, 1)
            f.write(f'cat {z} {pattern} {i + 1:08x}\n')


def consumer_conf(path, d, port, primary_port):
    h.write_nsd_conf(path, d, port, consumer_clauses(primary_port))


def consumer_clauses(primary_port):
    """A consumer: members of pattern mem transfer to 127.0.0.1 only, of pattern special
    to 127.0.0.3 only; both take NOTIFY from the primary."""
    return f'''
pattern:
	name: mem
	zonefile: "members/%s.zone"
	request-xfr: 127.0.0.1@{primary_port} NOKEY
	allow-notify: 127.0.0.1 NOKEY
	provide-xfr: 127.0.0.1 NOKEY
pattern:
	name: special
	zonefile: "special/%s.zone"
	request-xfr: 127.0.0.1@{primary_port} NOKEY
	allow-notify: 127.0.0.1 NOKEY
	provide-xfr: 127.0.0.3 NOKEY
zone:
	name: {CAT}
	catalog: consumer
	catalog-member-pattern: mem
	request-xfr: 127.0.0.1@{primary_port} NOKEY
	allow-notify: 127.0.0.1 NOKEY
'''


def status_lines(out):
    """zonestatus without what differs by design (times, waits): zone, pattern, catalog,
    member id and state lines, as a dict zone -> lines."""
    zones, cur = {}, None
    for line in out.splitlines():
        if line.startswith('zone:'):
            cur = line.split('\t', 1)[1]
            zones[cur] = []
        elif cur is not None and re.match(r'\t(pattern|catalog|catalog-invalid|catalog-member-id|'
                                          r'state):', line):
            zones[cur].append(line)
    return zones


def case_consume(r):
    d = r.tmpdir('catalog-consume')
    pport, kport, sport, nport = h.free_port(), h.free_port(), h.free_port(), h.free_port()
    prod = producer_nsd(os.path.join(d, 'producer'), pport, [kport, nport])
    prod.start()
    r.check(add_members(prod, ['a.example'], 'members') and
            add_members(prod, ['b.example'], 'special'), 'NSD producer: two members added')
    kdir = os.path.join(d, 'knotd')
    os.makedirs(kdir)
    nsd_conf = os.path.join(kdir, 'nsd.conf')
    consumer_conf(nsd_conf, kdir, kport, pport)
    knot = h.Knotd(kdir, kport, r.module, nsd_conf).start()
    # NSD consuming the same catalog with the same clauses: zonestatus's oracle
    ncons = h.Nsd(os.path.join(d, 'nsd-consumer'), nport, consumer_clauses(pport)).start()
    r.check(h.wait_for(lambda: served(kport, 'a.example') and served(kport, 'b.example'), 20),
            'knotd+mod-nsd consumer serves both members of the NSD producer\'s catalog',
            knot.log()[-2000:])
    h.wait_for(lambda: served(nport, 'a.example') and served(nport, 'b.example'), 20)
    def zonestatus(conf, *zone):
        return subprocess.run([h.NSD_CONTROL, '-c', conf, 'zonestatus', *zone],
                              capture_output=True, text=True, timeout=30).stdout
    ours, nsds = zonestatus(nsd_conf), zonestatus(ncons.conf)
    r.check(status_lines(ours) == status_lines(nsds) and len(status_lines(ours)) == 3,
            'zonestatus of every zone: the consumer (serial, # members) and each member '
            '(pattern, catalog-member-id, state) as NSD\'s consumer says them',
            f'ours:\n{ours}\nNSD:\n{nsds}')
    one = zonestatus(nsd_conf, 'b.example')
    r.check(status_lines(one) == {'b.example': status_lines(nsds).get('b.example')},
            'zonestatus of one member, as NSD', one)
    out = subprocess.run([h.NSD_CONTROL, '-c', nsd_conf, 'delzone', 'a.example'],
                         capture_output=True, text=True, timeout=30)
    nout = subprocess.run([h.NSD_CONTROL, '-c', ncons.conf, 'delzone', 'a.example'],
                          capture_output=True, text=True, timeout=30)
    r.check(out.stdout == nout.stdout and 'catalog consumer member zone' in out.stdout,
            'delzone of a member refused as NSD refuses it', out.stdout + '|' + nout.stdout)
    zdir = os.path.join(kdir, 'zones')
    r.check(h.wait_for(lambda: os.path.exists(os.path.join(zdir, 'members/a.example.zone')) and
                       os.path.exists(os.path.join(zdir, 'special/b.example.zone')), 10),
            'each member is kept in the zonefile of the pattern its group names '
            '(members/a.example.zone, special/b.example.zone)')

    # the gate applies the member's pattern: mem gives transfers to 127.0.0.1 only,
    # special to 127.0.0.3 only
    r.check(h.axfr(kport, 'a.example').ok, 'member of pattern mem: AXFR from 127.0.0.1 allowed')
    x = h.axfr(kport, 'a.example', source='127.0.0.2')
    r.check(not x.ok and 'REFUSED' in str(x.error),
            'member of pattern mem: AXFR from 127.0.0.2 refused', repr(x))
    r.check(h.axfr(kport, 'b.example', source='127.0.0.3').ok,
            'member of group special: AXFR from 127.0.0.3 allowed (special\'s provide-xfr)')
    x = h.axfr(kport, 'b.example')
    r.check(not x.ok and 'REFUSED' in str(x.error),
            'member of group special: AXFR from 127.0.0.1 refused', repr(x))
    r.check(knot.count(r'axfr for a\.example\. from 127\.0\.0\.2@\d+ refused') >= 1,
            'the refusal is the gate\'s (logged as NSD would refuse it)')

    # an NSD secondary of a member, from the knotd consumer
    sec = h.Nsd(os.path.join(d, 'secondary'), sport, f'''
zone:
	name: a.example
	zonefile: "a.example.zone"
	request-xfr: 127.0.0.1@{kport} NOKEY
	allow-notify: 127.0.0.1 NOKEY
''').start()
    r.check(h.wait_serial(sport, 'a.example', 1, 15),
            'NSD secondary of the member transfers it from knotd+mod-nsd')

    # a change of a member reaches the consumer by the producer's NOTIFY (member pattern's
    # allow-notify, applied by the gate)
    h.write_zone(os.path.join(prod.zonesdir, 'a.example.zone'), 'a.example', 2)
    prod.control('reload', 'a.example')
    r.check(h.wait_serial(kport, 'a.example', 2, 15), 'a member\'s new serial reaches the '
            'consumer (NOTIFY allowed by the member pattern\'s allow-notify)')

    # members added and removed through the catalog
    r.check(add_members(prod, ['c.example'], 'members'), 'NSD producer: member added')
    r.check(h.wait_for(lambda: served(kport, 'c.example'), 15),
            'the new member is served by the consumer', knot.log()[-1500:])
    r.check(prod.control('delzone', 'b.example').returncode == 0, 'NSD producer: delzone')
    r.check(h.wait_for(lambda: refused(kport, 'b.example'), 15),
            'the removed member is no longer served by the consumer')
    x = h.axfr(kport, 'b.example', source='127.0.0.3')
    r.check(not x.ok, 'nor transferred to the address its pattern allowed', repr(x))
    sec.stop()
    knot.stop()
    prod.stop()


def case_produce(r):
    d = r.tmpdir('catalog-produce')
    kport, cport = h.free_port(), h.free_port()
    kdir = os.path.join(d, 'knotd')
    os.makedirs(os.path.join(kdir, 'zones'))
    nsd_conf = os.path.join(kdir, 'nsd.conf')
    h.write_nsd_conf(nsd_conf, kdir, kport, f'''
pattern:
	name: members
	zonefile: "%s.zone"
	catalog-producer-zone: {CAT}
	provide-xfr: 127.0.0.0/8 NOKEY
zone:
	name: {CAT}
	catalog: producer
	provide-xfr: 127.0.0.0/8 NOKEY
	notify: 127.0.0.1@{cport} NOKEY
''')
    for z in ('a.example', 'b.example'):
        h.write_zone(os.path.join(kdir, 'zones', z + '.zone'), z, 1)
    knot = h.Knotd(kdir, kport, r.module, nsd_conf).start()
    cons = h.Nsd(os.path.join(d, 'consumer'), cport, f'''
pattern:
	name: mem
	zonefile: "%s.zone"
	request-xfr: 127.0.0.1@{kport} NOKEY
	allow-notify: 127.0.0.1 NOKEY
zone:
	name: {CAT}
	catalog: consumer
	catalog-member-pattern: mem
	request-xfr: 127.0.0.1@{kport} NOKEY
	allow-notify: 127.0.0.1 NOKEY
''').start()

    def ctl(*args):
        return subprocess.run([h.NSD_CONTROL, '-c', nsd_conf, *args], capture_output=True,
                              text=True, timeout=30)
    for z in ('a.example', 'b.example'):
        out = ctl('addzone', z, 'members')
        r.check(out.returncode == 0 and out.stdout.strip().endswith('ok'),
                f'nsd-control addzone {z} members, against knotd+mod-nsd', out.stdout + out.stderr)
    with open(os.path.join(kdir, 'zone.list')) as f:
        zl = f.read()
    r.check(re.search(r'^cat a\.example members [0-9a-f]{8}$', zl, re.M),
            'the zonelistfile holds the member as NSD writes it ("cat <zone> <pattern> <id>")', zl)
    r.check(h.wait_for(lambda: served(cport, 'a.example') and served(cport, 'b.example'), 20),
            'NSD consumer serves both members of knotd\'s catalog', cons.log()[-1500:])
    st = ctl('zonestatus', CAT).stdout
    r.check(re.search(r'\tcatalog: producer \(serial: \d+, # members: 2\)\n', st),
            'zonestatus of the producer: "catalog: producer (serial: N, # members: 2)"', st)
    mine = ctl('zonestatus', 'a.example').stdout
    theirs = cons.control('zonestatus', 'a.example').stdout
    idre = r'\tcatalog-member-id: ([0-9a-f]+\.zones\.cat\.example\.)\n'
    m1, m2 = re.search(idre, mine), re.search(idre, theirs)
    r.check(m1 and m2 and m1.group(1) == m2.group(1) and '\tpattern: members\n' in mine,
            'zonestatus of a member: its pattern and the member id the NSD consumer got',
            mine + '|' + theirs)
    r.check(ctl('delzone', 'b.example').returncode == 0, 'nsd-control delzone b.example')
    r.check(h.wait_for(lambda: not served(cport, 'b.example'), 20),
            'the NSD consumer removed the member', cons.log()[-1500:])
    r.check(served(cport, 'a.example'), 'and keeps the other')
    cons.stop()
    knot.stop()


def case_two_consumers(r):
    """NSD processes no catalog when two zones are consumers: knotd+mod-nsd neither."""
    d = r.tmpdir('catalog-two')
    pport, kport, nport = h.free_port(), h.free_port(), h.free_port()
    prod = producer_nsd(os.path.join(d, 'producer'), pport, [kport, nport],
                        patterns=('members',))
    with open(prod.conf, 'a') as f:
        f.write(f'''
pattern:
	name: members2
	zonefile: "%s.zone"
	catalog-producer-zone: cat2.example
	provide-xfr: 127.0.0.0/8 NOKEY
zone:
	name: cat2.example
	catalog: producer
	provide-xfr: 127.0.0.0/8 NOKEY
''')
    prod.start()
    # a producer without members serves nothing (NSD 4.12): one member each
    r.check(add_members(prod, ['a.example'], 'members') and
            add_members(prod, ['b.example'], 'members2'), 'NSD producer: a member per catalog')
    clauses = consumer_clauses(pport) + f'''
zone:
	name: cat2.example
	catalog: consumer
	catalog-member-pattern: mem
	request-xfr: 127.0.0.1@{pport} NOKEY
'''
    kdir = os.path.join(d, 'knotd')
    os.makedirs(kdir)
    nsd_conf = os.path.join(kdir, 'nsd.conf')
    h.write_nsd_conf(nsd_conf, kdir, kport, clauses)
    knot = h.Knotd(kdir, kport, r.module, nsd_conf).start()
    ncons = h.Nsd(os.path.join(d, 'nsd-consumer'), nport, clauses).start()
    both = lambda p: served(p, CAT) and served(p, 'cat2.example')  # noqa: E731
    r.check(h.wait_for(lambda: both(kport) and both(nport), 20), 'both catalogs served')
    time.sleep(1)
    r.check(not any(served(p, z) for p in (kport, nport) for z in ('a.example', 'b.example')),
            'no member added, by NSD nor by knotd+mod-nsd')

    def zonestatus(conf):
        return subprocess.run([h.NSD_CONTROL, '-c', conf, 'zonestatus'], capture_output=True,
                              text=True, timeout=30).stdout
    ours = status_lines(zonestatus(nsd_conf))
    # NSD 4.12.0's own zonestatus cannot be the oracle here: its xfrd dies printing the
    # first of two consumers (NSD stops). These are the lines its print_zonestatus makes.
    want = [re.compile(r'\tcatalog: consumer \(serial: \d+, # members: 0\)$'),
            re.compile(r'\tcatalog-invalid: not processing: more than one catalog consumer '
                       r'zone configured and only a single one allowed$'),
            re.compile(r'\tstate: ok$')]
    r.check(sorted(ours) == [CAT, 'cat2.example'] and
            all(len(v) == 3 and all(w.match(x) for w, x in zip(want, v)) for v in ours.values()),
            'zonestatus: each consumer "(serial: N, # members: 0)" and "catalog-invalid: not '
            'processing: ..." as NSD 4.12 prints them', repr(ours))
    nsds = zonestatus(ncons.conf)
    print(f'  info NSD {".".join(map(str, nsd_version()))} zonestatus with two consumers: '
          f'{"its xfrd died" if not h.wait_for(lambda: ncons.alive, 0.5) or len(nsds.splitlines()) < 2 else "answered"}')
    knot.stop()
    ncons.stop()
    prod.stop()


def case_many(r):
    n = ARGS['members']
    d = r.tmpdir('catalog-many')
    pport, kport = h.free_port(), h.free_port()
    prod = producer_nsd(os.path.join(d, 'producer'), pport, kport, patterns=('members',))
    names = [f'z{i}.example' for i in range(n)]
    preload_members(prod.dir, names, 'members')
    prod.start()
    r.check(h.wait_for(lambda: served(pport, names[-1]), 60), f'NSD producer serves {n} members')
    kdir = os.path.join(d, 'knotd')
    os.makedirs(kdir)
    nsd_conf = os.path.join(kdir, 'nsd.conf')
    consumer_conf(nsd_conf, kdir, kport, pport)
    t0 = time.monotonic()
    knot = h.Knotd(kdir, kport, r.module, nsd_conf).start()
    last = names[-1]
    ok = h.wait_for(lambda: served(kport, last) and served(kport, names[0]), 120)
    r.check(ok, f'knotd+mod-nsd consumer serves {n} members ({time.monotonic() - t0:.1f} s)')
    r.check(h.axfr(kport, names[n // 2]).ok and
            not h.axfr(kport, names[n // 2], source='127.0.0.2').ok,
            'the gate applies the member pattern to any of them')
    knot.stop()
    prod.stop()


CASES = {
    'consume': case_consume,
    'produce': case_produce,
    'two-consumers': case_two_consumers,
    'many': case_many,
}


def main():
    v = nsd_version()
    if v < (4, 9, 0):
        print('skipped: NSD %d.%d.%d has no catalog zones (4.9+)' % v)
        return 77

    def setup(args):
        ARGS['members'] = args.members
    return h.run_cases(CASES, extra_args=(('--members', dict(type=int, default=1000)),),
                       setup=setup)


if __name__ == '__main__':
    sys.exit(main())
