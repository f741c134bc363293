#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""knot-nsd convert over the checkconf corpus.

For every corpus file nsd-checkconf 4.6.1 accepts (run from the corpus folder, as
include: paths are relative to the working directory):
  - native, --module and --include conversions (for the knotd knot-nsd was built
    against) are accepted by `knotc conf-check`, and so is a native conversion for
    knotd 3.2 (--knot-version=3.2) where the installed knotc is newer;
  - --include is byte for byte what mod-nsd's include keeper writes (keeper_render);
  - the exit status is 0, 3 or 4 and says what the report says.
For every file nsd-checkconf rejects: convert exits 2, writes no file, and prints
nsd-checkconf's messages (unless the file only uses syntax newer than NSD 4.6.1,
which convert accepts as mod-nsd does).

usage: corpus.py --ours build/module/cli/knot-nsd --keeper build/tests/convert/keeper_render
                 [--module build/module/mod/nsd.so] [-k FILTER]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, '..', 'checkconf', 'corpus'))
NSD_CHECKCONF = '/usr/sbin/nsd-checkconf'
KNOTC = '/usr/sbin/knotc'


def run(argv, cwd, timeout=60):
    return subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def conf_check(path, cwd):
    r = run([KNOTC, '-c', path, 'conf-check'], cwd)
    return r.returncode == 0, (r.stdout + r.stderr).decode(errors='replace')


def check_valid(args, name, tmp):
    """Problems with an nsd.conf that nsd-checkconf accepts (list of strings)."""
    bad = []
    os.makedirs(os.path.join(tmp, 'storage'))
    os.makedirs(os.path.join(tmp, 'run'))
    common = ['--rundir', os.path.join(tmp, 'run')]
    native = os.path.join(tmp, 'native.conf')
    r = run([args.ours, 'convert', '-o', native, '--storage', os.path.join(tmp, 'storage'),
             *common, name], CORPUS)
    if r.returncode not in (0, 3, 4):
        return [f'native: exit {r.returncode}: {r.stderr.decode(errors="replace")}']
    rep = run([args.ours, 'convert', '--report', name], CORPUS)
    lines = rep.stdout.decode(errors='replace').splitlines()
    want = 4 if any(l.startswith('SECURITY: ') or ': not supported' in l for l in lines) \
        else 3 if any(': approximated' in l for l in lines) else 0
    if rep.returncode != r.returncode or rep.returncode != want:
        bad.append(f'exit {r.returncode}, with --report {rep.returncode}, report says {want}')
    ok, out = conf_check(native, tmp)
    if not ok:
        bad.append('knotc conf-check rejects the native conversion:\n' + out)
    if args.older:
        old = os.path.join(tmp, 'native-3.2.conf')
        r = run([args.ours, 'convert', '--knot-version=3.2', '-o', old, '--storage',
                 os.path.join(tmp, 'storage'), *common, name], CORPUS)
        ok, out = conf_check(old, tmp) if r.returncode in (0, 3, 4) else (False, r.stderr)
        if not ok:
            bad.append('knotc conf-check rejects the knotd 3.2 conversion:\n' + str(out))

    if args.module:
        mod = os.path.join(tmp, 'module.conf')
        r = run([args.ours, 'convert', '--module', '-o', mod, '--module-file', args.module,
                 '--knot-include', os.path.join(tmp, 'inc', 'nsd.conf'), *common, name], CORPUS)
        if r.returncode not in (0, 3, 4):
            bad.append(f'--module: exit {r.returncode}: {r.stderr.decode(errors="replace")}')
        else:
            ok, out = conf_check(mod, tmp)
            if not ok:
                bad.append('knotc conf-check rejects the --module conversion:\n' + out)

    inc = os.path.join(tmp, 'inc.conf')
    r = run([args.ours, 'convert', '--include', '-o', inc, name], CORPUS)
    if r.returncode not in (0, 3, 4):
        return bad + [f'--include: exit {r.returncode}: {r.stderr.decode(errors="replace")}']
    kept = os.path.join(tmp, 'kept', 'nsd.conf')
    k = run([args.keeper, os.path.join(CORPUS, name), kept], CORPUS)
    if k.returncode != 0:
        bad.append(f'keeper_render failed: {k.stderr.decode(errors="replace")}')
    elif open(inc, 'rb').read() != open(kept, 'rb').read():
        d = run(['diff', '-u', kept, inc], tmp).stdout.decode(errors='replace')
        bad.append('--include differs from what mod-nsd writes:\n' + d[:3000])
    wrap = os.path.join(tmp, 'wrap.conf')
    with open(wrap, 'w') as f:
        f.write(f'server:\n  rundir: {tmp}/run\n  listen: 127.0.0.1@53\n'
                f'database:\n  storage: {tmp}/storage\ninclude: {inc}\n')
    ok, out = conf_check(wrap, tmp)
    if not ok:
        bad.append('knotc conf-check rejects the include under a knot.conf:\n' + out)
    return bad


def check_invalid(args, name, tmp, nsd):
    """convert on an nsd.conf nsd-checkconf rejects."""
    out = os.path.join(tmp, 'knot.conf')
    r = run([args.ours, 'convert', '-o', out, name], CORPUS)
    if r.returncode != 2:
        # Syntax of NSD 4.7 and later is accepted, as mod-nsd accepts it.
        ours = run([args.ours, 'checkconf', name], CORPUS)
        if r.returncode in (0, 3, 4) and b'syntax error' in ours.stderr:
            return []
        return [f'exit {r.returncode} for a file nsd-checkconf rejects']
    bad = []
    if os.path.exists(out) or any('.tmp.' in n for n in os.listdir(tmp)):
        bad.append('a file was written although nsd.conf is broken')
    if b'syntax error' in nsd.stderr and b'syntax error' not in r.stderr:
        return bad   # newer syntax accepted; what convert found is its own verdict
    # nsd-checkconf's messages, echo included (convert sends it to stderr).
    if r.stderr != nsd.stdout + nsd.stderr:
        ours = run([args.ours, 'checkconf', name], CORPUS)
        if ours.stderr == nsd.stderr:   # not a checkconf difference: ours
            bad.append('messages differ from nsd-checkconf:\n--- nsd-checkconf\n' +
                       (nsd.stdout + nsd.stderr).decode(errors='replace') +
                       '--- convert\n' + r.stderr.decode(errors='replace'))
    return bad


def one(args, name):
    tmp = tempfile.mkdtemp(prefix='knot-nsd-convert-')
    try:
        nsd = run([NSD_CHECKCONF, name], CORPUS)
        if nsd.returncode == 0:
            return name, 'valid', check_valid(args, name, tmp)
        return name, 'invalid', check_invalid(args, name, tmp, nsd)
    except subprocess.TimeoutExpired as e:
        return name, '?', [f'timeout: {e}']
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ours', required=True)
    ap.add_argument('--keeper', required=True)
    ap.add_argument('--module')
    ap.add_argument('-k', dest='filter', default='')
    ap.add_argument('-j', type=int, default=4)
    args = ap.parse_args()
    args.ours = os.path.abspath(args.ours)
    args.keeper = os.path.abspath(args.keeper)
    if args.module:
        args.module = os.path.abspath(args.module)
    for tool in (NSD_CHECKCONF, KNOTC):
        if not os.access(tool, os.X_OK):
            print(f'SKIP: {tool} missing')
            return 77
    version = run([KNOTC, '--version'], HERE).stdout.decode()
    args.older = ' 3.2.' not in version
    names = sorted(n for n in os.listdir(CORPUS)
                   if n.endswith('.conf') and args.filter in n)
    passed = failed = 0
    counts = {'valid': 0, 'invalid': 0, '?': 0}
    with ThreadPoolExecutor(args.j) as ex:
        for name, kind, bad in ex.map(lambda n: one(args, n), names):
            counts[kind] += 1
            if bad:
                failed += 1
                print(f'FAIL {name} ({kind})')
                for b in bad:
                    print('  ' + b.replace('\n', '\n  '))
            else:
                passed += 1
    print(f'{counts["valid"]} valid and {counts["invalid"]} invalid corpus files')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
