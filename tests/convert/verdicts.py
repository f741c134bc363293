#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The mapping report never contradicts the option table.

`knot-nsd convert --report` is run, native, --module and --include, over every valid
file of the corpora: tests/convert/golden/*.conf (from the golden folder, with their
'# args:' line other than the mode, once per knotd of their '# knot:' line) and the
tests/checkconf/corpus files nsd-checkconf accepts (from the corpus folder, as
corpus.py chooses them, for the knotd knot-nsd was built against).  Each report
line's verdict is compared with its option's row of `convert --list-options` for the
same knotd, which for 3.2 is also what doc/migration.md's table says.

Verdicts, by what Knot gets:
  exact          'exact'
  approximated   'approximated', and 'enforced by mod-nsd' (a row whose rule mod-nsd
                 applies reads 'approximated' natively; a line knotd alone holds too
                 wide reads 'enforced by mod-nsd' with the module)
  not supported  'not supported'
  not needed     'not needed'

A row describes the option, a report line one value written in one place, so a line
may differ from its row, within these rules (a break of any is a contradiction):
  1. Every line of a 'not needed' row is 'not needed': the table says the option has
     no effect on serving.
  2. No line of a 'not supported' row is 'approximated': knotd doing something like
     the option means the option is supported, approximately. ('exact' is fine: a
     value that asks nothing knotd lacks, such as dnstap-enable: no.)
  3. Each option's row verdict is what at least one of its lines says, over all files
     and modes, counting options with a line other than 'not needed' (which only says
     that occurrence has no effect: overridden, unused pattern, server-wide option in
     an include), counting together the knotd versions whose rows of the option say
     the same.  Other lines of it may be better (a value Knot holds exactly under an
     'approximated' row) or worse (a value Knot cannot hold under an 'exact' row: an
     address form, a clamped number, an undefined key).  A row the mapping never
     bears out is the table disagreeing with the code: catalog rows that said
     'approximated' while no catalog was ever rendered.  An option whose row verdict
     the corpora happen not to exercise fails too: add a golden file with a value
     that shows it.
The report does not name the clause: a name with several rows (name, ip-address,
port, verifier...) contradicts only what contradicts every one of its rows (rule 3:
some row's verdict is borne out).  server-<N>-cpu-affinity lines take the row of
xfrd-cpu-affinity, as the report does; the tls-auth clause's own line the row of the
tls-auth name.

usage: verdicts.py --ours build/module/cli/knot-nsd [-j N]
"""

import argparse
import collections
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'golden')
CORPUS = os.path.normpath(os.path.join(HERE, '..', 'checkconf', 'corpus'))
NSD_CHECKCONF = '/usr/sbin/nsd-checkconf'
MODES = ([], ['--module'], ['--include'])

CLASS = {
    'exact': 'exact',
    'approximated': 'approximated',
    'enforced by mod-nsd': 'approximated',
    'not supported': 'not supported',
    'not needed': 'not needed',
}
LINE = re.compile(r'^(?:SECURITY: )?(.*): ([a-z0-9-]+): (' + '|'.join(CLASS) +
                  r')(?: \((.*)\))?$')


def table(ours, knot):
    """option name -> [(clause, verdict class)] from --list-options for knotd knot
    (None: the knotd knot-nsd was built against)."""
    pin = ['--knot-version', knot] if knot else []
    out = subprocess.run([ours, 'convert', '--list-options', *pin], capture_output=True,
                         text=True, check=True).stdout
    rows = collections.defaultdict(list)
    for line in out.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip('|').split(' | ')]
        rows[cells[0].strip('`')].append((cells[1], CLASS[cells[3]]))
    return rows


def rows_of(rows, option):
    if re.fullmatch(r'server-[0-9]+-cpu-affinity', option):
        return rows.get('xfrd-cpu-affinity', [])
    if option == 'tls-auth':
        return [r for r in rows.get('name', []) if r[0] == 'tls-auth']
    return rows.get(option, [])


def line_breaks(row, got):
    """The rule (1 or 2) a line of this row breaks, or None."""
    if row == 'not needed' and got != 'not needed':
        return 1
    if row == 'not supported' and got == 'approximated':
        return 2
    return None


def files():
    """(folder, file, extra args, knotd or None) of every valid file of the corpora."""
    jobs = []
    for name in sorted(os.listdir(GOLDEN)):
        if not name.endswith('.conf'):
            continue
        extra, knots = [], ['3.2']
        with open(os.path.join(GOLDEN, name)) as f:
            for line in f:
                if line.startswith('# args:'):
                    extra = shlex.split(line[len('# args:'):])
                elif line.startswith('# knot:'):
                    knots = line[len('# knot:'):].split()
        extra = [a for a in extra if a not in ('--module', '--include')]
        for knot in knots:
            jobs.append((GOLDEN, name, extra + ['--knot-version', knot], knot))
    if os.access(NSD_CHECKCONF, os.X_OK):
        for name in sorted(os.listdir(CORPUS)):
            if name.endswith('.conf') and subprocess.run(
                    [NSD_CHECKCONF, name], cwd=CORPUS, capture_output=True,
                    stdin=subprocess.DEVNULL, timeout=60).returncode == 0:
                jobs.append((CORPUS, name, [], None))
    else:
        print(f'note: {NSD_CHECKCONF} missing: the checkconf corpus is left out')
    return jobs


def report(ours, job):
    folder, name, extra, _ = job
    out = []
    for mode in MODES:
        r = subprocess.run([ours, 'convert', '--report', *mode, *extra, name], cwd=folder,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=60)
        out.append((' '.join(mode) or 'native', r))
    return job, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ours', required=True)
    ap.add_argument('-j', type=int, default=2)
    args = ap.parse_args()
    ours = os.path.abspath(args.ours)
    tables = {}      # knotd -> its rows
    bad = []
    # (option, its rows) -> verdict classes of its lines other than 'not needed', with an example
    seen = collections.defaultdict(dict)
    n_lines = 0
    with ThreadPoolExecutor(args.j) as ex:
        for (folder, name, _, knot), runs in ex.map(lambda j: report(ours, j), files()):
            if knot not in tables:
                tables[knot] = table(ours, knot)
            rows = tables[knot]
            for mode, r in runs:
                where = f'{os.path.basename(folder)}/{name} ({mode}' + \
                    (f', knotd {knot})' if knot else ')')
                if r.returncode not in (0, 3, 4):
                    bad.append(f'{where}: exit {r.returncode}: {r.stderr.strip()}')
                    continue
                for line in r.stdout.splitlines():
                    m = LINE.match(line)
                    if m is None:
                        bad.append(f'{where}: unreadable report line: {line}')
                        continue
                    n_lines += 1
                    option, got = m.group(2), CLASS[m.group(3)]
                    mine = rows_of(rows, option)
                    if not mine:
                        bad.append(f'{where}: {option} has no row in the table: {line}')
                        continue
                    broken = [line_breaks(v, got) for _, v in mine]
                    if all(b is not None for b in broken):
                        bad.append(f'rule {broken[0]}: {where}: the table says '
                                   f'{"/".join(v for _, v in mine)}: {line}')
                    if got != 'not needed':
                        seen[(option, tuple(mine))].setdefault(got, f'{where}: {line}')
    for (option, mine), got in sorted(seen.items()):
        if mine and not any(v in got for _, v in mine):
            bad.append(f'rule 3: {option}: the table says {"/".join(v for _, v in mine)}, '
                       f'the mapping only ' + '; '.join(f'{v}, e.g. {e}' for v, e in
                                                         sorted(got.items())))
    for b in bad:
        print('FAIL ' + b)
    print(f'{n_lines} report lines of {len(seen)} options checked, {len(bad)} contradictions')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
