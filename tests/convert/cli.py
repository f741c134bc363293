#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""knot-nsd convert's command line: exit statuses, where output goes, the atomic -o.

usage: cli.py --ours build/module/cli/knot-nsd
"""

import argparse
import os
import stat
import subprocess
import sys
import tempfile

NSD_CHECKCONF = '/usr/sbin/nsd-checkconf'
KEY = 'key:\n\tname: k\n\tsecret: "c2VjcmV0c2VjcmV0c2VjcmV0"\n'
EXACT = KEY + 'zone:\n\tname: example.com\n\tzonefile: example.com.zone\n' \
    '\tprovide-xfr: 192.0.2.1 k\n'
APPROX = 'server:\n\tverbosity: 1\n' + EXACT
SECURITY = EXACT + '\tprovide-xfr: 192.0.2.2@5353 NOKEY\n'
BROKEN = 'zone:\n\tname: example.com\n\tbogus-option: yes\n'
SEMANTIC = 'zone:\n\tname: example.com\n'   # a primary without zonefile


class Cli:
    def __init__(self, ours):
        self.ours = ours
        self.dir = tempfile.mkdtemp(prefix='knot-nsd-cli-')
        self.passed = self.failed = 0

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def run(self, *argv, cwd=None):
        return subprocess.run([self.ours, *argv], cwd=cwd or self.dir, capture_output=True,
                              text=True, timeout=30)

    def check(self, cond, what, detail=''):
        if cond:
            self.passed += 1
            print(f'ok   {what}')
        else:
            self.failed += 1
            print(f'FAIL {what}' + (f': {detail}' if detail else ''))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ours', required=True)
    t = Cli(os.path.abspath(ap.parse_args().ours))

    r = t.run('--help')
    t.check(r.returncode == 0 and 'convert' in r.stdout, 'knot-nsd --help lists convert')
    r = t.run('convert')
    t.check(r.returncode == 1 and 'usage: knot-nsd convert' in r.stderr,
            'no nsd.conf: usage on stderr, exit 1', repr(r))
    r = t.run('convert', '--help')
    t.check(r.returncode == 0 and 'Exit status' in r.stdout, 'convert --help: exit 0')
    exact = t.write('exact.conf', EXACT)
    r = t.run('convert', '--module', '--include', exact)
    t.check(r.returncode == 1, '--module with --include: exit 1')
    r = t.run('convert', '--include', '--storage', '/x', exact)
    t.check(r.returncode == 1, '--include with --storage: exit 1 (mod-nsd takes none)')
    r = t.run('convert', '--knot-include', '/x/y.conf', exact)
    t.check(r.returncode == 1, '--knot-include without --module: exit 1')
    r = t.run('convert', '--list-options')
    t.check(r.returncode == 0 and r.stdout.startswith('| option |'), '--list-options: the table')

    # exit statuses follow the report
    for name, text, want in [('exact', EXACT, 0), ('approx', APPROX, 3),
                             ('security', SECURITY, 4)]:
        path = t.write(name + '.conf', text)
        r = t.run('convert', path)
        t.check(r.returncode == want and r.stdout.startswith('# Knot DNS configuration'),
                f'{name} nsd.conf: knot.conf on stdout, exit {want}', f'exit {r.returncode}')
        r = t.run('convert', '--report', path)
        t.check(r.returncode == want and not r.stdout.startswith('#'),
                f'{name} nsd.conf --report: only the report on stdout, exit {want}')
    r = t.run('convert', '--report', 'security.conf')
    t.check(any(l.startswith('SECURITY: security.conf:8: provide-xfr: approximated')
                for l in r.stdout.splitlines()),
            'a port-restricted provide-xfr is flagged SECURITY at its line', r.stdout)
    r = t.run('convert', '--module', '--report', 'security.conf')
    t.check(r.returncode == 0 and 'SECURITY' not in r.stdout,
            'with --module the same line is enforced by mod-nsd: exit 0', r.stdout)

    # -o: atomic, mode 0640, the same bytes as stdout
    out = os.path.join(t.dir, 'knot.conf')
    r = t.run('convert', '-o', out, '--report', 'approx.conf')
    body = open(out).read() if os.path.exists(out) else ''
    t.check(r.returncode == 3 and body.startswith('# Knot DNS') and 'verbosity' in r.stdout,
            '-o with --report: the file written, the report on stdout')
    t.check(body == t.run('convert', 'approx.conf').stdout, '-o writes what stdout gets')
    t.check(stat.S_IMODE(os.stat(out).st_mode) == 0o640,
            '-o file mode 0640 (it holds TSIG secrets)', oct(os.stat(out).st_mode))

    broken = t.write('broken.conf', BROKEN)
    r = t.run('convert', '-o', out, broken)
    nsd = subprocess.run([NSD_CHECKCONF, broken], capture_output=True, text=True)
    t.check(r.returncode == 2 and r.stdout == '', 'broken nsd.conf: exit 2, nothing on stdout')
    t.check(r.stderr == nsd.stdout + nsd.stderr, "broken nsd.conf: nsd-checkconf's messages",
            f'{r.stderr!r} vs {nsd.stderr!r}')
    t.check(open(out).read() == body, 'broken nsd.conf: the existing -o file is untouched')
    t.check(not [n for n in os.listdir(t.dir) if '.tmp.' in n], 'no temporary file left')
    new = os.path.join(t.dir, 'new.conf')
    r = t.run('convert', '-o', new, broken)
    t.check(not os.path.exists(new), 'broken nsd.conf: no -o file created')

    sem = t.write('semantic.conf', SEMANTIC)
    r = t.run('convert', '-o', new, 'semantic.conf')
    nsd = subprocess.run([NSD_CHECKCONF, 'semantic.conf'], cwd=t.dir, capture_output=True,
                         text=True)
    t.check(r.returncode == 2 and r.stderr == nsd.stderr and not os.path.exists(new),
            "nsd-checkconf's semantic errors: its messages, exit 2, no file", r.stderr)
    r = t.run('convert', os.path.join(t.dir, 'missing.conf'))
    nsd = subprocess.run([NSD_CHECKCONF, os.path.join(t.dir, 'missing.conf')],
                         capture_output=True, text=True)
    t.check(r.returncode == 2 and r.stderr == nsd.stderr, 'missing nsd.conf: exit 2, as NSD says')

    zl = t.write('zone.list', '# NSD zone list\n# name pattern\nadd a.example nosuch\n')
    r = t.run('convert', '-z', zl, exact)
    t.check(r.returncode == 2 and 'pattern does not exist for zone a.example' in r.stderr,
            'a zonelistfile naming an unknown pattern: exit 2 with NSD\'s message', r.stderr)
    zl = t.write('zone.list', '# NSD zone list\n# name pattern\nadd a.example p\n')
    withp = t.write('withp.conf', EXACT + 'pattern:\n\tname: p\n\tzonefile: "%s.zone"\n')
    r = t.run('convert', '-z', zl, withp)
    t.check(r.returncode == 0 and '  - domain: a.example\n' in r.stdout,
            'zones of the zonelistfile are converted', r.stderr)

    r = t.run('convert', '-o', os.path.join(t.dir, 'nodir', 'knot.conf'), exact)
    t.check(r.returncode == 1 and 'cannot' in r.stderr and
            not os.path.exists(os.path.join(t.dir, 'nodir')),
            '-o into a missing folder: exit 1, nothing created', r.stderr)

    r = t.run('convert', '--include', 'exact.conf')
    t.check(r.stdout.startswith('# Generated by knot-nsd (mod-nsd) from ' +
                                os.path.join(t.dir, 'exact.conf') + ';'),
            '--include names nsd.conf by its absolute path, as mod-nsd is configured')
    r = t.run('convert', '--module', '--module-file', '/x/nsd.so', '--knot-include',
              '/var/lib/knot/nsd/nsd.conf', 'exact.conf')
    t.check('module:\n  - id: mod-nsd\n    file: /x/nsd.so\n' in r.stdout and
            f'    config: {t.dir}/exact.conf\n' in r.stdout and
            'include: /var/lib/knot/nsd/*.conf\n' in r.stdout and
            '  - domain:' not in r.stdout, '--module: module sections, include glob, no zones')

    print(f'{t.passed} passed, {t.failed} failed')
    subprocess.run(['rm', '-rf', t.dir])
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
