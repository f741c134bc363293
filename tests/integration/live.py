#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration cases for mod-nsd over time: NOTIFY at start-up and to new targets, watch
mode, secondary expiry, faults (primary killed mid-AXFR, knotd killed while writing the
include, a NOTIFY flood) and IXFR consistency towards an NSD secondary.

usage: live.py --module build/module/mod/nsd.so [case ...]   (no case: all of them)
"""

import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.tsig  # noqa: E402

KEY_CLAUSE = h.KEY_CLAUSE
RELOADED = r'info: configuration reloaded'
MOD_NOTIFY = r"NOTIFY (at start-up|to new notify targets|of a new serial), "


# --- helpers ---

class Listener:
    """A NOTIFY target on its own UDP port: records what arrives; answers NOERROR
    (signed when the NOTIFY was), REFUSED, or nothing ('silent')."""

    def __init__(self, mode='noerror', keyring=None, addr='127.0.0.1'):
        self.port = h.free_port()
        self.mode = mode
        self.keyring = keyring
        self.got = []          # (time, (ip, port), message or None, error text)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((addr, self.port))
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data, src = self.sock.recvfrom(65535)
            except (socket.timeout, OSError):
                continue
            now = time.monotonic()
            try:
                m = dns.message.from_wire(data, keyring=self.keyring)
            except Exception as e:  # a bad TSIG raises here
                self.got.append((now, src, None, f'{type(e).__name__}: {e}'))
                continue
            self.got.append((now, src, m, None))
            if self.mode == 'silent':
                continue
            r = dns.message.make_response(m)
            if self.mode == 'refused':
                r.set_rcode(dns.rcode.REFUSED)
            try:
                self.sock.sendto(r.to_wire(), src)
            except OSError:
                pass

    def notifies(self):
        return [g for g in self.got if g[2] is not None and g[2].opcode() == dns.opcode.NOTIFY]

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def write_soa_zone(path, origin, serial, refresh=3600, retry=900, expire=604800, extra=()):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    origin = origin.rstrip('.') + '.'
    lines = [f'$ORIGIN {origin}', '$TTL 300',
             f'@ IN SOA ns1 hostmaster {serial} {refresh} {retry} {expire} 300',
             '@ IN NS ns1', 'ns1 IN A 192.0.2.1', 'www IN A 192.0.2.80',
             f'serial IN TXT "serial {serial}"'] + list(extra)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def zone_text(port, zone):
    """The whole zone by signed AXFR as sorted text lines ('' on failure)."""
    try:
        z = h.axfr_zone(port, zone)
    except Exception as e:
        return f'AXFR failed: {e}'
    return '\n'.join(sorted(z.to_text().splitlines()))


def rcode_of(port, qname, rdtype='SOA', timeout=1.0):
    r = h.query(port, qname, rdtype, timeout=timeout)
    return None if r is None else r.rcode()


class Proxy:
    """TCP relay 127.0.0.1:port -> 127.0.0.1:target that counts the bytes the target
    sends; on_bytes(n) is called as they pass (to kill the target mid-transfer)."""

    def __init__(self, target, on_bytes=None):
        self.port = h.free_port()
        self.target = target
        self.on_bytes = on_bytes
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(('127.0.0.1', self.port))
        self.srv.listen(16)
        self.srv.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                c, _ = self.srv.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            u = socket.create_connection(('127.0.0.1', self.target), timeout=5)
        except OSError:
            c.close()
            return

        def pump(a, b, count):
            total = 0
            try:
                while True:
                    data = a.recv(16384)
                    if not data:
                        break
                    b.sendall(data)
                    total += len(data)
                    if count and self.on_bytes:
                        self.on_bytes(total)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        t = threading.Thread(target=pump, args=(c, u, False), daemon=True)
        t.start()
        pump(u, c, True)
        t.join(5)
        c.close()
        u.close()

    def close(self):
        self.running = False
        self.srv.close()


def primary_conf(workdir, port, zones):
    """nsd.conf for knotd as a primary; zones: list of (name, extra lines)."""
    text = KEY_CLAUSE
    for name, extra in zones:
        text += f'\nzone:\n\tname: "{name}"\n\tzonefile: "{name}.zone"\n' + extra
    conf = os.path.join(workdir, 'nsd.conf')
    h.write_nsd_conf(conf, workdir, port, text)
    return conf


def nsd_secondary(workdir, port, primary_port, zone, extra=''):
    return h.Nsd(workdir, port, KEY_CLAUSE + f'''
zone:
	name: "{zone}"
	zonefile: "{zone}.zone"
	allow-notify: 127.0.0.1 {h.KEY_NAME}
	request-xfr: 127.0.0.1@{primary_port} {h.KEY_NAME}
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
{extra}''')


# --- NOTIFY at start-up ---

def test_startup_notify(r):
    """NSD notifies every target at start-up; knotd does not when it notified that serial
    before it stopped. An NSD secondary that is behind must hear from knotd+mod-nsd."""
    top = r.tmpdir('startup')
    kp, sp = h.free_port(), h.free_port()
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    conf = primary_conf(kdir, kp, [('example.net', f'''	notify: 127.0.0.1@{sp} {h.KEY_NAME}
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
''')])
    write_soa_zone(os.path.join(kdir, 'zones', 'example.net.zone'), 'example.net', 2,
                   extra=['new IN A 192.0.2.2'])
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, conf)
    sec = nsd_secondary(os.path.join(top, 'nsd'), sp, kp, 'example.net')
    szone = os.path.join(sec.zonesdir, 'example.net.zone')

    # 1. knotd notifies serial 2 (its first load) and records it as notified
    sec.start()
    knot.start()
    r.check(h.wait_serial(sp, 'example.net', 2, timeout=20), 'NSD secondary got serial 2')
    # knotd 3.3 adds " TCP" after the address, 3.4 ", key <name>" before the serial
    r.check(knot.wait_log(r'\[example\.net\.\] notify, outgoing, remote 127\.0\.0\.1@%d'
                          r'( TCP)?(, key [^,]+)?, serial 2' % kp, 10),
            'knotd notified itself of serial 2 (the change goes to the module), answered')
    # one round for serial 2: the start-up round, or the self NOTIFY's when knotd's load
    # comes first (the order of the two is the machine's: a busy one flips it)
    r.check(knot.wait_log(r'zone example\.net\., NOTIFY (of a new serial|at start-up), 1 target, '
                          r'serial 2', 5) and
            knot.count(r'zone example\.net\., NOTIFY (of a new serial|at start-up)') == 1,
            'the module announced serial 2 to the target, in one round')
    knot.stop()
    sec.stop()

    # 2. the secondary falls behind: an old copy, no xfrd state, knotd down when it starts
    write_soa_zone(szone, 'example.net', 1)
    for f in ('xfrd.state',):
        try:
            os.unlink(os.path.join(sec.dir, f))
        except FileNotFoundError:
            pass
    sec.start()
    r.check(h.wait_serial(sp, 'example.net', 1, 10), 'secondary serves its old copy (serial 1)')
    # its first check fails (knotd is down): NSD waits the SOA retry (900 s) before the next
    time.sleep(1.5)
    log_before = len(knot.log())
    nsd_notifies = sec.log().count('notify for example.net.')

    # 3. knotd starts again with the same serial: only the module's NOTIFY can tell NSD
    t0 = time.monotonic()
    knot.start()
    got = h.wait_serial(sp, 'example.net', 2, timeout=10)
    r.check(got, 'after knotd restarts, the secondary catches up to serial 2 within 10 s',
            f'serial {h.soa_serial(sp, "example.net")}')
    if got:
        print(f'  (secondary at serial 2 {time.monotonic() - t0:.2f} s after knotd started)')
    new_log = knot.log()[log_before:]
    r.check(not re.search(r'\[example\.net\.\] notify, outgoing', new_log),
            'knotd sent no NOTIFY at this start (serial 2 was notified before)')
    r.check(re.search(r'zone example\.net\., NOTIFY at start-up, 1 target, serial 2', new_log),
            'the module logged its start-up NOTIFY with serial 2')
    r.check(sec.log().count('notify for example.net.') > nsd_notifies,
            'NSD logged the NOTIFY')
    r.check(h.answers(sp, 'new.example.net') == ['192.0.2.2'],
            'the secondary answers the record of serial 2')

    # 4. knotc reload is not a start: no second round
    h.wait_for(lambda: knot.count(r'NOTIFY done') >= 1, 5)
    n_mod = knot.count(MOD_NOTIFY)
    n_nsd = sec.log().count('notify for example.net.')
    res = knot.knotc('reload')
    r.check(res.returncode == 0, 'knotc reload')
    time.sleep(2)
    r.check(knot.count(MOD_NOTIFY) == n_mod and
            sec.log().count('notify for example.net.') == n_nsd,
            'knotc reload sends no start-up NOTIFY again',
            f'{knot.count(MOD_NOTIFY) - n_mod} module rounds, '
            f'{sec.log().count("notify for example.net.") - n_nsd} at NSD')


# --- NOTIFY to a target nsd.conf gains; NSD's message and retry rules ---

def test_new_target(r):
    """A notify target added to nsd.conf gets a NOTIFY after knotc reload, only it; the
    message is NSD's; a silent target gets notify-retry transmissions 3 s apart; a
    REFUSED answer is retried at once."""
    top = r.tmpdir('newtarget')
    kp, sp = h.free_port(), h.free_port()
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    old = Listener('noerror', h.keyring())
    write_soa_zone(os.path.join(kdir, 'zones', 'example.net.zone'), 'example.net', 5)

    def conf(targets):
        notify = ''.join(f'\tnotify: {t}\n' for t in targets)
        return primary_conf(kdir, kp, [('example.net', notify + f'''	notify-retry: 2
	outgoing-interface: 127.0.0.2
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
''')])

    first = [f'127.0.0.1@{old.port} {h.KEY_NAME}']
    nsdconf = conf(first)
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, nsdconf)
    # the new target: an NSD secondary that accepts NOTIFY from 127.0.0.2 with the key only
    sec = h.Nsd(os.path.join(top, 'nsd'), sp, KEY_CLAUSE + f'''
zone:
	name: "example.net"
	zonefile: "example.net.zone"
	allow-notify: 127.0.0.2 {h.KEY_NAME}
	request-xfr: 127.0.0.1@{kp} {h.KEY_NAME}
''')
    knot.start()
    r.check(h.wait_for(lambda: old.notifies(), 10), 'the first target got the start-up NOTIFY')
    n = old.notifies()
    if n:
        _, src, m, _ = n[0]
        r.check(src[0] == '127.0.0.2', 'sent from outgoing-interface 127.0.0.2', str(src))
        r.check(m.flags & dns.flags.AA and not m.flags & dns.flags.QR,
                'NOTIFY has AA set, QR clear')
        q = m.question[0] if m.question else None
        r.check(q is not None and q.name.to_text() == 'example.net.' and
                q.rdtype == dns.rdatatype.SOA, 'question example.net. SOA IN')
        r.check(len(m.answer) == 1 and m.answer[0].rdtype == dns.rdatatype.SOA and
                m.answer[0][0].serial == 5, 'answer holds the current SOA (serial 5)',
                str(m.answer))
        r.check(m.had_tsig and m.keyname.to_text() == h.KEY_NAME + '.',
                'TSIG-signed with the entry\'s key, MAC verified by the receiver')
    r.check(not [g for g in old.got if g[2] is None], 'no malformed or badly signed packet',
            str([g[3] for g in old.got if g[2] is None]))

    sec.start()
    r.check(h.wait_serial(sp, 'example.net', 5, 15), 'NSD (not a target yet) transferred serial 5')
    time.sleep(1)
    nsd_notify = sec.log().count('notify for example.net.')
    old_count = len(old.notifies())
    silent = Listener('silent')
    refusing = Listener('refused')

    # nsd.conf gains three targets: NSD (signed), one that never answers, one that refuses
    conf(first + [f'127.0.0.1@{sp} {h.KEY_NAME}', f'127.0.0.1@{silent.port} NOKEY',
                  f'127.0.0.1@{refusing.port} NOKEY'])
    t0 = time.monotonic()
    res = knot.knotc('reload')
    r.check(res.returncode == 0, 'knotc reload', res.stdout + res.stderr)
    r.check(h.wait_for(lambda: sec.log().count('notify for example.net.') > nsd_notify, 10),
            'the NSD target added to nsd.conf got a NOTIFY after knotc reload')
    r.check('refused' not in sec.log().split('notify for example.net.')[-1].split('\n')[0],
            'NSD accepted it (signed, from 127.0.0.2)')
    r.check(knot.wait_log(r'zone example\.net\., NOTIFY to new notify targets, 3 targets, '
                          r'serial 5', 5), 'the module logged a NOTIFY to 3 new targets')
    h.wait_for(lambda: knot.count(r'max notify send count reached') >= 2, 12)
    r.check(len(old.notifies()) == old_count,
            'the target nsd.conf had before got no NOTIFY again',
            f'{len(old.notifies()) - old_count} more')
    s = silent.notifies()
    gaps = [round(b[0] - a[0], 2) for a, b in zip(s, s[1:])]
    r.check(len(s) == 2 and all(2.7 <= g <= 3.6 for g in gaps),
            'a silent target: notify-retry (2) transmissions, 3 s apart', f'{len(s)}, gaps {gaps}')
    f = refusing.notifies()
    gaps = [round(b[0] - a[0], 2) for a, b in zip(f, f[1:])]
    r.check(len(f) == 2 and all(g < 1.0 for g in gaps),
            'a REFUSED answer: sent again at once, notify-retry transmissions in all',
            f'{len(f)}, gaps {gaps}')
    r.check(knot.count(r'NOTIFY to 127\.0\.0\.1@%d: max notify send count reached' %
                       silent.port) == 1, 'the silent target is logged as unreachable')
    ids = [g[2].id for g in s]
    r.check(len(set(ids)) == len(ids), 'each transmission has its own random ID', str(ids))
    print(f'  (reload to last transmission: {time.monotonic() - t0:.1f} s)')
    for l in (old, silent, refusing):
        l.close()


# --- watch mode ---

def test_watch(r):
    """watch: on: edits of nsd.conf, a file it includes by glob, and broken edits."""
    top = r.tmpdir('watch')
    port = h.free_port()
    ndir = os.path.join(top, 'nsd')
    incdir = os.path.join(ndir, 'zones.d')
    os.makedirs(incdir)
    zonesdir = os.path.join(ndir, 'zones')

    def write(zones, tail='', how='rename'):
        text = KEY_CLAUSE
        for z in zones:
            text += f'\nzone:\n\tname: "{z}"\n\tzonefile: "{z}.zone"\n'
        text += f'\ninclude: "{incdir}/*.conf"\n' + tail
        tmp = os.path.join(ndir, '.nsd.conf.swp')
        h.write_nsd_conf(tmp, ndir, port, text)
        conf = os.path.join(ndir, 'nsd.conf')
        if how == 'rename':          # vim, emacs, sed -i: a new file renamed over the old
            os.rename(tmp, conf)
        else:                        # an editor that rewrites in place, in pieces
            data = open(tmp).read()
            os.unlink(tmp)
            with open(conf, 'w') as f:
                f.write(data[:len(data) // 2])
                f.flush()
                time.sleep(0.15)
                f.write(data[len(data) // 2:])
        return conf

    os.makedirs(zonesdir, exist_ok=True)
    for z in ['a.example', 'b.example', 'c.example', 'd.example', 'e.example']:
        h.write_zone(os.path.join(zonesdir, z + '.zone'), z, 1)
    conf = write(['a.example'])
    knot = h.Knotd(os.path.join(top, 'knotd'), port, r.module, conf,
                   mod_extra='    watch: on\n')
    knot.start()
    served = lambda z: h.soa_serial(port, z) is not None  # noqa: E731
    r.check(h.wait_for(lambda: served('a.example'), 10), 'a.example served')
    time.sleep(1.5)

    def edit(what, fn, zone, want_reloads=1):
        before = knot.count(RELOADED)
        t0 = time.monotonic()
        fn()
        ok = h.wait_for(lambda: served(zone), 6, step=0.02)
        dt = time.monotonic() - t0
        r.check(ok and dt <= 3.0, f'{what}: {zone} served {dt:.2f} s after the edit (<= 3 s)')
        time.sleep(2.0)
        n = knot.count(RELOADED) - before
        r.check(n == want_reloads, f'{what}: exactly {want_reloads} reload', f'{n} reloads')
        return dt

    edit('nsd.conf replaced by rename', lambda: write(['a.example', 'b.example']), 'b.example')
    edit('nsd.conf rewritten in place in two writes',
         lambda: write(['a.example', 'b.example', 'c.example'], how='inplace'), 'c.example')

    def add_include():
        with open(os.path.join(incdir, 'team.conf'), 'w') as f:
            f.write('zone:\n\tname: "d.example"\n\tzonefile: "d.example.zone"\n')
    edit('a new file matching include: glob', add_include, 'd.example')

    # no change in content: no reload
    before = knot.count(RELOADED)
    os.utime(conf)
    time.sleep(2)
    r.check(knot.count(RELOADED) == before, 'touch without a change: no reload')

    # broken edit: no reload, NSD's error line in knotd's log; the fix applies
    before = knot.count(RELOADED)
    write(['a.example', 'b.example', 'c.example'], tail='zone:\n\tname: "x.example"\n\tbogus: 1\n')
    r.check(knot.wait_log(r'error: module .*nsd\.conf:\d+: ', 5), 'broken edit: error logged')
    time.sleep(1.5)
    r.check(knot.count(RELOADED) == before, 'broken edit: no reload')
    r.check(served('d.example') and served('c.example'), 'broken edit: zones still served')
    edit('the fix', lambda: write(['a.example', 'b.example', 'c.example', 'e.example']),
         'e.example')
    r.check(knot.alive, 'knotd still runs')
    r.check(knot.count(r"watch: .* changed, '[^']*' updated, reloading") == 4,
            'the watcher asked for 4 reloads in all',
            str(knot.count(r"watch: .* changed, '[^']*' updated, reloading")))


# --- expiry ---

def test_expiry(r):
    """A knotd secondary whose primary is gone serves until the (clamped) expire time,
    then answers SERVFAIL; when the primary comes back it is refreshed."""
    top = r.tmpdir('expiry')
    pp, kp = h.free_port(), h.free_port()
    prim = h.Nsd(os.path.join(top, 'nsd'), pp,
                 KEY_CLAUSE + h.primary_zone_clause('example.com', kp))
    # SOA: refresh 2, retry 1, expire 3; nsd.conf raises expire to 8 (min-expire-time)
    write_soa_zone(os.path.join(prim.zonesdir, 'example.com.zone'), 'example.com', 1,
                   refresh=2, retry=1, expire=3)
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    conf = primary_conf(kdir, kp, [('example.com', f'''	allow-notify: 127.0.0.1 {h.KEY_NAME}
	request-xfr: 127.0.0.1@{pp} {h.KEY_NAME}
	min-expire-time: 8
''')])
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, conf)
    r.check('expire-min-interval: 8' in _render_after_start(knot, prim),
            'the include says expire-min-interval: 8 (min-expire-time)')
    r.check(h.wait_serial(kp, 'example.com', 1, 15), 'knotd serves example.com from NSD')
    time.sleep(2.5)   # a refresh or two, so the expire timer runs from a fresh check

    prim.stop()
    t0 = time.monotonic()
    time.sleep(3.5)
    r.check(rcode_of(kp, 'example.com') == dns.rcode.NOERROR and
            h.soa_serial(kp, 'example.com') == 1,
            'primary gone 3.5 s: still served (expire 8 s, not the SOA\'s 3)')
    t_fail = h.wait_for(lambda: rcode_of(kp, 'example.com') == dns.rcode.SERVFAIL and
                        time.monotonic(), 12, step=0.1)
    r.check(t_fail, 'then SERVFAIL (expired)')
    if t_fail:
        dt = t_fail - t0
        r.check(5.5 <= dt <= 11, f'expired {dt:.1f} s after the primary went (8 s since the '
                'last good refresh, refresh every 2 s)')
    r.check(rcode_of(kp, 'www.example.com', 'A') == dns.rcode.SERVFAIL,
            'names in the zone: SERVFAIL too')
    r.check(knot.count(r'\[example\.com\.\] zone expired') == 1, 'knotd logged the expiry')
    zs = subprocess.run([h.NSD_CONTROL, '-c', conf, 'zonestatus', 'example.com'],
                        capture_output=True, text=True, timeout=20)
    # NSD 4.6.1, seen with the same SOA timers: state: expired, then the serial it last
    # had as served- and commit-serial, and the wait
    r.check(re.match(r'zone:\texample\.com\n\tstate: expired\n\tserved-serial: "1 since '
                     r'[0-9T:-]+"\n\tcommit-serial: "1 since [0-9T:-]+"\n\twait: "\d+ sec '
                     r'between attempts"\n$', zs.stdout),
            "nsd-control zonestatus answers NSD's lines of an expired zone", repr(zs.stdout))

    prim.start()
    t1 = time.monotonic()
    ok = h.wait_serial(kp, 'example.com', 1, 15)
    r.check(ok, 'primary back: served again', f'rcode {rcode_of(kp, "example.com")}')
    if ok:
        print(f'  (served again {time.monotonic() - t1:.1f} s after the primary came back)')


def _render_after_start(knot, prim):
    prim.start()
    knot.start()
    h.wait_for(lambda: os.path.exists(knot.include), 5)
    try:
        return open(knot.include).read()
    except OSError:
        return ''


# --- faults ---

def test_axfr_kill(r):
    """The primary killed in the middle of an AXFR: the secondary keeps the old zone,
    whole; a later transfer succeeds."""
    top = r.tmpdir('axfrkill')
    pp, kp = h.free_port(), h.free_port()
    killed = threading.Event()
    passed = {'bytes': 0}
    prim = h.Nsd(os.path.join(top, 'nsd'), pp,
                 KEY_CLAUSE + h.primary_zone_clause('example.com', kp))

    def on_bytes(n):
        passed['bytes'] = n
        if n > 400000 and not killed.is_set() and prim.proc is not None:
            killed.set()
            os.killpg(prim.proc.pid, signal.SIGKILL)

    proxy = Proxy(pp, on_bytes)
    zfile = os.path.join(prim.zonesdir, 'example.com.zone')
    write_soa_zone(zfile, 'example.com', 1, extra=['old IN A 192.0.2.10'])
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    conf = primary_conf(kdir, kp, [('example.com', f'''	allow-notify: 127.0.0.1 {h.KEY_NAME}
	request-xfr: 127.0.0.1@{proxy.port} {h.KEY_NAME}
''')])
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, conf)
    prim.start()
    knot.start()
    r.check(h.wait_serial(kp, 'example.com', 1, 15), 'knotd serves serial 1 (through the relay)')
    before = sorted(h.answers(kp, n) for n in ['www.example.com', 'old.example.com'])

    big = [f'h{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}' for i in range(120000)]
    write_soa_zone(zfile, 'example.com', 2, extra=big)
    prim.control('reload', 'example.com')
    r.check(h.wait_for(killed.is_set, 30), 'NSD killed with SIGKILL mid-transfer',
            f'{passed["bytes"]} bytes relayed')
    print(f'  (killed after {passed["bytes"]} bytes of the transfer)')
    prim.proc.wait()
    prim.proc = None
    time.sleep(1.5)
    r.check(knot.alive, 'knotd still runs')
    r.check(h.soa_serial(kp, 'example.com') == 1, 'knotd still serves serial 1',
            str(h.soa_serial(kp, 'example.com')))
    after = sorted(h.answers(kp, n) for n in ['www.example.com', 'old.example.com'])
    r.check(after == before and h.answers(kp, 'h5.example.com') == [],
            'the old zone is intact (its records, none of the new ones)')
    # knotd 3.4 names the notifier first: "refresh, notifier remote R, address A, failed"
    r.check(knot.count(r'\[example\.com\.\] refresh, (notifier remote [^,]*, )?'
                       r'(address|remote) .*failed') >= 1,
            'knotd logged the failed transfer')

    prim.start()   # NSD notifies knotd at start-up
    ok = h.wait_serial(kp, 'example.com', 2, 40)
    r.check(ok, 'primary back: a later transfer brings serial 2')
    r.check(h.answers(kp, 'h119999.example.com') == ['10.1.212.191'],
            'the new zone is complete (its last record is there)')
    proxy.close()


def test_include_kill(r):
    """knotd SIGKILLed while the module writes the include: the include on disk is always
    complete, the old or the new text, never a part."""
    top = r.tmpdir('inckill')
    port = h.free_port()
    ndir = os.path.join(top, 'nsd')
    os.makedirs(ndir)
    conf = os.path.join(ndir, 'nsd.conf')

    def version(v):
        text = KEY_CLAUSE + '\npattern:\n\tname: "p"\n\tprovide-xfr: 127.0.0.1 tkey\n'
        for i in range(5000):
            text += f'zone:\n\tname: "z{i}.v{v}.example"\n\tinclude-pattern: "p"\n' \
                    f'\tzonefile: "z.zone"\n'
        h.write_nsd_conf(conf, ndir, port, text)

    knot = h.Knotd(os.path.join(top, 'knotd'), port, r.module, conf)
    refs = {}
    t_write = []
    for v in (0, 1):
        version(v)
        t0 = time.monotonic()
        knot._start([h.KNOTD, '-c', knot.conf])
        ok = knot.wait_log(r"'[^']*' updated from", 30, count=v + 1)
        t_write.append(time.monotonic() - t0)
        r.check(ok, f'version {v}: the module wrote the include')
        knot.proc.send_signal(signal.SIGKILL)
        knot.proc.wait()
        knot.proc = None
        refs[v] = open(knot.include, 'rb').read()
    r.check(refs[0] != refs[1] and len(refs[0]) > 200000,
            f'two different include texts ({len(refs[0])} and {len(refs[1])} bytes)')
    # Kill in turn at a spread point from knotd's start to past the write, as soon as the
    # module's temporary file appears (inside the write itself), and once the new text is
    # in place (after the write). The last kind is waited for, not timed: on a loaded
    # machine a start can take longer than the measured ones, and timed kills alone
    # then all landed before the rename (CI, 2026-12-02: 30 old, 0 new).
    span = max(t_write) * 1.3
    rnd = random.Random(6)
    outcome = {'old': 0, 'new': 0, 'partial': 0}
    mid_write = 0
    on_disk = 1
    kills = 0
    # At least 30 kills, and more (bounded) until 5 have landed inside the write: on a
    # loaded machine the write window is hit less often, and the test must still
    # prove what it says.
    deadline = time.monotonic() + 90
    for i in range(120):
        if i >= 30 and (mid_write >= 5 or time.monotonic() > deadline):
            break
        kills += 1
        want = 1 - on_disk   # the other text: every start has to write
        version(want)
        knot._start([h.KNOTD, '-c', knot.conf])
        tmp = os.path.join(knot.incdir, f'nsd.conf.tmp.{knot.proc.pid}')
        if i % 3 == 1:
            end = time.monotonic() + 5
            while not os.path.exists(tmp) and time.monotonic() < end:
                pass
            time.sleep(rnd.random() * 0.002)
        elif i % 3 == 2:
            def written():
                with open(knot.include, 'rb') as f:
                    return f.read() == refs[want]
            h.wait_for(written, 30, step=0.01)
        else:
            time.sleep(span * (i + rnd.random()) / 30)
        knot.proc.send_signal(signal.SIGKILL)
        knot.proc.wait()
        knot.proc = None
        if os.path.exists(tmp):
            mid_write += 1
        data = open(knot.include, 'rb').read()
        if data == refs[want]:
            outcome['new'] += 1
            on_disk = want
        elif data == refs[on_disk]:
            outcome['old'] += 1
        else:
            outcome['partial'] += 1
    print(f'  ({kills} kills, {mid_write} of them while the temporary file was being written: '
          f'{outcome})')
    r.check(outcome['partial'] == 0, 'never a partial include', str(outcome))
    r.check(outcome['old'] > 0 and outcome['new'] > 0 and mid_write >= 5,
            'kills landed before, during and after the write', f'{outcome}, {mid_write} mid-write')
    tmp = [n for n in os.listdir(knot.incdir) if '.tmp.' in n]
    print(f'  ({len(tmp)} temporary files left by killed writers; *.conf does not match them)')
    r.check(all(not n.endswith('.conf') for n in os.listdir(knot.incdir) if n != 'nsd.conf'),
            'nothing but the include matches the include: glob')
    knot.start()
    r.check(h.wait_for(lambda: h.soa_serial(port, 'z1.v1.example') is None and knot.alive, 5),
            'knotd starts normally afterwards')


def test_notify_flood(r):
    """10 000 NOTIFYs in a few seconds, allowed and refused mixed: queries and the
    control socket keep answering."""
    top = r.tmpdir('flood')
    pp, kp = h.free_port(), h.free_port()
    prim = h.Nsd(os.path.join(top, 'nsd'), pp,
                 KEY_CLAUSE + h.primary_zone_clause('example.com', kp))
    write_soa_zone(os.path.join(prim.zonesdir, 'example.com.zone'), 'example.com', 1)
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    conf = primary_conf(kdir, kp, [
        ('example.com', f'''	allow-notify: 127.0.0.1 {h.KEY_NAME}
	request-xfr: 127.0.0.1@{pp} {h.KEY_NAME}
'''),
        ('a.example', f'	provide-xfr: 127.0.0.1 {h.KEY_NAME}\n')])
    h.write_zone(os.path.join(kdir, 'zones', 'a.example.zone'), 'a.example', 1)
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, conf)
    prim.start()
    knot.start()
    r.check(h.wait_serial(kp, 'example.com', 1, 15) and h.wait_serial(kp, 'a.example', 1, 5),
            'both zones served')

    def wire(secret, ident):
        q = dns.message.make_query('example.com', 'SOA')
        q.flags = dns.flags.AA    # before set_opcode: the opcode lives in the flags word
        q.set_opcode(dns.opcode.NOTIFY)
        q.id = ident
        if secret is not None:
            q.use_tsig(h.keyring(secret), keyname=h.KEY_NAME, algorithm=h.KEY_ALG)
        return q.to_wire()

    kinds = [('allowed', '127.0.0.1', h.KEY_SECRET), ('unsigned', '127.0.0.1', None),
             ('other source', '127.0.0.2', h.KEY_SECRET), ('bad key', '127.0.0.1', h.WRONG_SECRET)]
    packets = []
    for i in range(10000):
        name, src, secret = kinds[i % 4] if i % 10 else kinds[0]
        packets.append((src, name, i & 0xffff))
    wires = {}
    for name, src, secret in kinds:
        wires[name] = [wire(secret, j) for j in range(64)]
    socks = {}
    for src in ('127.0.0.1', '127.0.0.2'):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.setblocking(False)
        socks[src] = s
    rcodes = {}

    def drain():
        for s in socks.values():
            while True:
                try:
                    data, _ = s.recvfrom(65535)
                except (BlockingIOError, OSError):
                    break
                rc = data[3] & 0xf if len(data) > 3 else -1
                rcodes[rc] = rcodes.get(rc, 0) + 1

    lat, ctl, stop = [], [], threading.Event()

    def probe():
        while not stop.is_set():
            t = time.monotonic()
            ok = h.query(kp, 'a.example', 'SOA', timeout=2.0)
            lat.append((time.monotonic() - t) if ok is not None else None)
            time.sleep(0.02)

    def ctl_probe():
        while not stop.is_set():
            t = time.monotonic()
            res = knot.knotc('status')
            ctl.append((time.monotonic() - t, res.returncode))
            time.sleep(0.2)

    # baseline without the flood
    th = [threading.Thread(target=probe), threading.Thread(target=ctl_probe)]
    for t in th:
        t.start()
    time.sleep(1.0)
    stop.set()
    for t in th:
        t.join()
    base = [x for x in lat if x is not None]
    lat.clear()
    ctl.clear()
    stop.clear()

    th = [threading.Thread(target=probe), threading.Thread(target=ctl_probe)]
    for t in th:
        t.start()
    t0 = time.monotonic()
    for i, (src, name, _) in enumerate(packets):
        try:
            socks[src].sendto(wires[name][i % 64], ('127.0.0.1', kp))
        except BlockingIOError:
            time.sleep(0.001)
        if i % 200 == 199:
            drain()
            # 10 000 in about 3 s
            ahead = (i + 1) / 3300.0 - (time.monotonic() - t0)
            if ahead > 0:
                time.sleep(ahead)
    sent_for = time.monotonic() - t0
    time.sleep(0.5)
    drain()
    stop.set()
    for t in th:
        t.join()
    got = [x for x in lat if x is not None]
    lost = sum(1 for x in lat if x is None)
    p = sorted(got)
    p99 = p[int(len(p) * 0.99) - 1] if p else None
    print(f'  (10 000 NOTIFYs in {sent_for:.2f} s; answers by rcode {rcodes})')
    print(f'  (SOA latency: idle median {statistics.median(base) * 1000:.1f} ms; during the '
          f'flood median {statistics.median(p) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, '
          f'max {p[-1] * 1000:.1f} ms, {lost} lost of {len(lat)})')
    print(f'  (knotc status during the flood: {len(ctl)} runs, max {max(c[0] for c in ctl):.2f} s)')
    r.check(sent_for < 6, f'10 000 NOTIFYs sent in {sent_for:.1f} s')
    r.check(rcodes.get(0, 0) > 0 and rcodes.get(5, 0) + rcodes.get(9, 0) > 0,
            'answers mixed: NOERROR for allowed, REFUSED/NOTAUTH for refused', str(rcodes))
    r.check(knot.count(r'\[example\.com\.\] notify, incoming') >= 1000,
            'knotd took the allowed ones as NOTIFYs', str(knot.count(r'notify, incoming')))
    r.check(lost <= max(1, len(lat) // 100) and p99 is not None and p99 < 0.25,
            'SOA queries kept being answered (<= 1 % lost, p99 < 250 ms)',
            f'lost {lost}, p99 {p99}')
    r.check(ctl and all(c[1] == 0 for c in ctl) and max(c[0] for c in ctl) < 2.0,
            'knotc status answered every time, each within 2 s')
    r.check(knot.alive, 'knotd still runs')
    write_soa_zone(os.path.join(prim.zonesdir, 'example.com.zone'), 'example.com', 2)
    prim.control('reload', 'example.com')
    r.check(h.wait_serial(kp, 'example.com', 2, 15), 'after the flood, a real NOTIFY still works')
    for s in socks.values():
        s.close()


# --- IXFR to an NSD secondary ---

def test_ixfr_consistent(r):
    """A knotd+mod-nsd primary with store-ixfr/create-ixfr, five zonefile edits (one
    knotd restart in between): its NSD secondary ends with exactly the primary's zone,
    by IXFR, and never meets an inconsistent history (NSD #479)."""
    top = r.tmpdir('ixfr')
    kp, sp = h.free_port(), h.free_port()
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    conf = primary_conf(kdir, kp, [('example.net', f'''	notify: 127.0.0.1@{sp} {h.KEY_NAME}
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
	store-ixfr: yes
	create-ixfr: yes
''')])
    zfile = os.path.join(kdir, 'zones', 'example.net.zone')
    records = {f'r{i} IN A 192.0.2.{i}' for i in range(1, 6)}
    write_soa_zone(zfile, 'example.net', 1, extra=sorted(records))
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, conf)
    sec = nsd_secondary(os.path.join(top, 'nsd'), sp, kp, 'example.net')
    knot.start()
    sec.start()
    r.check(h.wait_serial(sp, 'example.net', 1, 20), 'NSD secondary has serial 1')
    inc = open(knot.include).read()
    r.check('journal-content: changes' in inc and 'zonefile-load: difference' in inc,
            'the include keeps a journal and computes differences (store-ixfr + create-ixfr)')

    for serial in range(2, 7):
        records.add(f'n{serial} IN TXT "added in {serial}"')
        records.discard(f'r{serial - 1} IN A 192.0.2.{serial - 1}')
        if serial == 4:
            knot.stop()
            write_soa_zone(zfile, 'example.net', serial, extra=sorted(records))
            knot.start()
            how = 'knotd restarted'
        else:
            write_soa_zone(zfile, 'example.net', serial, extra=sorted(records))
            knot.knotc('zone-reload', 'example.net')
            how = 'zone-reload'
        ok = h.wait_serial(sp, 'example.net', serial, 20)
        a, b = zone_text(kp, 'example.net'), zone_text(sp, 'example.net')
        r.check(ok and a == b and f'n{serial}' in a,
                f'edit {serial - 1} ({how}): NSD has serial {serial}, AXFRs identical',
                f'serial {h.soa_serial(sp, "example.net")}, same {a == b}')
    log = knot.log()
    # knotd 3.3 adds " TCP" after the address (inside [^,]*), 3.4 ", key <name>"
    incr = len(re.findall(r'\[example\.net\.\] IXFR, outgoing, remote [^,]*(, key [^,]*)?, '
                          r'started, serial \d+ -> \d+', log))
    fallback = len(re.findall(r'\[example\.net\.\] IXFR, outgoing, .*fallback to AXFR', log))
    print(f'  ({incr} incremental IXFRs, {fallback} AXFR-style answers)')
    r.check(incr >= 4, 'the secondary was updated by incremental IXFR', f'{incr}')
    # The edit made while knotd was down has no difference to compute (journal-content:
    # changes keeps no zone to compare with): knotd answers that IXFR AXFR-style, which
    # NSD accepts; it never answers "inconsistent history".
    r.check(fallback <= 1 and not re.search(r'IXFR, outgoing, .*fallback to AXFR',
                                            log.split('serial none -> 4')[0]),
            'only the edit made while knotd was down went AXFR-style', f'{fallback}')
    r.check(not re.search(r'SERVFAIL|inconsistent|failed', sec.log().split('serial 1')[-1]),
            'NSD logged no failure after the first transfer')


def test_conf_commit(r):
    """knotc conf-begin / conf-set / conf-commit on knotd+mod-nsd: knotd before 3.2.10
    closed a shared module's last handle there and crashed at the next query (Knot
    commit 1b8a3c5a1; Debian 12 has 3.2.6). nsd.so is linked -z nodelete: knotd keeps
    answering, the gate keeps enforcing nsd.conf, and a zone added by the transaction
    is served."""
    top = r.tmpdir('conf-commit')
    kp = h.free_port()
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    conf = primary_conf(kdir, kp, [('example.com', '\tprovide-xfr: 127.0.0.2 NOKEY\n')])
    write_soa_zone(os.path.join(kdir, 'zones', 'example.com.zone'), 'example.com', 5)
    write_soa_zone(os.path.join(kdir, 'zones', 'txn.example.zone'), 'txn.example', 9)
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, r.module, conf)
    knot.start()
    r.check(h.wait_serial(kp, 'example.com', 5, 15), 'knotd+mod-nsd serves example.com')
    steps = [['conf-begin'], ['conf-set', 'server.identity', 'txn-test'],
             ['conf-set', 'zone[txn.example]'],
             ['conf-set', 'zone[txn.example].file',
              os.path.join(kdir, 'zones', 'txn.example.zone')],
             ['conf-commit']]
    out = [knot.knotc(*a) for a in steps]
    r.check(all(o.returncode == 0 for o in out), 'the transaction commits',
            '; '.join(o.stdout + o.stderr for o in out))
    time.sleep(0.5)
    r.check(h.soa_serial(kp, 'example.com') == 5 and knot.alive,
            'knotd answers after the commit and still runs')
    r.check(h.wait_serial(kp, 'txn.example', 9, 10), 'the zone the transaction added is served')
    # the gate still applies nsd.conf: 127.0.0.1 may not transfer, 127.0.0.2 may
    denied = h.axfr(kp, 'example.com', source='127.0.0.1')
    allowed = h.axfr(kp, 'example.com', source='127.0.0.2')
    r.check(not denied.ok and allowed.ok and allowed.serial == 5,
            'the gate still enforces provide-xfr', f'{denied} / {allowed}')
    r.check(knot.knotc('reload').returncode == 0 and
            h.wait_for(lambda: h.soa_serial(kp, 'example.com') == 5, 10) and knot.alive,
            'a reload after the transaction works')


CASES = {
    'startup-notify': test_startup_notify,
    'new-target': test_new_target,
    'watch': test_watch,
    'expiry': test_expiry,
    'axfr-kill': test_axfr_kill,
    'include-kill': test_include_kill,
    'notify-flood': test_notify_flood,
    'ixfr-consistent': test_ixfr_consistent,
    'conf-commit': test_conf_commit,
}


def main():
    return h.run_cases(CASES)


if __name__ == '__main__':
    sys.exit(main())
