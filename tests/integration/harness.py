# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration harness: real nsd and knotd (with mod-nsd) on 127.0.0.1, free ports, a temp dir each."""

import atexit
import argparse
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.tsigkeyring
import dns.zone

KEY_NAME = 'tkey'
KEY_ALG = 'hmac-sha256'
KEY_SECRET = base64.b64encode(bytes(range(1, 33))).decode()
# The key clause every test nsd.conf starts with.
KEY_CLAUSE = f'''key:
	name: "{KEY_NAME}"
	algorithm: {KEY_ALG}
	secret: "{KEY_SECRET}"
'''
WRONG_SECRET = base64.b64encode(bytes(range(101, 133))).decode()

NSD = os.environ.get('NSD', '/usr/sbin/nsd')
NSD_CONTROL = os.environ.get('NSD_CONTROL', '/usr/sbin/nsd-control')
NSD_CHECKCONF = os.environ.get('NSD_CHECKCONF', '/usr/sbin/nsd-checkconf')
KNOTD = os.environ.get('KNOTD', '/usr/sbin/knotd')
KNOTC = os.environ.get('KNOTC', '/usr/sbin/knotc')

_running = []      # daemons to stop whatever happens
_ports = set()     # ports handed out in this process


_knotd_version = None


def knotd_version():
    """knotd's version as a tuple, (3, 2, 6) from 'knotd, Knot DNS 3.2.6': the answers and
    log lines that changed between releases are chosen by it."""
    global _knotd_version
    if _knotd_version is None:
        out = subprocess.run([KNOTD, '-V'], capture_output=True, text=True).stdout
        m = re.search(r'(\d+)\.(\d+)\.(\d+)', out)
        _knotd_version = tuple(int(x) for x in m.groups()) if m else (0, 0, 0)
    return _knotd_version


def keyring(secret=KEY_SECRET, name=KEY_NAME):
    return dns.tsigkeyring.from_text({name: (KEY_ALG, secret)})


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1 (and not handed out before)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(('127.0.0.1', 0))
            port = t.getsockname()[1]
            if port in _ports:
                continue
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(('127.0.0.1', port))
            except OSError:
                continue
        _ports.add(port)
        return port
    raise RuntimeError('no free port')


def write_zone(path, origin, serial, extra=()):
    """A small zone: SOA, NS, a few A/TXT records, plus extra lines."""
    origin = origin.rstrip('.') + '.'
    lines = [
        f'$ORIGIN {origin}',
        '$TTL 300',
        f'@ IN SOA ns1 hostmaster {serial} 3600 900 604800 300',
        '@ IN NS ns1',
        'ns1 IN A 192.0.2.1',
        'www IN A 192.0.2.80',
        'mail IN A 192.0.2.25',
        f'serial IN TXT "zone {origin} serial {serial}"',
    ]
    lines += list(extra)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def wait_for(cond, timeout, step=0.1):
    """Polls cond() until it returns something true; returns it, or None after timeout."""
    end = time.monotonic() + timeout
    while True:
        val = cond()
        if val:
            return val
        if time.monotonic() >= end:
            return None
        time.sleep(step)


# --- DNS helpers ---

def query(port, qname, rdtype='SOA', source=None, timeout=1.0):
    """UDP query to 127.0.0.1:port; the response or None on timeout."""
    q = dns.message.make_query(qname, rdtype)
    try:
        return dns.query.udp(q, '127.0.0.1', port=port, timeout=timeout, source=source)
    except (dns.exception.Timeout, OSError):
        return None


def soa_serial(port, zone):
    """The SOA serial the server answers authoritatively for zone, or None."""
    r = query(port, zone, 'SOA')
    if r is None or r.rcode() != dns.rcode.NOERROR or not r.flags & dns.flags.AA:
        return None
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.SOA:
            return rrset[0].serial
    return None


def wait_serial(port, zone, serial, timeout=15):
    return wait_for(lambda: soa_serial(port, zone) == serial, timeout)


def answers(port, qname, rdtype='A'):
    """The answer RRs as text (sorted), [] for none."""
    r = query(port, qname, rdtype)
    if r is None:
        return []
    return sorted(rd.to_text() for rrset in r.answer for rd in rrset)


class Xfr:
    """What an AXFR attempt got: the records received and the error that ended it."""

    def __init__(self):
        self.records = 0
        self.error = None
        self.serial = None

    @property
    def ok(self):
        return self.error is None and self.records > 0

    def __repr__(self):
        return f'Xfr(records={self.records}, serial={self.serial}, error={self.error!r})'


def axfr(port, zone, key_secret=None, key_name=KEY_NAME, source='127.0.0.1', timeout=5):
    """AXFR of zone over TCP; signed with (key_name, key_secret) when key_secret is set."""
    res = Xfr()
    kw = {}
    if key_secret is not None:
        kw = dict(keyring=keyring(key_secret, key_name), keyname=key_name, keyalgorithm=KEY_ALG)
    try:
        for msg in dns.query.xfr('127.0.0.1', zone, port=port, timeout=timeout,
                                 lifetime=timeout, source=source, **kw):
            for rrset in msg.answer:
                res.records += len(rrset)
                if rrset.rdtype == dns.rdatatype.SOA and res.serial is None:
                    res.serial = rrset[0].serial
    except Exception as e:  # refusals come as TransferError, BadKey, BadSignature, ...
        res.error = e
    return res


def axfr_zone(port, zone):
    """A whole zone by signed AXFR, as a dns.zone.Zone (inbound_xfr)."""
    z = dns.zone.Zone(zone)
    q = dns.message.make_query(zone, 'AXFR')
    q.use_tsig(keyring(), keyname=KEY_NAME, algorithm=KEY_ALG)
    dns.query.inbound_xfr('127.0.0.1', z, query=q, port=port, timeout=5, lifetime=10)
    return z


def notify(port, zone, key_secret=KEY_SECRET, source=None):
    """Sends a NOTIFY for zone over UDP; returns the reply's rcode or None."""
    q = dns.message.make_query(zone, 'SOA')
    q.set_opcode(dns.opcode.NOTIFY)
    q.flags |= dns.flags.AA
    q.flags &= ~dns.flags.RD
    if key_secret is not None:
        q.use_tsig(keyring(key_secret), keyname=KEY_NAME, algorithm=KEY_ALG)
    try:
        r = dns.query.udp(q, '127.0.0.1', port=port, timeout=2, source=source)
        return r.rcode()
    except Exception:
        return None


def primary_zone_clause(zone, secondary_port):
    """zone: of a primary that notifies and gives transfers to 127.0.0.1, with the key."""
    return f'''
zone:
	name: "{zone}"
	zonefile: "{zone}.zone"
	notify: 127.0.0.1@{secondary_port} {KEY_NAME}
	provide-xfr: 127.0.0.1 {KEY_NAME}
'''


def secondary_zone_clause(zone, primary_port):
    """zone: of a secondary of 127.0.0.1@primary_port, NOTIFY and transfers with the key."""
    return f'''
zone:
	name: "{zone}"
	zonefile: "{zone}.zone"
	allow-notify: 127.0.0.1 {KEY_NAME}
	request-xfr: 127.0.0.1@{primary_port} {KEY_NAME}
'''


def write_nsd_conf(path, workdir, port, clauses, ipv6=False):
    """A complete nsd.conf that NSD can run in workdir (and knotd+mod-nsd can read):
    server settings under workdir, remote-control on a unix socket, then clauses.
    ipv6: also listen on ::1 (the same port)."""
    d = workdir
    os.makedirs(os.path.join(d, 'zones'), exist_ok=True)
    listen = (f'\tip-address: 127.0.0.1@{port}\n\tip-address: ::1@{port}\n\tdo-ip6: yes\n'
              if ipv6 else f'\tip-address: 127.0.0.1@{port}\n\tdo-ip6: no\n')
    with open(path, 'w') as f:
        f.write(f'''server:
{listen}	server-count: 1
	username: ""
	chroot: ""
	database: ""
	zonesdir: "{d}/zones"
	pidfile: "{d}/nsd.pid"
	xfrdfile: "{d}/xfrd.state"
	xfrdir: "{d}"
	zonelistfile: "{d}/zone.list"
	logfile: "{d}/nsd.log"
	verbosity: 2
	rrl-ratelimit: 0
	zonefiles-write: 1

remote-control:
	control-enable: yes
	control-interface: "{d}/nsd.ctl"

{clauses}''')


# --- daemons ---

class Daemon:
    name = 'daemon'

    def __init__(self, workdir, port):
        self.dir = workdir
        self.port = port
        self.proc = None
        os.makedirs(self.dir, exist_ok=True)

    def _start(self, argv):
        out = open(os.path.join(self.dir, 'stdout.log'), 'ab')
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        _running.append(self)

    def wait_ready(self, timeout=15):
        """Ready when it answers anything on UDP (REFUSED counts)."""
        def up():
            if self.proc.poll() is not None:
                raise RuntimeError(f'{self.name} exited with {self.proc.returncode}; '
                                   f'see {self.dir}')
            return query(self.port, '.', 'SOA', timeout=0.3) is not None
        if not wait_for(up, timeout):
            raise RuntimeError(f'{self.name} not answering on port {self.port}')

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10):
        """SIGTERM by PID, wait, SIGKILL if it does not go."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                # its own session: the group holds only what it forked (nsd's children)
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        if self in _running:
            _running.remove(self)
        self.proc = None


class Nsd(Daemon):
    """nsd -d -c <conf>; clauses are the key/pattern/zone part of nsd.conf."""
    name = 'nsd'

    def __init__(self, workdir, port, clauses):
        super().__init__(workdir, port)
        self.conf = os.path.join(self.dir, 'nsd.conf')
        self.zonesdir = os.path.join(self.dir, 'zones')
        self.ctl_sock = os.path.join(self.dir, 'nsd.ctl')
        os.makedirs(self.zonesdir, exist_ok=True)
        write_nsd_conf(self.conf, self.dir, port, clauses)

    def start(self):
        self._start([NSD, '-d', '-c', self.conf])
        self.wait_ready()
        return self

    def control(self, *args):
        return subprocess.run([NSD_CONTROL, '-c', self.conf, *args], capture_output=True,
                              text=True, timeout=20)

    def log(self):
        try:
            with open(os.path.join(self.dir, 'nsd.log')) as f:
                return f.read()
        except FileNotFoundError:
            return ''


class KnotdBase(Daemon):
    """knotd -c self.conf with its control socket at self.sock and its log in self.logfile
    (set by the subclass that writes the configuration)."""
    name = 'knotd'

    def start(self):
        self._start([KNOTD, '-c', self.conf])
        self.wait_ready()
        # the control socket is bound last: wait for it so knotc works at once
        if not wait_for(lambda: self.knotc('status').returncode == 0, 10):
            raise RuntimeError('knotd control socket not answering')
        return self

    def knotc(self, *args):
        return subprocess.run([KNOTC, '-s', self.sock, '-t', '10', *args],
                              capture_output=True, text=True, timeout=30)

    def log(self):
        try:
            with open(self.logfile) as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def count(self, pattern):
        return len(re.findall(pattern, self.log()))

    def wait_log(self, pattern, timeout=10, count=1):
        return wait_for(lambda: self.count(pattern) >= count, timeout)


class Knotd(KnotdBase):
    """knotd -c <knot.conf> with mod-nsd keeping <dir>/knot-nsd/nsd.conf from nsd_conf."""

    def __init__(self, workdir, port, module, nsd_conf, with_module=True, extra='',
                 server_extra='', mod_extra=''):
        super().__init__(workdir, port)
        self.conf = os.path.join(self.dir, 'knot.conf')
        self.sock = os.path.join(self.dir, 'knot.sock')
        self.logfile = os.path.join(self.dir, 'knot.log')
        self.incdir = os.path.join(self.dir, 'knot-nsd')
        self.include = os.path.join(self.incdir, 'nsd.conf')
        self.nsd_conf = nsd_conf
        self.server_extra = server_extra
        self.mod_extra = mod_extra
        os.makedirs(os.path.join(self.dir, 'storage'), exist_ok=True)
        self.write_conf(module, with_module, extra)

    def write_conf(self, module, with_module=True, extra='', with_include=True):
        d = self.dir
        text = f'''server:
  rundir: {d}
  listen: 127.0.0.1@{self.port}
  pidfile: {d}/knot.pid
{self.server_extra}control:
  listen: {self.sock}
log:
  - target: {self.logfile}
    any: debug
database:
  storage: {d}/storage
'''
        if with_module:
            text += f'''module:
  - id: mod-nsd
    file: {module}
mod-nsd:
  - id: default
    config: {self.nsd_conf}
    knot-include: {self.include}
{self.mod_extra}template:
  - id: default
    global-module: mod-nsd/default
'''
        text += extra
        if with_include:
            text += f'include: {self.incdir}/*.conf\n'
        with open(self.conf, 'w') as f:
            f.write(text)


def stop_all():
    for d in list(reversed(_running)):
        try:
            d.stop()
        except Exception:
            pass


atexit.register(stop_all)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# --- the runner ---

class Runner:
    """Named cases, each with checks; prints 'N passed, M failed'."""

    def __init__(self, module):
        self.module = module
        self.passed = 0
        self.failed = 0
        self.keep = os.environ.get('KNOT_NSD_KEEP') == '1'
        self.dir = None

    def check(self, cond, what, detail=''):
        if cond:
            self.passed += 1
            print(f'  ok   {what}')
        else:
            self.failed += 1
            print(f'  FAIL {what}' + (f': {detail}' if detail else ''))
        sys.stdout.flush()
        return bool(cond)

    def tmpdir(self, name):
        self.dir = tempfile.mkdtemp(prefix=f'knot-nsd-{name}-')
        return self.dir

    def run(self, name, fn):
        print(f'case {name}')
        failed_before = self.failed
        try:
            fn(self)
        except Exception:
            self.failed += 1
            print('  FAIL exception:')
            traceback.print_exc(file=sys.stdout)
        finally:
            stop_all()
        if self.dir:
            if self.failed > failed_before or self.keep:
                print(f'  files kept in {self.dir}')
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def summary(self):
        print(f'{self.passed} passed, {self.failed} failed')
        return 1 if self.failed else 0


def run_cases(cases, extra_args=(), setup=None):
    """Command line of the case scripts: --module, optional extra arguments (given as
    (flag, kwargs) pairs), case names (none: all). Returns the exit status."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', default=os.environ.get('KNOT_NSD_MODULE'),
                    help='the built nsd.so')
    for flag, kwargs in extra_args:
        ap.add_argument(flag, **kwargs)
    ap.add_argument('cases', nargs='*', help=', '.join(cases))
    args = ap.parse_args()
    if not args.module or not os.path.exists(args.module):
        print(f'no module at {args.module!r} (use --module)')
        return 2
    unknown = [c for c in args.cases if c not in cases]
    if unknown:
        print(f'unknown case {unknown[0]}; known: {", ".join(cases)}')
        return 2
    if setup is not None:
        setup(args)
    r = Runner(os.path.abspath(args.module))
    for name in args.cases or list(cases):
        r.run(name, cases[name])
    return r.summary()
