#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden tests of `knot-nsd convert --report`, one small nsd.conf per option group.

golden/<name>.conf is converted from the golden folder (a '# args: ...' line adds
options) for each knotd its '# knot: 3.2 3.4.6 ...' line names (default: 3.2), with
--knot-version, so that no comparison depends on the knotd installed; its report and
exit status must equal golden/<name>.report (knotd 3.2) or <name>.report@knot-<X.Y.Z>,
the converted configuration must pass `knotc conf-check` where the installed knotc is
at least that version, and together the reports must name every option of the option
table (`convert --list-options`).

usage: golden.py --ours build/module/cli/knot-nsd [--module build/module/mod/nsd.so]
                 [--update] [-k FILTER]
"""

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'golden')
KNOTC = '/usr/sbin/knotc'


def args_of(path):
    with open(path) as f:
        for line in f:
            if line.startswith('# args:'):
                return shlex.split(line[len('# args:'):])
    return []


def knots_of(path):
    """The knotd versions a golden file is converted for."""
    with open(path) as f:
        for line in f:
            if line.startswith('# knot:'):
                return line[len('# knot:'):].split()
    return ['3.2']


def knotc_version():
    """(major, minor) of the installed knotc, None when there is none."""
    if not os.access(KNOTC, os.X_OK):
        return None
    out = subprocess.run([KNOTC, '--version'], capture_output=True, text=True).stdout
    m = re.search(r'version ([0-9]+)\.([0-9]+)', out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def expected_base(conf, knot):
    base = os.path.join(GOLDEN, conf[:-len('.conf')] + '.report')
    return base if knot == '3.2' else base + '@knot-' + knot


def report(ours, name, extra):
    r = subprocess.run([ours, 'convert', '--report', *extra, name], cwd=GOLDEN,
                       capture_output=True, text=True, timeout=60)
    text = r.stdout
    if r.stderr:
        text += ''.join('stderr: ' + l + '\n' for l in r.stderr.splitlines())
    return text + f'exit: {r.returncode}\n'


def conf_check(ours, name, extra, module):
    """The configuration itself: knotc must accept it (None when it does)."""
    if not os.access(KNOTC, os.X_OK) or ('--module' in extra and not module):
        return None
    knot = extra[extra.index('--knot-version') + 1].split('.')
    installed = knotc_version()
    if installed is None or (int(knot[0]), int(knot[1])) > installed:
        return None   # an older knotc does not know what a newer knotd reads
    with tempfile.TemporaryDirectory(prefix='knot-nsd-golden-') as tmp:
        out = os.path.join(tmp, 'knot.conf')
        more = [] if '--include' in extra else ['--rundir', tmp, '--storage', tmp]
        if '--module' in extra:
            more += ['--knot-include', os.path.join(tmp, 'inc', 'nsd.conf'),
                     '--module-file', module]
        r = subprocess.run([ours, 'convert', '-o', out, *more, *extra, name], cwd=GOLDEN,
                           capture_output=True, text=True, timeout=60)
        if r.returncode not in (0, 3, 4):
            return f'convert -o: exit {r.returncode}: {r.stderr}'
        if '--include' in extra:
            wrap = os.path.join(tmp, 'wrap.conf')
            with open(wrap, 'w') as f:
                f.write(f'server:\n  rundir: {tmp}\ndatabase:\n  storage: {tmp}\n'
                        f'include: {out}\n')
            out = wrap
        c = subprocess.run([KNOTC, '-c', out, 'conf-check'], capture_output=True, text=True,
                           timeout=60)
        if c.returncode != 0:
            return 'knotc conf-check: ' + c.stdout + c.stderr
    return None


def options_named(text):
    names = set()
    for line in text.splitlines():
        if line.startswith('SECURITY: '):
            line = line[len('SECURITY: '):]
        parts = line.split(': ', 2)
        if len(parts) == 3 and ':' in parts[0]:
            names.add(parts[1])
    return names


def release_of(ours):
    """The NSD release our binary judges nsd.conf by (its checkconf -h says, as
    nsd-checkconf's does: "Version 4.6.1.")."""
    p = subprocess.run([ours, 'checkconf', '-h'], capture_output=True, text=True)
    m = re.search(r'Version ([0-9][0-9.]*[0-9])\.', p.stderr + p.stdout)
    return m.group(1) if m else '4.6.1'


def compare(args, conf, knot, release, got):
    """The difference from the expected report ('' when none); --update writes it."""
    # <base>, or <base>@<release> where that NSD release reads the file differently
    # (4.12 ignores database:, so it switches nothing on)
    base_path = expected_base(conf, knot)
    expected_path = base_path + '@' + release
    if not os.path.exists(expected_path):
        expected_path = base_path
    if args.update:
        try:
            with open(base_path) as f:
                base = f.read()
        except FileNotFoundError:
            base = None
        if release != '4.6.1' and base is not None and got != base:
            expected_path = base_path + '@' + release
        with open(expected_path, 'w') as f:
            f.write(got)
    try:
        with open(expected_path) as f:
            want = f.read()
    except FileNotFoundError:
        want = ''
    if got == want:
        return ''
    return ''.join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                        'expected', 'got'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ours', required=True)
    ap.add_argument('--module', help='nsd.so, for knotc to check --module output')
    ap.add_argument('--update', action='store_true')
    ap.add_argument('-k', dest='filter', default='')
    args = ap.parse_args()
    ours = os.path.abspath(args.ours)
    if args.module:
        args.module = os.path.abspath(args.module)

    release = release_of(ours)
    passed = failed = 0
    named = set()
    for conf in sorted(n for n in os.listdir(GOLDEN) if n.endswith('.conf')):
        if args.filter not in conf:
            continue
        for knot in knots_of(os.path.join(GOLDEN, conf)):
            extra = args_of(os.path.join(GOLDEN, conf)) + ['--knot-version', knot]
            got = report(ours, conf, extra)
            named |= options_named(got)
            ok = compare(args, conf, knot, release, got)
            bad = conf_check(ours, conf, extra, args.module)
            problems = ([ok] if ok else []) + ([bad] if bad else [])
            what = conf if knot == '3.2' else f'{conf} (knotd {knot})'
            if problems:
                failed += 1
                print(f'FAIL {what}')
                for p in problems:
                    print('  ' + p.rstrip().replace('\n', '\n  '))
            else:
                passed += 1
                print(f'ok   {what}')

    if not args.filter:
        table = subprocess.run([ours, 'convert', '--list-options'], capture_output=True,
                               text=True, check=True).stdout
        rows = {l.split('|')[1].strip().strip('`') for l in table.splitlines()[2:]}
        missing = sorted(rows - named)
        if missing:
            failed += 1
            print('FAIL no golden report names: ' + ', '.join(missing))
        else:
            passed += 1
            print(f'ok   the golden reports name all {len(rows)} options of the table')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
