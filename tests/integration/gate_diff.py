#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Differential access-gate suite: one nsd.conf served by NSD 4.6.1 and by knotd+mod-nsd;
the same AXFR/IXFR/NOTIFY/query requests to both from 127.0.0.x and ::1 sources (fixed
source ports where an entry has @port), unsigned and signed in every way that matters;
every verdict (allowed / rcode / TSIG error) must be the same, and a refused transfer must
carry no record.

usage: gate_diff.py --module build/module/mod/nsd.so [-v]
"""

import argparse
import base64
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.opcode  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rdtypes.ANY.TSIG  # noqa: E402
import dns.rrset  # noqa: E402
import dns.tsig  # noqa: E402

SECRET_A = base64.b64encode(bytes(range(1, 33))).decode()
SECRET_B = base64.b64encode(bytes(range(50, 114))).decode()
WRONG = base64.b64encode(bytes(range(101, 133))).decode()

ALGS = {'sha256': dns.tsig.HMAC_SHA256, 'sha512': dns.tsig.HMAC_SHA512}

# name, (key name on the wire, secret, algorithm, clock offset)
VARIANTS = [
    ('unsigned', None),
    ('k256', ('k256', SECRET_A, 'sha256', 0)),
    ('k512', ('k512', SECRET_B, 'sha512', 0)),
    ('K256-upper-case', ('K256', SECRET_A, 'sha256', 0)),
    ('wrong-secret', ('k256', WRONG, 'sha256', 0)),
    ('unknown-key', ('nobody', SECRET_A, 'sha256', 0)),
    ('wrong-algorithm', ('k256', SECRET_A, 'sha512', 0)),
    ('stale', ('k256', SECRET_A, 'sha256', -1000)),
    ('stale-wrong-secret', ('k256', WRONG, 'sha256', -1000)),
]

KINDS = ['AXFR', 'IXFR', 'NOTIFY', 'QUERY']
TSIG_ERRORS = {0: '-', 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC'}


def zones_text(pa, pb):
    """The zones: every ACL form, BLOCKED before and after, NOKEY and keys, ports."""
    return {
        'single.test': '''
	provide-xfr: 127.0.0.2 NOKEY
	provide-xfr: 127.0.0.3 k256
	provide-xfr: ::1 k512
	allow-notify: 127.0.0.2 NOKEY
	allow-notify: 127.0.0.3 k256
''',
        'blocked-after.test': '''
	provide-xfr: 127.0.0.0/24 NOKEY
	provide-xfr: 127.0.0.0/24 k256
	provide-xfr: 127.0.0.5 BLOCKED
	provide-xfr: 127.0.0.6-127.0.0.6 BLOCKED
	allow-notify: 127.0.0.0/24 NOKEY
	allow-notify: 127.0.0.5 BLOCKED
''',
        'blocked-before.test': '''
	provide-xfr: 127.0.0.4 BLOCKED
	provide-xfr: ::1 BLOCKED
	provide-xfr: 127.0.0.0/29 NOKEY
	provide-xfr: 0.0.0.0/0 k512
	provide-xfr: ::/0 NOKEY
	allow-notify: 127.0.0.4 BLOCKED
	allow-notify: 0.0.0.0/0 NOKEY
''',
        'port.test': f'''
	provide-xfr: 127.0.0.7@{pa} NOKEY
	provide-xfr: ::1@{pb} k256
	provide-xfr: 127.0.0.9@{pa} BLOCKED
	provide-xfr: 127.0.0.9 NOKEY
	allow-notify: 127.0.0.7@{pa} NOKEY
	allow-notify: ::1@{pb} k256
''',
        'mask.test': '''
	provide-xfr: 127.0.0.0&255.255.255.249 NOKEY
	provide-xfr: 127.0.0.16&255.0.0.240 k256
	provide-xfr: ::1&ffff::1 k512
	allow-notify: 127.0.0.0&255.255.255.249 NOKEY
''',
        'range.test': '''
	provide-xfr: 127.0.0.2-127.0.0.4 NOKEY
	provide-xfr: 10.0.0.1-10.0.0.40 k256
	provide-xfr: 127.0.0.9-127.0.1.1 NOKEY
	provide-xfr: ::1-::5 k512
	allow-notify: 10.0.0.1-10.0.0.40 NOKEY
''',
        'query.test': f'''
	allow-query: 127.0.0.1 NOKEY
	allow-query: 127.0.0.2 NOKEY
	allow-query: 127.0.0.3 k256
	allow-query: 127.0.0.4 BLOCKED
	allow-query: 127.0.0.0/24 k512
	allow-query: ::1@{pb} NOKEY
	provide-xfr: 127.0.0.2 NOKEY
''',
        'empty.test': '',
        'notify.test': '''
	allow-notify: 127.0.0.0/28 NOKEY
	allow-notify: 127.0.0.5 BLOCKED
	allow-notify: 127.0.0.0/24 k512
	allow-notify: ::1 k256
''',
    }


def write_conf(path, d, port, zones):
    """nsd.conf for NSD (IPv4 and ::1) and, unchanged, for knotd+mod-nsd."""
    text = f'''key:
	name: "k256"
	algorithm: hmac-sha256
	secret: "{SECRET_A}"

key:
	name: "k512"
	algorithm: sha512
	secret: "{SECRET_B}"
'''
    for name, body in zones.items():
        text += f'\nzone:\n\tname: "{name}"\n\tzonefile: "{name}.zone"\n{body}'
    h.write_nsd_conf(path, d, port, text, ipv6=True)


class Knotd6(h.Knotd):
    """knotd listening on ::1 as well."""

    def write_conf(self, module, with_module=True, extra=''):
        super().write_conf(module, with_module, extra)
        with open(self.conf) as f:
            text = f.read()
        text = text.replace(f'listen: 127.0.0.1@{self.port}\n',
                            f'listen: [ 127.0.0.1@{self.port}, ::1@{self.port} ]\n')
        with open(self.conf, 'w') as f:
            f.write(text)


# --- requests ---

def sign(wire, key_name, secret, alg, offset):
    """wire with a TSIG RR appended, signed at now + offset; returns (wire, mac)."""
    key = dns.tsig.Key(key_name, secret, ALGS[alg])
    qid = struct.unpack('!H', wire[:2])[0]
    rd = dns.rdtypes.ANY.TSIG.TSIG(dns.rdataclass.ANY, dns.rdatatype.TSIG, key.algorithm,
                                   0, 300, b'', qid, 0, b'')
    tsig, _ = dns.tsig.sign(wire, key, rd, int(time.time()) + offset, b'')
    rdata = tsig.to_wire()
    ar = struct.unpack('!H', wire[10:12])[0] + 1
    out = (wire[:10] + struct.pack('!H', ar) + wire[12:] + key.name.to_wire() +
           struct.pack('!HHIH', dns.rdatatype.TSIG, dns.rdataclass.ANY, 0, len(rdata)) + rdata)
    return out, tsig.mac, key


def build(kind, zone, variant):
    if kind == 'NOTIFY':
        q = dns.message.make_query(zone, 'SOA')
        q.set_opcode(dns.opcode.NOTIFY)
        q.flags |= dns.flags.AA
        q.flags &= ~dns.flags.RD
    elif kind == 'QUERY':
        q = dns.message.make_query(zone, 'SOA')
    else:
        q = dns.message.make_query(zone, kind)
        if kind == 'IXFR':
            q.authority.append(dns.rrset.from_text(
                zone + '.', 0, 'IN', 'SOA', f'ns1.{zone}. hostmaster.{zone}. 1 3600 900 604800 300'))
    q.use_edns(0)
    wire = q.to_wire()
    if variant is None:
        return wire, None, None
    return sign(wire, *variant)


def skip_name(w, i):
    while True:
        n = w[i]
        if n == 0:
            return i + 1
        if n & 0xc0 == 0xc0:
            return i + 2
        i += n + 1


def parse(w):
    """rcode, TSIG (error, signed), EDE codes, answer records of one response."""
    qd, an, ns, ar = struct.unpack('!HHHH', w[4:12])
    rcode = w[3] & 0x0f
    i = 12
    for _ in range(qd):
        i = skip_name(w, i) + 4
    tsig_error, tsig_signed, ede, records = None, False, [], 0
    for n in range(an + ns + ar):
        i = skip_name(w, i)
        rtype, _, _, rdlen = struct.unpack('!HHIH', w[i:i + 10])
        i += 10
        rd = w[i:i + rdlen]
        if n < an:
            records += 1
        if rtype == dns.rdatatype.OPT:
            rcode |= (struct.unpack('!I', w[i - 6:i - 2])[0] >> 24) << 4
            j = 0
            while j + 4 <= len(rd):
                code, olen = struct.unpack('!HH', rd[j:j + 4])
                if code == 15 and olen >= 2:
                    ede.append(struct.unpack('!H', rd[j + 4:j + 6])[0])
                j += 4 + olen
        elif rtype == dns.rdatatype.TSIG:
            j = skip_name(rd, 0) + 6 + 2
            macsize = struct.unpack('!H', rd[j:j + 2])[0]
            j += 2 + macsize + 2
            tsig_error = struct.unpack('!H', rd[j:j + 2])[0]
            tsig_signed = macsize > 0
        i += rdlen
    return rcode, tsig_error, tsig_signed, ede, records


class Answer:
    def __init__(self):
        self.rcode = None      # None: no answer
        self.tsig_error = None
        self.signed = False
        self.sig_ok = None     # first message's MAC verified (signed, no TSIG error)
        self.ede = []
        self.records = 0       # answer records over all messages
        self.messages = 0
        self.complete = False  # an AXFR ended with its closing SOA

    def verdict(self, kind):
        allowed = self.rcode == 0 and (kind == 'NOTIFY' or self.records > 0) and \
            (kind != 'AXFR' or self.complete)
        return (allowed, dns.rcode.to_text(self.rcode) if self.rcode is not None else 'timeout',
                TSIG_ERRORS.get(self.tsig_error or 0, str(self.tsig_error)))

    def __repr__(self):
        return (f'rcode={self.rcode} tsig_error={self.tsig_error} signed={self.signed} '
                f'sig_ok={self.sig_ok} ede={self.ede} records={self.records} '
                f'messages={self.messages}')


def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def count_soa(w):
    """SOA records in the answer section of one message."""
    qd, an = struct.unpack('!HH', w[4:8])
    i = 12
    for _ in range(qd):
        i = skip_name(w, i) + 4
    n = 0
    for _ in range(an):
        i = skip_name(w, i)
        rtype, _, _, rdlen = struct.unpack('!HHIH', w[i:i + 10])
        n += rtype == dns.rdatatype.SOA
        i += 10 + rdlen
    return n


def exchange(port, src, sport, wire, tcp, kind, timeout=3.0):
    """The messages the server sends back for wire, from src@sport (0: any port)."""
    fam = socket.AF_INET6 if ':' in src else socket.AF_INET
    dst = '::1' if fam == socket.AF_INET6 else '127.0.0.1'
    s = socket.socket(fam, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    msgs = []
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if tcp:
            # a fixed source port again and again: no TIME_WAIT on our side (as NSD's
            # own outgoing-interface @port sockets)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.bind((src, sport))
        s.settimeout(timeout)
        if not tcp:
            s.sendto(wire, (dst, port))
            msgs.append(s.recv(65535))
        else:
            s.connect((dst, port))
            s.sendall(struct.pack('!H', len(wire)) + wire)
            soas = 0
            while True:
                ln = struct.unpack('!H', recv_exact(s, 2))[0]
                m = recv_exact(s, ln)
                msgs.append(m)
                soas += count_soa(m)
                # an error, an IXFR's (single-SOA) answer, or the closing SOA
                if m[3] & 0x0f != 0 or kind != 'AXFR' or soas >= 2:
                    break
    except (EOFError, socket.timeout, OSError):
        pass
    finally:
        s.close()
    return msgs


def answer_of(msgs, mac, key):
    a = Answer()
    if not msgs:
        return a
    a.messages = len(msgs)
    a.rcode, a.tsig_error, a.signed, a.ede, _ = parse(msgs[0])
    a.records = sum(parse(m)[4] for m in msgs)
    a.complete = sum(count_soa(m) for m in msgs) >= 2
    if a.signed and not a.tsig_error and key is not None:
        try:
            dns.message.from_wire(msgs[0], keyring={key.name: key}, request_mac=mac,
                                  xfr=len(msgs) > 1 or a.records > 1)
            a.sig_ok = True
        except Exception:
            a.sig_ok = False
    return a


def ask(port, kind, zone, src, sport, variant, tcp=None):
    wire, mac, key = build(kind, zone, variant)
    if tcp is None:
        tcp = kind in ('AXFR', 'IXFR')
    return answer_of(exchange(port, src, sport, wire, tcp, kind), mac, key)


# Differences that are not the gate's to close (doc/mod-nsd.md, "Access gate"):
# knotd holds one algorithm per key and checks signed queries against its own ACL;
# NSD verifies a request with the algorithm it names. A query to a zone without
# allow-query, signed with the right secret and another algorithm, is answered by
# NSD and refused by knotd's own ACL: NOTAUTH with a BADKEY TSIG record in knotd 3.2,
# NOTAUTH without a TSIG record since 3.3.0 (knotd's change, not the gate's: the module
# leaves such queries to knotd). knotd's answer must be exactly that.
def known_difference(kind, zone, variant_name, zones):
    return (kind == 'QUERY' and variant_name == 'wrong-algorithm' and
            'allow-query' not in zones[zone])


def known_knotd_verdict():
    return (False, 'NOTAUTH', 'BADKEY' if h.knotd_version() < (3, 3, 0) else '-')


def reloads(r, knot, conf, kport, pa, po):
    """Reloads overlap module instances, each with its own gate; a broken nsd.conf keeps
    the last good rules (knotd's own ACL would allow 127.0.0.7 from any port)."""
    def gate_holds():
        a = ask(kport, 'AXFR', 'port.test', '127.0.0.7', pa, None)
        b = ask(kport, 'AXFR', 'port.test', '127.0.0.7', po, None)
        return (a.verdict('AXFR')[0] and b.verdict('AXFR')[1] == 'REFUSED' and
                b.records == 0), (a, b)

    stop = threading.Event()
    bad = []

    def hammer():
        while not stop.is_set():
            ok, got = gate_holds()
            if not ok:
                bad.append(got)
    t = threading.Thread(target=hammer)
    t.start()
    done = 0
    for _ in range(20):
        done += knot.knotc('reload').returncode == 0
        time.sleep(0.3)
    stop.set()
    t.join()
    r.check(done == 20 and not bad and knot.alive,
            '20 reloads under transfers: every verdict held, knotd runs',
            f'{done} reloads, {len(bad)} wrong: {bad[:2]!r}')

    good = open(conf).read()
    with open(conf, 'a') as f:
        f.write('\nbogus-option: yes\n')
    before = knot.count(r'access gate: keeps the rules of the last good nsd\.conf')
    knot.knotc('reload')
    r.check(knot.wait_log(r'access gate: keeps the rules of the last good nsd\.conf', 10,
                          before + 1), 'broken nsd.conf at reload: the gate says it keeps its rules')
    ok, got = gate_holds()
    r.check(ok, 'broken nsd.conf at reload: the last good rules still apply', repr(got))
    with open(conf, 'w') as f:
        f.write(good)
    knot.knotc('reload')
    time.sleep(1)
    ok, got = gate_holds()
    r.check(ok and knot.alive, 'fixed nsd.conf: the gate applies it', repr(got))


def run(args):
    r = h.Runner(os.path.abspath(args.module))
    top = r.tmpdir('gate-diff')
    nport, kport = h.free_port(), h.free_port()
    # pa, pb: the ports of @port entries; po: another fixed port, so that a request "from
    # any other port" cannot get pa or pb from the kernel by chance
    pa, pb, po = h.free_port(), h.free_port(), h.free_port()
    ndir = os.path.join(top, 'nsd')
    os.makedirs(os.path.join(ndir, 'zones'))
    zones = zones_text(pa, pb)
    conf = os.path.join(ndir, 'nsd.conf')
    nsd = h.Nsd(ndir, nport, '')
    write_conf(conf, ndir, nport, zones)
    for z in list(zones) + ['other.test']:
        h.write_zone(os.path.join(ndir, 'zones', z + '.zone'), z, 1)
    knot = Knotd6(os.path.join(top, 'knotd'), kport, r.module, conf)
    print('case gate-diff')
    try:
        nsd.start()
        knot.start()
        served = h.wait_for(lambda: all(h.soa_serial(kport, z) == 1 for z in zones), 20)
        if not r.check(served, 'knotd+mod-nsd serves every zone of nsd.conf'):
            return r
        if not r.check(all(h.soa_serial(nport, z) == 1 for z in zones),
                       'NSD serves every zone'):
            return r

        sources = [('127.0.0.2', 0), ('127.0.0.3', 0), ('127.0.0.4', 0), ('127.0.0.5', 0),
                   ('127.0.0.6', 0), ('127.0.0.7', pa), ('127.0.0.7', po), ('127.0.0.9', pa),
                   ('127.0.0.9', po), ('127.0.0.20', 0), ('::1', po), ('::1', pb)]
        requests = []
        for zone in zones:
            for kind in KINDS:
                for src, sport in sources:
                    for vname, v in VARIANTS:
                        requests.append((kind, zone, src, sport, vname, v, None))
        # answers that come before any ACL
        for src, sport in [('127.0.0.2', 0), ('::1', 0)]:
            for vname, v in VARIANTS[:3] + VARIANTS[4:5]:
                requests.append(('AXFR', 'single.test', src, sport, vname, v, False))  # UDP
                requests.append(('IXFR', 'single.test', src, sport, vname, v, False))
                requests.append(('AXFR', 'nowhere.test', src, sport, vname, v, None))
                requests.append(('NOTIFY', 'nowhere.test', src, sport, vname, v, None))

        same = differ = known = leaks = unsigned_refusals = ede_differ = 0
        allowed = {True: 0, False: 0}
        t0 = time.monotonic()
        for kind, zone, src, sport, vname, v, tcp in requests:
            a_nsd = ask(nport, kind, zone, src, sport, v, tcp)
            a_knot = ask(kport, kind, zone, src, sport, v, tcp)
            vn, vk = a_nsd.verdict(kind), a_knot.verdict(kind)
            what = (f'{kind}{"/udp" if tcp is False else ""} {zone} from {src}'
                    f'{"@" + str(sport) if sport else ""} {vname}')
            if vn == vk:
                same += 1
                allowed[vn[0]] += 1
            elif known_difference(kind, zone, vname, zones) and vk == known_knotd_verdict():
                known += 1
                if args.verbose:
                    print(f'  known {what}: nsd {vn} knotd {vk}')
            else:
                differ += 1
                print(f'  DIFF {what}: nsd {vn} {a_nsd!r} | knotd {vk} {a_knot!r}')
            # a refused transfer carries no record of the zone
            if kind in ('AXFR', 'IXFR') and not vk[0] and a_knot.records > 0:
                leaks += 1
                print(f'  LEAK {what}: knotd refused but sent {a_knot.records} records')
            # a refusal of a validly signed request is signed, and the signature holds
            if (vk[1] in ('REFUSED', 'NOTIMP', 'NOTAUTH') and vk[2] == '-' and v is not None and
                    not known_difference(kind, zone, vname, zones) and
                    vname in ('k256', 'k512', 'K256-upper-case', 'wrong-algorithm') and
                    (not a_knot.signed or a_knot.sig_ok is False) and
                    a_nsd.signed):
                unsigned_refusals += 1
                print(f'  UNSIGNED {what}: knotd {a_knot!r}, nsd {a_nsd!r}')
            # NSD 4.6.1 adds EDE 18 to refused transfers and queries: informational
            if vn == vk and sorted(a_nsd.ede) != sorted(a_knot.ede):
                ede_differ += 1
                if args.verbose:
                    print(f'  ede {what}: nsd {a_nsd.ede} knotd {a_knot.ede}')
            if args.verbose and vn == vk:
                print(f'  same {what}: {vn}')
        took = time.monotonic() - t0
        total = len(requests)
        print(f'  {same} of {total} verdicts identical ({allowed[True]} allowed, '
              f'{allowed[False]} refused), {known} known differences, {differ} different; '
              f'{2 * total} requests in {took:.1f} s; EDE lists differ in {ede_differ} '
              f'identical verdicts')
        r.check(differ == 0, f'verdicts identical to NSD 4.6.1 ({same}/{total - known})')
        r.check(leaks == 0, 'refused transfers carry no record')
        r.check(unsigned_refusals == 0, 'refusals of validly signed requests are signed')
        r.check(knot.alive and nsd.alive, 'both daemons still run')
        stats = knot.knotc('stats', 'mod-nsd').stdout
        r.check('mod-nsd.refused[axfr]' in stats and 'mod-nsd.tsig-error[badsig]' in stats,
                'knotc stats mod-nsd shows the counters', stats)
        r.check(knot.count(r'debug: module .*axfr for single\.test\. from 127\.0\.0\.4@\d+ '
                           r'refused, no acl matches') > 0,
                'refusals logged at debug with zone, source and reason')
        if args.verbose:
            print(stats)
        reloads(r, knot, conf, kport, pa, po)
    finally:
        h.stop_all()
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', default=os.environ.get('KNOT_NSD_MODULE'),
                    help='the built nsd.so')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    if not args.module or not os.path.exists(args.module):
        print(f'no module at {args.module!r} (use --module)')
        return 2
    r = run(args)
    if r.dir and not r.failed and not r.keep:
        import shutil
        shutil.rmtree(r.dir, ignore_errors=True)
    elif r.dir:
        print(f'  files kept in {r.dir}')
    return r.summary()


if __name__ == '__main__':
    sys.exit(main())
