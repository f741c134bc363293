#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every sample log line in the docs is one the code can print.

Usage: log_lines.py SOURCE_ROOT        (meson test --suite doc runs it)

Sample lines are the lines of fenced blocks with the info string `log` in README.md and
doc/*.md; a line in another fenced block that looks like one (the module's log line, a
line of convert's report) is checked all the same, so none escapes by its marking. A
sample is a whole line, without "..." for the parts left out. A line is one of:
- a knotd log line of the module: `<level>: module 'mod-nsd/<id>', <message>` (knotd's
  prefix for a global module; a timestamp before the level and a `[zone] ` after it are
  allowed): <message> must come from a C format string in module/**/*.c, and <level> must
  be the LOG_* priority the code passes with that format, when it passes a constant;
- a line of `knot-nsd convert --report`: `[SECURITY: ]<file>[:<line>]: <option>:
  <verdict>[ (<how>)]`, as module/cli/convert_report.c prints it, with a verdict word of
  its verdict_word() and <how> coming from a string of module/ (module/knotmap/,
  module/conf/options.c, ...);
- any other line (standard error of knot-nsd): from a format string, whole.
A mapping note (in the log or the report) that gives an option-table row's own text must
give that row's verdict (module/conf/options.c, K(...)).

A format string becomes a matcher: %d %u %zu %llu %x... match numbers, %s and %.*s match
text. Text that a %s stands for must itself be something the code can print: a value
without blanks (a path, a zone, an address; a bare word only if the code has it as a
string), a string literal of module/, a libc strerror() message, or the output of another
format string with words of its own (so "%s %s" cannot vouch for arbitrary text). Where a
format with words of its own prints the line, it is the one that counts (its level).
"""
import os
import re
import sys
from functools import lru_cache

LEVELS = {'LOG_DEBUG': 'debug', 'LOG_INFO': 'info', 'LOG_NOTICE': 'notice',
          'LOG_WARNING': 'warning', 'LOG_ERR': 'error', 'LOG_CRIT': 'critical'}

# --- C string literals -----------------------------------------------------------------

_ESC = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'",
        'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v', '?': '?'}


def _unescape(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != '\\':
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n == 'x':
            m = re.match(r'[0-9a-fA-F]+', body[i + 2:])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        elif n in '01234567':
            m = re.match(r'[0-7]{1,3}', body[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            out.append(_ESC.get(n, n))
            i += 2
    return ''.join(out)


_TOKEN = re.compile(r'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<space>\s+)
  | (?P<other>.)
''', re.S | re.X)


def c_strings(text):
    """(string, level or None) for every string literal, adjacent literals joined.
    level is the LOG_* constant right before the literal (`LOG_ERR, "..."`)."""
    toks = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ('comment', 'space'):
            continue
        if kind == 'other' and m.group(0) == '#':
            # a preprocessor line: #include <x.h> is no string of interest
            end = text.find('\n', m.start())
            line = text[m.start():end if end >= 0 else len(text)]
            if re.match(r'#\s*include', line):
                continue
        toks.append((kind, m.group(0)))
    out = []
    i = 0
    while i < len(toks):
        kind = toks[i][0]
        if kind != 'string':
            i += 1
            continue
        j, parts = i, []
        while j < len(toks) and toks[j][0] == 'string':
            parts.append(_unescape(toks[j][1][1:-1]))
            j += 1
        level = None
        if i >= 2 and toks[i - 1] == ('other', ',') and toks[i - 2][0] == 'ident':
            level = LEVELS.get(toks[i - 2][1])
        out.append((''.join(parts), level))
        i = j
    return out


# --- format strings as matchers ----------------------------------------------------------

_SPEC = re.compile(r'%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?([diouxXcsfgeEp%])')
_NUM = {'d': r'-?\d+', 'i': r'-?\d+', 'u': r'\d+', 'o': r'[0-7]+', 'x': r'[0-9a-f]+',
        'X': r'[0-9A-F]+', 'c': r'.', 'f': r'-?\d+(?:\.\d+)?', 'g': r'-?[\d.e+-]+',
        'e': r'-?[\d.e+-]+', 'E': r'-?[\d.E+-]+', 'p': r'(?:0x[0-9a-f]+|\(nil\))'}


class Format:
    """A printf format as a list of pieces: str (literal), 's' (text) or a regex."""

    def __init__(self, fmt):
        self.fmt = fmt.rstrip('\n')
        self.pieces = []
        pos = 0
        for m in _SPEC.finditer(self.fmt):
            self._lit(self.fmt[pos:m.start()])
            conv = m.group(5)
            if conv == '%':
                self._lit('%')
            elif conv == 's':
                self.pieces.append(TEXT)
            else:
                self.pieces.append(re.compile(r'\s*' + _NUM[conv]))
            pos = m.end()
        self._lit(self.fmt[pos:])
        literal = ''.join(p for p in self.pieces if isinstance(p, str))
        self.letters = sum(c.isalpha() for c in literal)
        rx = ''.join(re.escape(p) if isinstance(p, str) else
                     '.*?' if p is TEXT else p.pattern for p in self.pieces)
        self.quick = re.compile(rx, re.S)

    def _lit(self, s):
        if not s:
            return
        if self.pieces and isinstance(self.pieces[-1], str):
            self.pieces[-1] += s
        else:
            self.pieces.append(s)


TEXT = object()

# Words the module prints from libknot's tables (knot_rcode_names, TSIG rcodes).
RCODES = {'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMPL', 'NOTIMP', 'REFUSED',
          'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'BADVERS', 'BADSIG',
          'BADKEY', 'BADTIME', 'BADMODE', 'BADNAME', 'BADALG', 'BADTRUNC', 'BADCOOKIE'}


class Code:
    def __init__(self, root):
        self.formats = {}    # format text -> Format
        self.levels = {}     # format text -> set of levels (None: passed a variable)
        self.literals = set()
        for d, _, files in os.walk(os.path.join(root, 'module')):
            for f in sorted(files):
                if not f.endswith('.c'):
                    continue
                with open(os.path.join(d, f), encoding='utf-8') as fh:
                    for s, level in c_strings(fh.read()):
                        self.literals.add(s.rstrip('\n'))
                        if s not in self.formats:
                            self.formats[s] = Format(s)
                        self.levels.setdefault(s, set()).add(level)
        # What a %s may stand for: text made by a format with words of its own, or a
        # literal, that the code does not hand to a log call with a fixed level itself
        # (that text goes to the log, not into another message).
        nested = {t for t, lv in self.levels.items() if None in lv}
        self.wordy = [f for t, f in self.formats.items() if t in nested and f.letters >= 4]
        self.wordless = [f for t, f in self.formats.items()
                         if t in nested and f.letters < 4 and
                         any(isinstance(p, str) for p in f.pieces)]
        self.literals = {s for s in self.literals if s in nested or s + '\n' in nested}
        self.strerror = set()
        for n in range(1, 134):
            try:
                self.strerror.add(os.strerror(n))
            except ValueError:
                pass
        self._text_ok = lru_cache(maxsize=None)(self._text_ok_uncached)

    def _text_ok_uncached(self, s, depth):
        if s and not any(c.isspace() for c in s):
            # a value (path, zone, address, number) or a word the code has
            return not re.fullmatch(r'[A-Za-z]+', s) or s in self.literals or s in RCODES
        if s in self.literals or s in self.strerror:
            return True
        if depth <= 0:
            return False
        # "%s %s" may join two values, not vouch for a sentence
        return any(self.match(f, s, depth - 1) for f in self.wordy) or \
            any(self.match(f, s, 0) for f in self.wordless)

    def match(self, fmt, line, depth=3):
        """Whether fmt prints line, every %s standing for text the code can print."""
        if not fmt.quick.fullmatch(line):
            return False
        pieces = fmt.pieces
        n = len(line)
        # suffix matchers: where may piece k start so that the rest can follow
        suffix = [re.compile(''.join(re.escape(p) if isinstance(p, str) else
                                     '.*?' if p is TEXT else p.pattern
                                     for p in pieces[k:]), re.S)
                  for k in range(len(pieces) + 1)]

        @lru_cache(maxsize=None)
        def go(k, i):
            if k == len(pieces):
                return i == n
            p = pieces[k]
            if isinstance(p, str):
                return line.startswith(p, i) and go(k + 1, i + len(p))
            if p is TEXT:
                for j in range(i, n + 1):
                    if suffix[k + 1].fullmatch(line, j) and \
                            self._text_ok(line[i:j], depth) and go(k + 1, j):
                        return True
                return False
            m = p.match(line, i)
            return m is not None and go(k + 1, m.end())

        return go(0, 0)

    def printed_by(self, msg, level=None):
        """The formats that print msg (at this level, where the code fixes one). A format
        with words of its own that prints msg is the one that does: then "%s/%s" and the
        like, which would split msg into two printable halves, are not asked."""
        found = [t for t, f in self.formats.items()
                 if any(isinstance(p, str) for p in f.pieces) and self.match(f, msg)]
        wordy = [t for t in found if self.formats[t].letters >= 4]
        found = wordy or found
        if level is not None:
            found = [t for t in found if None in self.levels[t] or level in self.levels[t]]
        return found


# --- the docs ----------------------------------------------------------------------------

MODULE_LINE = re.compile(r"^(?:\S+ )?(?P<level>debug|info|notice|warning|error|critical): "
                         r"(?:\[[^\]]+\] )?module '(?P<mod>mod-nsd(?:/[^']*)?)', (?P<msg>.*)$")
REPORT_LINE = re.compile(r'^(?P<sec>SECURITY: )?(?P<file>[^\s:]+)(?::(?P<line>\d+))?: '
                         r'(?P<option>[a-z0-9-]+): (?P<rest>.*)$')
FENCE = re.compile(r'^(\s*)(```+|~~~+)\s*(\S*)')


def fenced_blocks(path):
    """(info string, [(line number, text)]) for every fenced block of a Markdown file."""
    blocks, cur, fence, info = [], None, None, None
    with open(path, encoding='utf-8') as fh:
        for no, raw in enumerate(fh, 1):
            line = raw.rstrip('\n')
            m = FENCE.match(line)
            if cur is None and m:
                fence, info, cur = m.group(2), m.group(3), []
                indent = len(m.group(1))
            elif cur is not None and line.strip().startswith(fence) and \
                    line.strip().strip(fence[0]) == '':
                blocks.append((info, cur))
                cur = None
            elif cur is not None:
                cur.append((no, line[indent:] if line[:indent].isspace() else line))
    return blocks


def report_verdicts(root):
    """The verdict words of convert --report, from verdict_word() in convert_report.c."""
    with open(os.path.join(root, 'module/cli/convert_report.c'), encoding='utf-8') as fh:
        text = fh.read()
    m = re.search(r'verdict_word\([^)]*\)\s*\{(.*?)\n\}', text, re.S)
    words = re.findall(r'return "([^"]+)"', m.group(1)) if m else []
    if not words or '"SECURITY: "' not in text:
        raise SystemExit('log_lines.py: convert_report.c no longer looks as expected')
    return words


# K() of the option table -> the verdict words a line with that row's own text may carry
# (convert --report without --module says "approximated" for what the module enforces).
TABLE_VERDICTS = {'EXACT': {'exact'},
                  'APPROX': {'approximated', 'approximated, wider without mod-nsd'},
                  'MODULE': {'enforced by mod-nsd', 'approximated'},
                  'UNSUPPORTED': {'not supported'}}
NOTE_LINE = re.compile(r'^\S+?(?::\d+)?: (?P<option>[a-z0-9-]+): (?P<verdict>approximated, '
                       r'wider without mod-nsd|approximated|not supported|enforced by '
                       r'mod-nsd), (?P<how>.*)$')


def option_table(root):
    """(option, how) -> K() verdict, for the rows of module/conf/options.c."""
    rows = {}
    with open(os.path.join(root, 'module/conf/options.c'), encoding='utf-8') as fh:
        for line in fh:
            m = re.match(r'\s*\{ "([a-z0-9-]+)",.*K\((\w+)\), "((?:[^"\\]|\\.)*)" \}', line)
            if m and m.group(2) in TABLE_VERDICTS:
                rows[(m.group(1), _unescape(m.group(3)))] = m.group(2)
    if not rows:
        raise SystemExit('log_lines.py: module/conf/options.c no longer looks as expected')
    return rows


def table_verdict_ok(table, option, verdict, how):
    """A line that gives an option-table row's own text gives that row's verdict."""
    k = table.get((option, how))
    return k is None or verdict in TABLE_VERDICTS[k]


def check_report(code, verdicts, m):
    rest = m.group('rest')
    for v in verdicts:
        if rest == v:
            return True
        if rest.startswith(v + ' (') and rest.endswith(')'):
            return code._text_ok(rest[len(v) + 2:-1], 3)
    return False


def looks_like_sample(line):
    return MODULE_LINE.match(line) is not None or (
        REPORT_LINE.match(line) is not None and
        re.search(r': (exact|approximated|not supported|enforced by|not needed)', line))


def check(root, code, files):
    verdicts = report_verdicts(root)
    table = option_table(root)
    failures, checked = [], 0
    for path in files:
        rel = os.path.relpath(path, root)
        for info, lines in fenced_blocks(path):
            for no, line in lines:
                # samples are marked ```log; a line that looks like one elsewhere is
                # checked all the same, so none escapes by its marking
                if info != 'log' and not looks_like_sample(line):
                    continue
                if not line.strip():
                    continue
                checked += 1
                if '...' in line or '\u2026' in line:
                    failures.append(f'{rel}:{no}: a sample is a whole line, no "...": {line}')
                    continue
                m = MODULE_LINE.match(line)
                r = REPORT_LINE.match(line)
                n = NOTE_LINE.match(m.group('msg')) if m else None
                if n and not table_verdict_ok(table, *n.group('option', 'verdict', 'how')):
                    failures.append(f'{rel}:{no}: module/conf/options.c gives '
                                    f'{n.group("option")} another verdict: {line}')
                    continue
                if r and not m:
                    rest = r.group('rest')
                    v, _, how = rest.partition(' (')
                    if not table_verdict_ok(table, r.group('option'), v, how[:-1]):
                        failures.append(f'{rel}:{no}: module/conf/options.c gives '
                                        f'{r.group("option")} another verdict: {line}')
                        continue
                if m:
                    ok = code.printed_by(m.group('msg'), m.group('level'))
                    if not ok and code.printed_by(m.group('msg')):
                        failures.append(f'{rel}:{no}: the code logs this at another level: '
                                        f'{line}')
                        continue
                elif REPORT_LINE.match(line) and check_report(code, verdicts,
                                                              REPORT_LINE.match(line)):
                    ok = True
                else:
                    ok = code.printed_by(line)
                if not ok:
                    failures.append(f'{rel}:{no}: no format string in module/ prints: {line}')
    return checked, failures


def doc_files(root):
    files = [os.path.join(root, 'README.md')]
    d = os.path.join(root, 'doc')
    files += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith('.md')]
    return [f for f in files if os.path.exists(f)]


def self_test(code):
    """The matcher refuses what it must refuse (a broken copy of real formats)."""
    good = [("info", "'/var/lib/knot/nsd/nsd.conf' is in step with /etc/nsd/nsd.conf"),
            ("debug", "axfr for example.com. from 192.0.2.7@41234 refused, no acl matches, "
                      "key none")]
    bad = [("info", "'/var/lib/knot/nsd/nsd.conf' is in sync with /etc/nsd/nsd.conf"),
           ("notice", "'/var/lib/knot/nsd/nsd.conf' is in step with /etc/nsd/nsd.conf"),
           ("debug", "axfr for example.com. from 192.0.2.7@41234 refused, no acl match, "
                     "key none"),
           ("info", "zone example.net., NOTIFY at start-up, two targets, serial 1")]
    errs = []
    for level, msg in good:
        if not code.printed_by(msg, level):
            errs.append('self-test: not matched: ' + msg)
    for level, msg in bad:
        if code.printed_by(msg, level):
            errs.append('self-test: matched, must not: %s: %s' % (level, msg))
    return errs


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    code = Code(root)
    checked, failures = check(root, code, doc_files(root))
    failures += self_test(code)
    for f in failures:
        print('FAIL ' + f)
    print(f'{checked} sample lines checked against {len(code.formats)} strings of module/, '
          f'{len(failures)} failures')
    if checked == 0:
        print('FAIL no ```log block found in the docs')
        return 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
