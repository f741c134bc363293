#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mod-nsd's remote control against NSD's, with Debian's nsd-control as the client.

The same scripted session (control.py's, plus the commands that act on zones) runs with
/usr/sbin/nsd-control twice on the same nsd.conf: against a freshly started NSD and
against a freshly started knotd+mod-nsd. Answers and exit codes must be the same after
times and PIDs are normalised; the differences that remain are the documented ones
(DOCUMENTED, doc/mod-nsd.md "Remote control"). Over TLS (nsd-control-setup's keys) and
over a unix socket. Then: the zonelistfile both ways (NSD starts on what knotd wrote,
knotd on what NSD wrote), and what a hostile or broken client does to the port.

usage: control_server.py --module build/module/mod/nsd.so [case...]
"""
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import control as c  # noqa: E402

ZONES = ['example.com', 'gated.example', 'added.example', 'a1.example', 'a2.example', 'changed.example',
         'bulk1.example', 'bulk2.example']

# control.py's session, then the commands that act on the server's zones
SESSION = c.SESSION + [
    (['reload'], None),
    (['reload', 'example.com'], None),
    (['reload', 'a..b'], None),
    (['write'], None),
    (['write', 'example.com'], None),
    (['notify'], None),
    (['notify', 'example.com'], None),
    (['transfer'], None),
    (['transfer', 'example.com'], None),
    (['force_transfer'], None),
    (['force_transfer', 'example.com'], None),
    (['changezone', 'changed.example', 'p'], None),
    (['changezone', 'changed.example', 'p'], None),
    (['changezone', 'example.com', 'p'], None),
    (['addzone', 'example.com', 'p'], None),
    (['delzone', 'example.com'], None),
    (['addzones'], 'bulk1.example p\nbulk2.example p\n\nbulk1.example p\n'),
    (['zonestatus'], None),
    (['zonestatus', 'EXAMPLE.COM.'], None),
    (['print_tsig', 'k1.'], None),
    (['print_tsig', 'nokey'], None),
    (['reconfig'], None),
    (['repattern'], None),
    (['verbosity'], None),
    (['status'], None),
]

# What knotd+mod-nsd answers differently, on purpose (doc/mod-nsd.md): the first words
# of our answer and its exit code.
DOCUMENTED = {}

# a pattern whose zones only 127.0.0.2 may transfer (the gate must know added zones)
XFR_PATTERN = '''pattern:
	name: "px"
	zonefile: "%s.zone"
	provide-xfr: 127.0.0.2 NOKEY

'''

KEY_CLAUSE = '''key:
	name: "k1."
	algorithm: hmac-sha256
	secret: "K2tf3TRjvQkVCmJF3/Z9vA=="

'''


def start_server(r, server, top, interface, key_dir):
    """nsd.conf in top/nsd (NSD's own layout from harness.Nsd), then NSD or knotd on it."""
    port = h.free_port()
    nsd = h.Nsd(os.path.join(top, 'nsd'), port, KEY_CLAUSE + XFR_PATTERN + c.CLAUSES)
    for z in ZONES:
        h.write_zone(os.path.join(nsd.zonesdir, f'{z}.zone'), z, 7)
    if interface == 'tls':
        ctl_port = h.free_port()
        text = open(nsd.conf).read()
        text = re.sub(r'\tcontrol-interface: .*\n',
                      f'\tcontrol-interface: 127.0.0.1\n\tcontrol-port: {ctl_port}\n'
                      f'\tserver-key-file: "{key_dir}/nsd_server.key"\n'
                      f'\tserver-cert-file: "{key_dir}/nsd_server.pem"\n'
                      f'\tcontrol-key-file: "{key_dir}/nsd_control.key"\n'
                      f'\tcontrol-cert-file: "{key_dir}/nsd_control.pem"\n', text)
        with open(nsd.conf, 'w') as f:
            f.write(text)
    if server == 'nsd':
        nsd.start()
        return nsd, nsd.proc.pid, nsd.conf
    k = h.Knotd(os.path.join(top, 'knotd'), port, r.module, nsd.conf)
    k.start()
    wait_control(nsd.conf)
    return k, k.proc.pid, nsd.conf


def wait_control(conf):
    ok = h.wait_for(lambda: subprocess.run([h.NSD_CONTROL, '-c', conf, 'status'],
                                           capture_output=True).returncode == 0, 10)
    if not ok:
        raise RuntimeError('remote control not answering')


def session(r, server, interface, key_dir=None):
    top = r.tmpdir('ctl-server')
    d, pid, conf = start_server(r, server, top, interface, key_dir)
    answers = []
    for args, stdin in SESSION:
        out, err, rc = c.run_tool([h.NSD_CONTROL, '-c', conf] + args, stdin)
        if args == ['serverpid']:
            out = re.sub(r'^[0-9]+$', 'PID', out, flags=re.M)
        out, err = (t.replace(top, 'TOP') for t in (out, err))
        answers.append((args, c.normalise(out, pid), c.normalise(err, pid), rc))
    zonelist = open(os.path.join(top, 'nsd', 'zone.list')).read()
    d.stop()
    shutil.rmtree(top, ignore_errors=True)
    r.dir = None
    return answers, zonelist


def compare(r, interface, key_dir=None):
    theirs, zl_theirs = session(r, 'nsd', interface, key_dir)
    ours, zl_ours = session(r, 'knotd', interface, key_dir)
    for (args, o1, e1, c1), (_, o2, e2, c2) in zip(theirs, ours):
        what = ' '.join(args)
        doc = DOCUMENTED.get(tuple(args))
        if doc is not None:
            r.check(o2.startswith(doc[0]) and c2 == doc[1],
                    f'{what}: the documented answer ({doc[0]!r})', f'{c2} {o2!r}')
            continue
        r.check((o1, e1, c1) == (o2, e2, c2), f'{what}: the same answer and exit code ({c1})',
                f'\n    NSD:          {c1} {o1!r} {e1!r}\n    knotd+mod-nsd: {c2} {o2!r} {e2!r}')
    # NSD marks deletions in place ("del" lines) where knotd writes the list compacted:
    # the zones added and kept must be the same
    def live(text):
        return sorted(l for l in text.splitlines() if l.startswith('add '))
    r.check(live(zl_theirs) == live(zl_ours), 'the zonelistfile holds the same zones',
            f'\n    NSD: {zl_theirs!r}\n    ours: {zl_ours!r}')
    r.check(zl_ours.startswith('# NSD zone list\n# name pattern\n'),
            "the zonelistfile has NSD's header", repr(zl_ours[:40]))


def test_server_tls(r):
    """The session over TLS, nsd-control-setup's keys, client certificate required."""
    key_dir = c.make_keys(r)
    try:
        compare(r, 'tls', key_dir)
    finally:
        shutil.rmtree(os.path.dirname(key_dir), ignore_errors=True)


def test_server_unix(r):
    """The session over a unix socket."""
    compare(r, 'unix')


def served(port, zone):
    return h.soa_serial(port, zone) == 7


def test_server_zonelist(r):
    """Zones added on knotd are served by NSD started on the same files, and the reverse;
    the zones keep being served by knotd across its own reloads."""
    top = r.tmpdir('ctl-zonelist')
    k, _, conf = start_server(r, 'knotd', top, 'unix', None)
    port = k.port
    rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'addzone', 'added.example', 'p'], None)
    r.check(rc[0] == 'ok\n', 'addzone on knotd: ok', repr(rc))
    r.check(h.wait_for(lambda: served(port, 'added.example'), 10),
            'knotd serves the added zone')
    rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'addzone', 'gated.example', 'px'], None)
    r.check(h.wait_for(lambda: served(port, 'gated.example'), 10),
            'knotd serves a zone added with a provide-xfr pattern')
    r.check(h.axfr(port, 'gated.example', source='127.0.0.2').ok,
            "its AXFR is allowed to the pattern's provide-xfr address")
    x = h.axfr(port, 'gated.example', source='127.0.0.1')
    r.check(not x.ok, 'and refused to another address', repr(x))
    rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'addzones'], 'a1.example p\na2.example p\n')
    r.check(h.wait_for(lambda: served(port, 'a1.example') and served(port, 'a2.example'), 10),
            'knotd serves the zones of addzones')
    rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'delzone', 'a2.example'], None)
    r.check(h.wait_for(lambda: h.query(port, 'a2.example', 'SOA').rcode() != 0, 10),
            'knotd stops serving the deleted zone')
    r.check(k.knotc('reload').returncode == 0 and
            h.wait_for(lambda: served(port, 'a1.example'), 10),
            'after knotc reload the added zones are still served')
    k.stop()
    text = open(conf).read()
    nsd = h.Nsd(os.path.join(top, 'nsd'), port, '')   # writes its nsd.conf: put ours back
    with open(conf, 'w') as f:
        f.write(text)
    nsd.start()
    r.check(served(port, 'added.example') and served(port, 'a1.example'),
            "NSD started on knotd's zonelistfile serves its zones")
    r.check(h.query(port, 'a2.example', 'SOA').rcode() != 0,
            'NSD does not serve the zone deleted on knotd')
    rc = nsd.control('addzone', 'changed.example', 'p')
    r.check(rc.stdout == 'ok\n', 'addzone on NSD: ok', repr(rc.stdout))
    nsd.control('delzone', 'a1.example')
    nsd.stop()
    k = h.Knotd(os.path.join(top, 'knotd'), port, r.module, conf)
    k.start()
    r.check(h.wait_for(lambda: served(port, 'changed.example'), 10),
            "knotd+mod-nsd started on NSD's zonelistfile serves the zone NSD added")
    r.check(h.query(port, 'a1.example', 'SOA').rcode() != 0,
            'and not the one NSD deleted (a "del" line)')
    # a client that ends its stream early: NSD takes what came (a line without its
    # newline, an addzones without the end marker) and answers
    sock = os.path.join(top, 'nsd', 'nsd.ctl')
    out = raw(sock, b'NSDCT1 status', half_close=True)
    r.check(isinstance(out, bytes) and out.startswith(b'version: '),
            'a request without its newline, then the end of the stream: answered', repr(out))
    out = raw(sock, b'NSDCT1 addzones\nbulk1.example p\nbulk2.example p', half_close=True)
    r.check(out == b'added: bulk1.example\nadded: bulk2.example\nadded 2 zones\n',
            'addzones cut off before its end marker: the lines that came are added',
            repr(out))
    r.check(h.wait_for(lambda: served(port, 'bulk2.example'), 10),
            'and served')
    # addzone after addzone, each making knotd reload, while loads overlap the writes:
    # every zone reaches the zonelistfile and is served
    names = [f'fast{i}.example' for i in range(15)]
    for n in names:
        h.write_zone(os.path.join(top, 'nsd', 'zones', f'{n}.zone'), n, 7)
    answers = [c.run_tool([h.NSD_CONTROL, '-c', conf, 'addzone', n, 'p'], None)[0]
               for n in names]
    r.check(all(a == 'ok\n' for a in answers), '15 addzones in a row: ok', repr(answers))
    zl = open(os.path.join(top, 'nsd', 'zone.list')).read()
    missing = [n for n in names if f'add {n} p\n' not in zl]
    r.check(not missing, 'all 15 are in the zonelistfile', repr(missing))
    r.check(h.wait_for(lambda: all(served(port, n) for n in names), 20),
            'and all 15 are served')
    # a zonelistfile that cannot be written: the error, and the zone is not kept
    text = open(conf).read()
    with open(conf, 'w') as f:
        f.write(text.replace(f'zonelistfile: "{top}/nsd/zone.list"',
                             f'zonelistfile: "{top}/no-such-dir/zone.list"'))
    c.run_tool([h.NSD_CONTROL, '-c', conf, 'reconfig'], None)
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'addzone', 'nowhere.example', 'p'],
                            None)
    r.check(out == 'error could not add zonelist entry\n' and rc == 1,
            'an unwritable zonelistfile: error could not add zonelist entry', repr(out))
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'zonestatus', 'nowhere.example'],
                            None)
    r.check(rc == 1 and 'not configured' in out, 'and the zone is not kept', repr(out))
    with open(conf, 'w') as f:
        f.write(text)
    k.stop()


def secondary_status(r, server, top, primary_port):
    """zonestatus of a secondary that transferred (sec.example) and of one whose primary
    never answers (dead.example), on a fresh NSD or knotd+mod-nsd secondary."""
    port = h.free_port()
    dead = h.free_port()
    clauses = (h.KEY_CLAUSE + h.secondary_zone_clause('sec.example', primary_port) +
               h.secondary_zone_clause('dead.example', dead))
    nsd = h.Nsd(os.path.join(top, server), port, clauses)
    if server == 'nsd':
        d = nsd.start()
    else:
        d = h.Knotd(os.path.join(top, server, 'knotd'), port, r.module, nsd.conf).start()
        wait_control(nsd.conf)
    ok = h.wait_serial(port, 'sec.example', 7, timeout=15)
    r.check(ok, f'{server}: the secondary has serial 7')
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', nsd.conf, 'zonestatus'], None)
    d.stop()
    if server != 'nsd':
        # the time the serial came (knotd wrote the zone file), not an unknown one
        r.check('since 1970' not in out and 'since ' in out,
                f'{server}: the served serial has a time', repr(out))
    # times, and the wait: NSD's is the timer's interval, ours what is left of it
    out = re.sub(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d', 'TIME', out)
    return re.sub(r'"\d+ sec between attempts"', '"N sec between attempts"', out), rc


def test_server_secondary(r):
    """zonestatus of secondary zones (ok with served and commit serials; refreshing with
    none) in NSD's lines, against an NSD secondary of the same primary."""
    top = r.tmpdir('ctl-secondary')
    pp = h.free_port()
    prim = h.Nsd(os.path.join(top, 'primary'), pp, h.KEY_CLAUSE + f'''
zone:
	name: "sec.example"
	zonefile: "sec.example.zone"
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
''')
    h.write_zone(os.path.join(prim.zonesdir, 'sec.example.zone'), 'sec.example', 7)
    prim.start()
    theirs = secondary_status(r, 'nsd', top, pp)
    ours = secondary_status(r, 'knotd', top, pp)
    r.check(theirs == ours, 'zonestatus of the secondaries: the same lines and exit code',
            f'\n    NSD:  {theirs!r}\n    ours: {ours!r}')
    r.check('served-serial: "7 since TIME"' in ours[0], 'the served serial and its time',
            repr(ours))
    prim.stop()


def raw(addr, data, tls_ctx=None, timeout=5.0, read=True, half_close=False):
    """Connects (unix path or (host, port)), sends data, returns what comes back
    (b'' for a close without an answer), or an exception's class name."""
    try:
        if isinstance(addr, str):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr)
        if tls_ctx is not None:
            s = tls_ctx.wrap_socket(s)
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        out = b''
        while read:
            b = s.recv(4096)
            if not b:
                break
            out += b
        s.close()
        return out
    except Exception as e:  # noqa: BLE001 - the class is the result
        return type(e).__name__


def test_server_robust(r):
    """Bad clients against the TLS port and the unix socket: no answer for a wrong magic,
    NSD's version error, a refused handshake without a client certificate, plain text to
    the TLS port, a line too long; idle and slow connections and a flood do not keep
    others out; the port survives knotc reload and a reload in the middle of a command;
    stop stops knotd."""
    key_dir = c.make_keys(r)
    top = r.tmpdir('ctl-robust')
    k, _, conf = start_server(r, 'knotd', top, 'tls', key_dir)
    ctl_port = int(re.search(r'control-port: (\d+)', open(conf).read()).group(1))
    addr = ('127.0.0.1', ctl_port)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(f'{key_dir}/nsd_server.pem')
    ctx.load_cert_chain(f'{key_dir}/nsd_control.pem', f'{key_dir}/nsd_control.key')
    r.check(raw(addr, b'NSDCT1 status\n', ctx).startswith(b'version: '),
            'a TLS client with the control certificate gets the status')
    r.check(raw(addr, b'NSDCT2 status\n', ctx) == b'error version mismatch\n',
            'a wrong protocol version: error version mismatch')
    r.check(raw(addr, b'HELLO world\n', ctx) in (b'', 'ConnectionResetError'),
            'a wrong magic: closed without an answer')
    r.check(raw(addr, b'NSDCT1 ' + b'x' * 5000 + b'\n', ctx) in
            (b'', 'ConnectionResetError', 'BrokenPipeError'),
            'a line longer than NSD reads: closed without an answer')
    nocert = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    nocert.check_hostname = False
    nocert.load_verify_locations(f'{key_dir}/nsd_server.pem')
    res = raw(addr, b'NSDCT1 status\n', nocert)
    r.check(not (isinstance(res, bytes) and res.startswith(b'version')),
            'a TLS client without a certificate gets nothing', repr(res))
    other = os.path.join(top, 'other-keys')
    os.makedirs(other)
    subprocess.run([c.NSD_CONTROL_SETUP, '-d', other], check=True, capture_output=True)
    wrong = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    wrong.check_hostname = False
    wrong.verify_mode = ssl.CERT_NONE
    wrong.load_cert_chain(f'{other}/nsd_control.pem', f'{other}/nsd_control.key')
    res = raw(addr, b'NSDCT1 status\n', wrong)
    r.check(not (isinstance(res, bytes) and res.startswith(b'version')),
            "a certificate another server's setup signed gets nothing", repr(res))
    res = raw(addr, b'NSDCT1 status\n')
    r.check(not (isinstance(res, bytes) and res.startswith(b'version')),
            'plain text to the TLS port gets nothing', repr(res))

    # idle connections (more than the server keeps) and one that sends half a line
    idle = []
    for _ in range(40):
        s = socket.create_connection(addr, timeout=5)
        idle.append(s)
    slow = socket.create_connection(addr, timeout=5)
    t0 = time.monotonic()
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'status'], None)
    took = time.monotonic() - t0
    r.check(rc == 0 and out.startswith('version: ') and took < 3,
            f'40 idle connections open: status still answered ({took:.2f} s)', repr(out))
    for s in idle + [slow]:
        s.close()

    # a flood of connections that close at once
    for _ in range(300):
        try:
            s = socket.create_connection(addr, timeout=2)
            s.close()
        except OSError:
            pass
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'status'], None)
    r.check(rc == 0, 'after 300 connections opened and closed: status answered', repr(out))

    # a broken nsd.conf at a reload: the last good one stays, the port too
    good = open(conf).read()
    with open(conf, 'w') as f:
        f.write(good + '\nzone:\n\tname: "broken.example"\n\tno-such-option: 1\n')
    k.knotc('reload')
    r.check(k.wait_log(r'broken.example|no-such-option', 10), 'the broken nsd.conf is read')
    time.sleep(0.5)
    # (nsd-control itself would not run on the broken file: the protocol directly)
    out = raw(addr, b'NSDCT1 status\n', ctx)
    r.check(isinstance(out, bytes) and out.startswith(b'version: '),
            'after a reload with a broken nsd.conf: status still answered', repr(out))
    with open(conf, 'w') as f:
        f.write(good)

    # reloads: the same port, no refused client
    r.check(k.knotc('reload').returncode == 0, 'knotc reload')
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'status'], None)
    r.check(rc == 0, 'right after knotc reload: status answered', repr(out))
    refused = 0
    for i in range(10):
        k.knotc('reload')
        out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'zonestatus', 'example.com'], None)
        refused += rc != 0
    r.check(refused == 0, f'10 reloads, each with a command right after: {refused} refused')

    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'stop'], None)
    r.check(out == 'ok\n' and rc == 0, 'stop: ok', repr(out))
    r.check(h.wait_for(lambda: not k.alive, 10), 'knotd stops after stop')
    out, _, rc = c.run_tool([h.NSD_CONTROL, '-c', conf, 'status'], None)
    r.check(rc == 3 and 'nsd is stopped' in out, 'status afterwards: nsd is stopped (3)',
            f'{rc} {out!r}')
    shutil.rmtree(os.path.dirname(key_dir), ignore_errors=True)


# --- stats ---

def query_mix(port):
    """The same requests to either server: UDP with and without EDNS, an unknown EDNS
    version, NXDOMAIN, a name of no zone, TCP, a refused AXFR, a NOTIFY of a primary zone."""
    import dns.flags
    import dns.message
    import dns.opcode
    import dns.query

    def udp(q):
        try:
            dns.query.udp(q, '127.0.0.1', port=port, timeout=2, ignore_unexpected=True)
        except Exception:
            pass

    for name, rdtype in (('example.com', 'SOA'), ('www.example.com', 'A'),
                         ('nx.example.com', 'A'), ('example.com', 'MX'),
                         ('elsewhere.invalid', 'A'), ('www.example.com', 'AAAA')):
        udp(dns.message.make_query(name, rdtype))
        udp(dns.message.make_query(name, rdtype, use_edns=0, payload=1232))
    badvers = dns.message.make_query('example.com', 'SOA')
    badvers.use_edns(edns=1)   # EDNS version 1: BADVERS
    udp(badvers)
    udp(dns.message.make_query('example.com', 'TYPE65280'))          # a type above 255
    for _ in range(3):
        try:
            dns.query.tcp(dns.message.make_query('example.com', 'NS'), '127.0.0.1', port=port,
                          timeout=2)
        except Exception:
            pass
    try:
        dns.query.tcp(dns.message.make_query('example.com', 'AXFR'), '127.0.0.1', port=port,
                      timeout=2)
    except Exception:
        pass
    n = dns.message.make_query('example.com', 'SOA')
    n.set_opcode(dns.opcode.NOTIFY)
    n.flags |= dns.flags.AA
    udp(n)


def stats_after_mix(r, server):
    top = r.tmpdir('ctl-stats')
    d, pid, conf = start_server(r, server, top, 'unix', None)
    ctl = [h.NSD_CONTROL, '-c', conf]
    time.sleep(1)
    reset = subprocess.run(ctl + ['stats'], capture_output=True, text=True, timeout=20)
    query_mix(d.port)
    time.sleep(0.5)
    got = subprocess.run(ctl + ['stats_noreset'], capture_output=True, text=True, timeout=20)
    again = subprocess.run(ctl + ['stats'], capture_output=True, text=True, timeout=20)
    after = subprocess.run(ctl + ['stats_noreset'], capture_output=True, text=True, timeout=20)
    munin = None
    if server == 'knotd':
        munin = run_munin(top, conf)
    d.stop()
    return reset, got, again, after, munin


def run_munin(top, conf):
    """Debian's munin plugin for NSD, as nsd_munin_hits and nsd_munin_by_type."""
    src = '/usr/share/doc/nsd/contrib/nsd_munin_.gz'
    if not os.path.exists(src):
        return None
    script = os.path.join(top, 'nsd_munin_')
    with open(script, 'wb') as f:
        f.write(subprocess.run(['zcat', src], capture_output=True, check=True).stdout)
    out = {}
    for graph in ('hits', 'by_type', 'zones'):
        link = os.path.join(top, f'nsd_munin_{graph}')
        os.symlink(script, link)
        env = dict(os.environ, statefile=os.path.join(top, 'munin', f'state-{graph}'),
                   nsd_conf=conf, nsd_control=h.NSD_CONTROL)
        os.makedirs(os.path.join(top, 'munin'), exist_ok=True)
        p = subprocess.run(['sh', link], capture_output=True, text=True, env=env, timeout=30)
        out[graph] = (p.returncode, p.stdout + p.stderr)
    return out


def values(text):
    return dict(l.split('=', 1) for l in text.splitlines() if '=' in l)


def test_server_stats(r):
    """stats_noreset after the same requests to NSD and to knotd+mod-nsd: the same keys
    in the same order and the same counts (times and NSD's memory sizes aside); 'stats'
    resets; NSD's munin plugin in Debian reads knotd's figures."""
    theirs = stats_after_mix(r, 'nsd')
    ours = stats_after_mix(r, 'knotd')
    for (t, o, what) in zip(theirs[:4], ours[:4],
                            ('stats (reset)', 'stats_noreset after the queries', 'stats',
                             'stats_noreset after the reset')):
        r.check(t.returncode == o.returncode == 0, f'{what}: both answer, exit 0',
                f'{t.returncode} {o.returncode} {o.stdout[:200]!r}')
    tv, ov = values(theirs[1].stdout), values(ours[1].stdout)
    r.check(list(tv) == list(ov), 'the same keys in the same order',
            f'only NSD: {[k for k in tv if k not in ov]}, only ours: '
            f'{[k for k in ov if k not in tv]}')
    skip = ('time.', 'size.')
    diff = [f'{k}: NSD {tv[k]} ours {ov.get(k)}' for k in tv
            if not k.startswith(skip) and tv[k] != ov.get(k)]
    r.check(not diff, 'the same counts after the same requests', '; '.join(diff))
    r.check(int(ov.get('num.queries', 0)) >= 19, 'the 19 requests were counted',
            ov.get('num.queries'))
    av = values(ours[3].stdout)
    counted = {k: v for k, v in av.items()
               if k.startswith(('num.', 'server')) and v != '0'}
    r.check(not counted, "'stats' reset the counters", str(counted))
    r.check(float(ov.get('time.boot', 0)) > float(av.get('time.elapsed', 0)) >= 0,
            'time.elapsed counts from the reset, time.boot from the start',
            f"{ov.get('time.boot')} {av.get('time.elapsed')}")
    munin = ours[4]
    if munin is None:
        print('  (no munin plugin in /usr/share/doc/nsd/contrib: skipped)')
        return
    rc, text = munin['hits']
    r.check(rc == 0 and re.search(r'^n_queries\.value [0-9]+$', text, re.M) and
            re.search(r'^n_udp\.value [0-9]+$', text, re.M),
            "munin's nsd_munin_hits reads knotd's counters", text[:300])
    rc, text = munin['by_type']
    r.check(rc == 0 and re.search(r'^n_t_A\.value [0-9]+$', text, re.M),
            "munin's nsd_munin_by_type too", text[:300])


CASES = {
    'server-stats': test_server_stats,
    'server-tls': test_server_tls,
    'server-unix': test_server_unix,
    'server-zonelist': test_server_zonelist,
    'server-secondary': test_server_secondary,
    'server-robust': test_server_robust,
}

if __name__ == '__main__':
    sys.exit(h.run_cases(CASES))
