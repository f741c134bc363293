#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""doc/migration.md's option table is `knot-nsd convert --list-options`, byte for byte.

The table lives between the marker lines below; regenerate it with --update.
usage: doc_table.py --ours build/module/cli/knot-nsd --doc doc/migration.md [--update]
"""

import argparse
import subprocess
import sys

BEGIN = '<!-- BEGIN option table: knot-nsd convert --list-options (tests/convert/doc_table.py) -->\n'
END = '<!-- END option table -->\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ours', required=True)
    ap.add_argument('--doc', required=True)
    ap.add_argument('--update', action='store_true')
    args = ap.parse_args()
    # the table of the release the docs describe (Debian 12's NSD 4.6.1, knotd 3.2)
    table = subprocess.run([args.ours, '--nsd-version=4.6.1', 'convert', '--list-options',
                            '--knot-version=3.2'],
                           capture_output=True,
                           text=True, check=True).stdout
    with open(args.doc) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        print(f'FAIL {args.doc} has no option table markers')
        return 1
    head, rest = doc.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    if body == table:
        print(f'ok   {args.doc}: the option table is the option table')
        return 0
    if args.update:
        with open(args.doc, 'w') as f:
            f.write(head + BEGIN + table + END + tail)
        print(f'updated {args.doc}')
        return 0
    print(f'FAIL {args.doc}: the option table differs from convert --list-options '
          f'(run {sys.argv[0]} --update)')
    return 1


if __name__ == '__main__':
    sys.exit(main())
