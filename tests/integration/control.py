#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`knot-nsd control` against Debian's nsd-control, both talking to a real NSD.

The same scripted session of commands runs twice on the same nsd.conf: once with
/usr/sbin/nsd-control, once with `knot-nsd control`, each against a freshly started NSD
with the same state. Standard output, standard error and exit codes are compared after
times and PIDs are normalised. Cases: over TLS (control-interface an address, keys made
by nsd-control-setup), over a unix socket, and the failures a client sees by itself
(server down, bad -s, no key files).

usage: control.py --module build/module/mod/nsd.so --knot-nsd build/module/cli/knot-nsd [case...]
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

NSD_CONTROL_SETUP = '/usr/sbin/nsd-control-setup'
KNOT_NSD = None

CLAUSES = '''pattern:
	name: "p"
	zonefile: "%s.zone"

zone:
	name: "example.com"
	zonefile: "example.com.zone"
'''

# (arguments, standard input): state changes included, so both runs must start alike
SESSION = [
    (['status'], None),
    (['serverpid'], None),
    (['zonestatus'], None),
    (['zonestatus', 'example.com'], None),
    (['zonestatus', 'no-such.example'], None),
    (['addzone', 'added.example', 'p'], None),
    (['addzone', 'added.example', 'p'], None),
    (['addzone', 'other.example', 'no-such-pattern'], None),
    (['zonestatus', 'added.example'], None),
    (['addzones'], 'a1.example p\na2.example p\nbroken-line\n'),
    (['delzones'], 'a1.example\nnot-there.example\n'),
    (['delzone', 'added.example'], None),
    (['delzone', 'added.example'], None),
    (['bogus-command'], None),
    (['verbosity', '2'], None),
    (['verbosity', 'x'], None),
    (['print_tsig'], None),
    (['log_reopen'], None),
    (['stats_noreset'], None),
]


def normalise(text, pid):
    text = re.sub(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d', 'TIME', text)
    # stats: counters, times and NSD's memory sizes move between the runs (the queries
    # of wait_ready); control_server.py's server-stats compares the counts themselves
    text = re.sub(r'^((?:time|num|server\d*|zone|size)\.[A-Za-z0-9_.-]*)=[0-9.]+$', r'\1=N',
                  text, flags=re.M)
    # after the numbers: a PID's digits can be part of one (time.boot=0.60<pid>1)
    return re.sub(rf'(?<![0-9.]){pid}(?![0-9])', 'PID', text)


def run_tool(argv, stdin):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, LC_ALL='C'))
    return p.stdout, p.stderr, p.returncode


def session(r, tool, interface, key_dir=None):
    """One fresh NSD, the session with tool ('nsd' or 'ours'); the normalised answers."""
    top = r.tmpdir('control')
    port = h.free_port()
    nsd = h.Nsd(os.path.join(top, 'nsd'), port, CLAUSES)
    h.write_zone(os.path.join(nsd.zonesdir, 'example.com.zone'), 'example.com', 7)
    conf = open(nsd.conf).read()
    if interface == 'tls':
        ctl_port = h.free_port()
        # NSD's server side takes no @port in control-interface (nsd-control does)
        extra = (f'\tcontrol-interface: 127.0.0.1\n\tcontrol-port: {ctl_port}\n'
                 f'\tserver-key-file: "{key_dir}/nsd_server.key"\n'
                 f'\tserver-cert-file: "{key_dir}/nsd_server.pem"\n'
                 f'\tcontrol-key-file: "{key_dir}/nsd_control.key"\n'
                 f'\tcontrol-cert-file: "{key_dir}/nsd_control.pem"\n')
        conf = re.sub(r'\tcontrol-interface: .*\n', extra, conf)
        with open(nsd.conf, 'w') as f:
            f.write(conf)
    nsd.start()
    pid = nsd.proc.pid
    answers = []
    for args, stdin in SESSION:
        if tool == 'nsd':
            argv = [h.NSD_CONTROL, '-c', nsd.conf] + args
        else:
            argv = [KNOT_NSD, '--nsd-version', nsd_release(), 'control', '-c', nsd.conf] + args
        out, err, rc = run_tool(argv, stdin)
        if args == ['serverpid']:
            # the serving child's PID, which a restarted NSD changes
            out = re.sub(r'^[0-9]+$', 'PID', out, flags=re.M)
        answers.append((args, normalise(out, pid), normalise(err, pid), rc))
    nsd.stop()
    shutil.rmtree(top, ignore_errors=True)
    r.dir = None
    return answers


def nsd_release():
    p = subprocess.run([h.NSD, '-v'], capture_output=True, text=True)
    m = re.search(r'NSD version (\S+)', p.stdout + p.stderr)
    v = m.group(1) if m else '4.6.1'
    return '4.12.0' if tuple(int(x) for x in v.split('.')) >= (4, 12, 0) else '4.6.1'


def compare(r, interface, key_dir=None):
    theirs = session(r, 'nsd', interface, key_dir)
    ours = session(r, 'ours', interface, key_dir)
    for (args, o1, e1, c1), (_, o2, e2, c2) in zip(theirs, ours):
        same = (o1, e1, c1) == (o2, e2, c2)
        r.check(same, f'{" ".join(args)}: the same answer and exit code ({c1})',
                f'\n    nsd-control: {c1} {o1!r} {e1!r}\n    knot-nsd:    {c2} {o2!r} {e2!r}')
    # the session did something: a zone was added and the first line says so
    added = [o for a, o, _, _ in theirs if a == ['addzone', 'added.example', 'p']]
    r.check(added and added[0].startswith('ok'), 'the session adds a zone', repr(added))


def make_keys(r):
    key_dir = os.path.join(r.tmpdir('control-keys'), 'keys')
    os.makedirs(key_dir)
    subprocess.run([NSD_CONTROL_SETUP, '-d', key_dir], check=True, capture_output=True)
    r.dir = None   # kept until the case ends (removed by test_control_tls)
    return key_dir


def test_control_tls(r):
    """The session over TLS (an address and port), with nsd-control-setup's keys."""
    key_dir = make_keys(r)
    try:
        compare(r, 'tls', key_dir)
    finally:
        shutil.rmtree(os.path.dirname(key_dir), ignore_errors=True)


def test_control_unix(r):
    """The session over a unix socket (control-interface a path): plain, as NSD."""
    compare(r, 'unix')


def test_control_failures(r):
    """What the client decides alone: a server that is not running (status says "nsd is
    stopped", exit 3), a port that does not parse, an address that does not parse, key
    files that are not there."""
    top = r.tmpdir('control-fail')
    port = h.free_port()
    conf = os.path.join(top, 'nsd.conf')
    h.write_nsd_conf(conf, top, port, CLAUSES)
    ctl_port = h.free_port()
    text = open(conf).read()
    tls = re.sub(r'\tcontrol-interface: .*\n', f'\tcontrol-interface: 127.0.0.1@{ctl_port}\n'
                 f'\tserver-cert-file: "{top}/none.pem"\n', text)
    tls_conf = os.path.join(top, 'tls.conf')
    with open(tls_conf, 'w') as f:
        f.write(tls)
    # with key files, a TCP port nobody listens on: refused
    key_dir = os.path.join(top, 'keys')
    os.makedirs(key_dir)
    subprocess.run([NSD_CONTROL_SETUP, '-d', key_dir], check=True, capture_output=True)
    keyed = re.sub(r'\tcontrol-interface: .*\n', f'\tcontrol-interface: 127.0.0.1\n'
                   f'\tcontrol-port: {ctl_port}\n'
                   f'\tserver-cert-file: "{key_dir}/nsd_server.pem"\n'
                   f'\tcontrol-key-file: "{key_dir}/nsd_control.key"\n'
                   f'\tcontrol-cert-file: "{key_dir}/nsd_control.pem"\n', text)
    keyed_conf = os.path.join(top, 'keyed.conf')
    with open(keyed_conf, 'w') as f:
        f.write(keyed)
    cases = [
        ([keyed_conf], ['status']),                # refused: "nsd is stopped", exit 3
        ([keyed_conf], ['zonestatus']),            # refused: exit 1
        ([conf], ['status']),                      # unix socket not there
        ([conf], ['zonestatus']),
        ([tls_conf, '-s', f'127.0.0.1@{ctl_port}'], ['zonestatus']),   # no key files
        ([conf, '-s', '127.0.0.1@x'], ['status']),
        ([conf, '-s', '300.0.0.1'], ['status']),
        ([conf, '-s', '::zz'], ['status']),
        ([conf], []),                               # usage
    ]
    release = nsd_release()
    for pre, args in cases:
        conf_file, *more = pre
        a = run_tool([h.NSD_CONTROL, '-c', conf_file] + more + args, None)
        b = run_tool([KNOT_NSD, '--nsd-version', release, 'control', '-c', conf_file] + more +
                     args, None)
        what = ' '.join(more + args) or '(no command)'
        if args == ['zonestatus'] and more:
            # OpenSSL's and GnuTLS's texts differ; nsd-control's first words and exit do not
            r.check(a[2] == b[2] and a[1].split(':')[0] == b[1].split(':')[0],
                    f'{what}: missing key files, the same exit code ({a[2]}) and first words',
                    f'{a!r} / {b!r}')
            continue
        r.check(a == b, f'{what}: the same answer and exit code ({a[2]})', f'{a!r} / {b!r}')


CASES = {
    'control-tls': test_control_tls,
    'control-unix': test_control_unix,
    'control-failures': test_control_failures,
}

if __name__ == '__main__':
    def setup(args):
        global KNOT_NSD
        KNOT_NSD = os.path.abspath(args.knot_nsd)
    sys.exit(h.run_cases(CASES, extra_args=[('--knot-nsd', {'required': True})], setup=setup))
