#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Differential test: `knot-nsd checkconf` versus Debian 12's nsd-checkconf 4.6.1.

For every corpus file (corpus/*.conf) a list of invocations is derived (plain,
-v, -vv, -o zones, per-zone / per-pattern / server option queries, key and
tls-auth look-ups, usage errors, ...).  Each invocation is run with both tools
from the corpus directory (relative includes resolve against it) and stdout,
stderr and the exit status are compared byte for byte.

The corpus files may carry expectations in their leading comment lines:
    # expect-exit: 2
    # expect-stderr: expected a number greater than zero
    # expect-stdout: some text
Values may use the escapes \\n, \\r, \\t and \\\\.
They are checked against nsd-checkconf's plain run (`nsd-checkconf FILE`), so
`--nsd-only` proves that every file fails (or passes) for the intended reason.

Only the standard library is used.  See README.md.
"""

import argparse
import base64
import concurrent.futures
import difflib
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NSD_DEFAULT = "/usr/sbin/nsd-checkconf"
TIMEOUT = 20  # seconds per tool run

# --- option name lists (reference nsd-conf.md section 7.3, NSD 4.6.1) -------

ZONE_OPTS = [
    "name", "pattern", "part_of_config", "zonefile", "allow_query",
    "request_xfr", "provide_xfr", "allow_notify", "notify", "notify_retry",
    "zonestats", "outgoing_interface", "allow_axfr_fallback",
    "max_refresh_time", "min_refresh_time", "max_retry_time",
    "min_retry_time", "min_expire_time", "size_limit_xfr", "rrl_whitelist",
    "multi_master_check", "store_ixfr", "ixfr_size", "ixfr_number",
    "create_ixfr",
]
# odd spellings / names that must not be accepted (or are accepted oddly)
ZONE_ODD_OPTS = [
    "REQUEST-XFR", "Allow-Notify", "interface", "bogus", "multi-primary-check",
    "verify-zone", "verifier", "include-pattern", "zones", "", "name_",
]
PATTERN_OPTS = ["name"] + ZONE_OPTS[3:]
PATTERN_ODD_OPTS = ["pattern", "part_of_config", "ZONEFILE", "bogus",
                    "patterns"]
# subset used for implicit patterns (_implicit_<zone>)
IMPLICIT_PATTERN_OPTS = ["name", "zonefile", "pattern"]
# zones after the first of a file are queried for these (plus the options the
# file mentions); the first ZONES_FULL zones also get -z look-up variants
ZONES_FULL = 3
ZONE_CORE_OPTS = ["name", "pattern", "part_of_config", "zonefile", "bogus"]

SERVER_OPTS = [
    # ip lists
    "ip_address", "control_interface",
    # booleans
    "ip_transparent", "ip_freebind", "debug_mode", "do_ip4", "do_ip6",
    "reuseport", "hide_version", "hide_identity", "drop_updates",
    "zonefiles_check", "log_time_ascii", "round_robin", "minimal_responses",
    "confine_to_zone", "refuse_any", "tcp_reject_overflow",
    "log_only_syslog", "answer_cookie", "control_enable",
    # strings / paths
    "database", "identity", "version", "nsid", "logfile", "pidfile",
    "chroot", "username", "zonesdir", "xfrdfile", "xfrdir", "zonelistfile",
    "port", "tls_service_key", "tls_service_ocsp", "tls_service_pem",
    "tls_port", "tls_cert_bundle", "cookie_secret", "cookie_secret_file",
    "server_key_file", "server_cert_file", "control_key_file",
    "control_cert_file",
    # integers
    "server_count", "tcp_count", "tcp_query_count", "tcp_timeout",
    "tcp_mss", "outgoing_tcp_mss", "xfrd_tcp_max", "xfrd_tcp_pipeline",
    "ipv4_edns_size", "ipv6_edns_size", "statistics", "xfrd_reload_timeout",
    "verbosity", "send_buffer_size", "receive_buffer_size", "rrl_size",
    "rrl_ratelimit", "rrl_slip", "rrl_ipv4_prefix_length",
    "rrl_ipv6_prefix_length", "rrl_whitelist_ratelimit", "zonefiles_write",
    "control_port",
    # dnstap (Debian builds with dnstap)
    "dnstap_enable", "dnstap_socket_path", "dnstap_send_identity",
    "dnstap_send_version", "dnstap_identity", "dnstap_version",
    "dnstap_log_auth_query_messages", "dnstap_log_auth_response_messages",
    # specials
    "zones", "patterns",
]
# not queryable in 4.6.1 (newer versions, aliases, other clauses) + odd case
SERVER_ODD_OPTS = [
    "interface", "ip4_only", "ip6_only", "cpu_affinity", "tls_auth_port",
    "tls_auth_xfr_only", "reload_config", "log_time_iso", "metrics_enable",
    "metrics_port", "proxy_protocol_port", "cookie_staging_secret",
    "dnstap_ip", "verify_zones", "verifier_count", "enable", "bogus",
    "IP-ADDRESS", "Verbosity", "ZONES", "Patterns", "server-count",
    "difffile", "use_systemd", "xfrd_cpu_affinity", "name", "zonefile", "",
]
# asked only of the releases that know them (added to the lists above, so the
# 4.6.1 invocations stay as they were)
SERVER_OPTS_SINCE = {
    "4.12": ["metrics_interface", "metrics_path", "dnstap_tls",
             "dnstap_tls_server_name", "dnstap_tls_cert_bundle",
             "dnstap_tls_client_key_file", "dnstap_tls_client_cert_file",
             "multi_primary_check"],
}
ZONE_OPTS_SINCE = {
    "4.12": ["multi_primary_check", "catalog", "catalog_member_pattern",
             "catalog_producer_zone"],
}


def version_tuple(v):
    return tuple(int(x) for x in re.findall(r"\d+", v))


def since_opts(table, version):
    """The options of every release this one is, or is newer than."""
    return [o for v, opts in table.items()
            if version and version_tuple(version) >= version_tuple(v) for o in opts]


# options whose -f output can differ (paths) and a few others as controls
PATH_OPTS = ["database", "logfile", "pidfile", "zonesdir", "xfrdfile",
             "xfrdir", "zonelistfile", "chroot", "identity",
             "server_key_file", "cookie_secret_file", "port"]
# small server set used for files without server-ish clauses
SERVER_SMALL = ["verbosity", "zones", "bogus"]
FULL_MARK = "# runner: full-server"

UNKNOWN_KEY = "no-such-key.example."
UNKNOWN_TLS = "no-such-tls-auth"

# --- corpus helpers ----------------------------------------------------------


def unescape(v):
    """Expectation values may use \\n, \\r, \\t and \\\\."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}
                  .get(m.group(1), m.group(1)), v)


def version_matches(want, have):
    """`4.12` names 4.12.0 and 4.12.1; `4.6.1` only itself."""
    return have == want or have.startswith(want + ".")


def read_expectations(path, nsd_version=None):
    """Leading `# expect-xxx: value` comment lines of a corpus file.

    `# expect-xxx@4.12: value` lines hold for that NSD release only; where a file
    has any for the release being compared, they replace its plain lines of that
    kind (an empty value then expects nothing of that kind)."""
    plain = {"exit": None, "stderr": [], "stdout": [], "stderr_not": []}
    per = {}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            m = re.match(r"#\s*expect-(exit|stderr|stdout|stderr-not)(?:@([0-9.]+))?:\s?(.*)$",
                         line)
            if not m:
                continue
            k, ver, v = m.group(1).replace("-", "_"), m.group(2), unescape(m.group(3))
            if ver is not None:
                if nsd_version is None or not version_matches(ver, nsd_version):
                    continue
                exp = per.setdefault(k, [])
            else:
                exp = None
            if k == "exit":
                # an empty value expects no particular status (for that release)
                code = int(v) if v.strip() != "" else None
                if exp is None:
                    plain["exit"] = code
                else:
                    exp.append(code)
            else:
                (plain[k] if exp is None else exp).append(v)
    for k, vals in per.items():
        if k == "exit":
            plain["exit"] = vals[-1]
        else:
            plain[k] = [v for v in vals if v != ""]
    return plain


def nsd_release(nsd):
    """The NSD release of an nsd-checkconf, from its -h text ("Version 4.6.1.")."""
    p = subprocess.run([nsd, "-h"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=tool_env())
    m = re.search(rb"Version ([0-9][0-9.]*[0-9])\.", p.stderr + p.stdout)
    return m.group(1).decode() if m else None


def crude_tokens(text):
    """Tokenise like the nsd lexer, roughly (quoted strings, words)."""
    toks = []
    for m in re.finditer(r'"([^"]*)"|(#[^\n]*)|([^\s"]+)', text):
        if m.group(2) is not None:
            continue  # a '#' at a token start begins a comment
        toks.append(m.group(1) if m.group(1) is not None else m.group(3))
    return toks


def crude_names(text, clause):
    """`name:` values that follow a `<clause>:` keyword (crude)."""
    names = []
    toks = crude_tokens(text)
    inside = False
    for i, t in enumerate(toks):
        lt = t.lower()
        if lt == clause + ":":
            inside = True
        elif lt in ("server:", "zone:", "pattern:", "key:", "tls-auth:",
                    "remote-control:", "verify:", "dnstap:"):
            inside = False
        elif inside and lt == "name:" and i + 1 < len(toks):
            names.append(toks[i + 1])
    return names


def verbose_names(out, block):
    """`name:` values of `<block>:` sections in nsd-checkconf -v output."""
    names = []
    cur = None
    for line in out.split("\n"):
        if line and not line.startswith("\t"):
            cur = line.rstrip(":")
        elif cur == block:
            m = re.match(r'^\tname: "(.*)"$', line)
            if m:
                names.append(m.group(1))
    return names


def uniq(seq):
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out

# --- running -----------------------------------------------------------------


def tool_env():
    env = dict(os.environ)
    env.pop("POSIXLY_CORRECT", None)  # getopt must permute like on Debian
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    env.pop("LANGUAGE", None)
    return env


ENV = tool_env()
# the reference runs without malloc perturbation (meson test sets it), so its
# output cannot depend on it; ours keeps it, to catch uninitialised reads
NSD_ENV = dict(ENV)
NSD_ENV.pop("MALLOC_PERTURB_", None)


def run_tool(argv0, exe, args, cwd, env=ENV):
    """Run one tool; returns (stdout, stderr, status) with status a string."""
    try:
        p = subprocess.run([argv0] + args, executable=exe, cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"", e.stderr or b"", "timeout")
    if p.returncode < 0:
        return (p.stdout, p.stderr, "signal %d" % -p.returncode)
    return (p.stdout, p.stderr, str(p.returncode))


_NSD_CACHE = {}   # tuple(args) -> (stdout, stderr, status)
_NSD_NEW = {}     # the answers this process computed (what it adds to the cache folder)


def run_nsd(cfg, args):
    """nsd-checkconf results are cached: discovery runs are reused, and with --nsd-cache
    every build and shard of one test run compares against the same answers."""
    key = tuple(args)
    r = _NSD_CACHE.get(key)
    if r is None:
        r = run_tool("nsd-checkconf", cfg.nsd, args, cfg.corpus, NSD_ENV)
        if r[2] == "timeout":
            return r   # a busy machine's answer, not nsd-checkconf's: never kept
        _NSD_CACHE[key] = r
        _NSD_NEW[key] = r
    return r

# --- the answer cache (--nsd-cache) ----------------------------------------------
# nsd-checkconf's answer depends on its binary, the corpus files and the arguments (the
# environment and cwd are fixed above). The file name carries a hash of the first two, so
# a changed corpus or another NSD never reads stale answers; each process adds one file,
# written whole (temporary name, then rename), so shards running at once never clash.


def cache_key(cfg):
    h = hashlib.sha256()
    with open(cfg.nsd, "rb") as f:
        h.update(hashlib.sha256(f.read()).digest())
    for dirpath, dirnames, filenames in os.walk(cfg.corpus):
        dirnames.sort()
        for n in sorted(filenames):
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, cfg.corpus)
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            if os.path.islink(path):
                h.update(b"link:" + os.readlink(path).encode("utf-8", "surrogateescape"))
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()[:32]


def _b64(b):
    return base64.b64encode(b).decode("ascii")


def cache_load(cfg):
    if not cfg.nsd_cache:
        return 0
    n = 0
    for path in sorted(glob.glob(os.path.join(cfg.nsd_cache,
                                              "nsd-answers-%s-*.json" % cfg.key))):
        try:
            with open(path) as f:
                rows = json.load(f)
        except (OSError, ValueError):
            continue   # a file being written has a temporary name; this one is broken
        for args, out, err, status in rows:
            _NSD_CACHE[tuple(args)] = (base64.b64decode(out), base64.b64decode(err), status)
            n += 1
    return n


def cache_save(cfg):
    if not cfg.nsd_cache or not _NSD_NEW:
        return
    os.makedirs(cfg.nsd_cache, exist_ok=True)
    rows = [[list(a), _b64(r[0]), _b64(r[1]), r[2]] for a, r in _NSD_NEW.items()]
    name = os.path.join(cfg.nsd_cache, "nsd-answers-%s-%d" % (cfg.key, os.getpid()))
    with open(name + ".tmp", "w") as f:
        json.dump(rows, f)
    os.replace(name + ".tmp", name + ".json")


def run_ours(cfg, args):
    # `knot-nsd checkconf ARGS`: argv[0] is the program as given; it answers as the
    # release of the nsd-checkconf it is compared with (KNOT_NSD_NSD_VERSION)
    if cfg.forkserver:
        return forkserver_run(cfg, [cfg.ours, "checkconf"] + args, leak_checked(cfg, args))
    return run_tool(cfg.ours, cfg.ours, ["checkconf"] + args, cfg.corpus, cfg.ours_env)

# --- the fork server (sanitizer builds, forkserver.c) ----------------------------
# One server per worker thread runs each invocation in a forked child: ASan's start-up
# is paid once instead of 15 000 times. LeakSanitizer's scan (40 ms a child) runs for
# every file's plain, -v and -vv runs, which parse and print all of it, and for a fixed
# sample of the other invocations (--leak-sample).

_SERVERS = threading.local()
_ALL_SERVERS = []
_SERVERS_LOCK = threading.Lock()


def leak_checked(cfg, args):
    if not args or (len(args) <= 2 and args[0] in ("-v", "-vv", args[-1])):
        return True   # the usage runs, and each file's plain, -v and -vv runs
    h = hashlib.sha256("\0".join(args).encode("utf-8", "surrogateescape")).digest()
    return cfg.leak_sample > 0 and h[0] % cfg.leak_sample == 0


def forkserver_run(cfg, argv, leakcheck):
    srv = getattr(_SERVERS, "proc", None)
    if srv is None:
        env = dict(cfg.ours_env)
        # the server's children scan for leaks only when asked (forkserver.c)
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":leak_check_at_exit=0"
        srv = subprocess.Popen([cfg.forkserver], env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
        _SERVERS.proc = srv
        with _SERVERS_LOCK:
            _ALL_SERVERS.append(srv)
    fields = [os.fsencode(cfg.corpus)] + [os.fsencode(a) for a in argv]
    req = [b"%d %d %d\n" % (int(leakcheck), TIMEOUT, len(fields))]
    for f in fields:
        req.append(b"%d\n" % len(f))
        req.append(f)
    srv.stdin.write(b"".join(req))
    srv.stdin.flush()

    def line():
        text = srv.stdout.readline()
        if not text.endswith(b"\n"):
            raise RuntimeError("checkconf fork server ended (exit %s)" % srv.poll())
        return text[:-1].decode("ascii")

    def blob():
        n = int(line())
        data = srv.stdout.read(n)
        if len(data) != n:
            raise RuntimeError("checkconf fork server ended mid-answer")
        return data

    status = line()
    out = blob()
    err = blob()
    return (out, err, status)


def forkserver_stop():
    for srv in _ALL_SERVERS:
        srv.stdin.close()
        srv.wait()


def shell_quote(a):
    if a and re.fullmatch(r"[A-Za-z0-9_./@%+=:,-]+", a):
        return a
    return "'" + a.replace("'", "'\"'\"'") + "'"


def cmdline(args):
    return "nsd-checkconf " + " ".join(shell_quote(a) for a in args)

# --- invocation generation ---------------------------------------------------


def file_invocations(cfg, name):
    """Invocations (lists of args) for one corpus file, using nsd to discover
    zones, patterns, keys and tls-auth names."""
    path = os.path.join(cfg.corpus, name)
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    inv = [[name], ["-v", name], ["-vv", name], ["-o", "zones", name],
           ["-o", "patterns", name]]
    _, _, plain_status = run_nsd(cfg, [name])
    key_names = crude_names(text, "key")
    tls_names = crude_names(text, "tls-auth")
    if plain_status != "0":
        # a broken file fails the same way whatever is queried: sample a few
        inv += [["-o", "verbosity", name],
                ["-z", "example.com", "-o", "name", name],
                ["-p", "p", "-o", "zonefile", name],
                ["-s", (key_names or [UNKNOWN_KEY])[0], name],
                ["-f", "-o", "pidfile", name]]
        return inv

    out, _, _ = run_nsd(cfg, ["-o", "zones", name])
    zones = out.decode("utf-8", "surrogateescape").split("\n")[:-1]
    out, _, _ = run_nsd(cfg, ["-o", "patterns", name])
    patterns = out.decode("utf-8", "surrogateescape").split("\n")[:-1]
    out, _, _ = run_nsd(cfg, ["-v", name])
    vout = out.decode("utf-8", "surrogateescape")
    key_names = uniq(verbose_names(vout, "key") + key_names + [UNKNOWN_KEY])
    tls_names = uniq(verbose_names(vout, "tls-auth") + tls_names +
                     [UNKNOWN_TLS])

    # server section: every option for files marked `# runner: full-server`,
    # otherwise a small fixed set plus the options the file mentions
    lower = text.lower()
    if FULL_MARK in text:
        for o in SERVER_OPTS + SERVER_ODD_OPTS + since_opts(SERVER_OPTS_SINCE,
                                                             cfg.nsd_version):
            inv.append(["-o", o, name])
        for o in PATH_OPTS:
            inv.append(["-f", "-o", o, name])
    else:
        mentioned = [o for o in SERVER_OPTS
                     if o.replace("_", "-") + ":" in lower]
        if "interface:" in lower:
            mentioned.append("ip_address")
        if "ip4-only:" in lower or "ip6-only:" in lower:
            mentioned += ["do_ip4", "do_ip6"]
        for o in uniq(SERVER_SMALL + mentioned):
            inv.append(["-o", o, name])
        fopts = PATH_OPTS if "chroot:" in lower else \
            [o for o in PATH_OPTS[:7] if o in mentioned]
        for o in uniq(fopts):
            inv.append(["-f", "-o", o, name])

    # zones: the first zone gets every option (and odd spellings), the others
    # a core set plus the options the file mentions anywhere
    zmention = [o for o in ZONE_OPTS if o.replace("_", "-") + ":" in lower]
    for i, z in enumerate(zones):
        if i == 0:
            opts = ZONE_OPTS + ZONE_ODD_OPTS + since_opts(ZONE_OPTS_SINCE, cfg.nsd_version)
        else:
            opts = uniq(ZONE_CORE_OPTS + zmention)
        for o in opts:
            inv.append(["-z", z, "-o", o, name])
        inv.append(["-f", "-z", z, "-o", "zonefile", name])
        inv.append(["-z", z.upper(), "-o", "name", name])
        if i < ZONES_FULL:
            inv.append(["-z", z, name])  # no -o: prints nothing
            if z.endswith("."):
                inv.append(["-z", z[:-1], "-o", "name", name])
            else:
                inv.append(["-z", z + ".", "-o", "name", name])
    inv.append(["-z", "no-such-zone.example", "-o", "name", name])
    inv.append(["-z", "bad..name", "-o", "name", name])

    # patterns: likewise; implicit ones (_implicit_<zone>) get a small set
    first = True
    for p in patterns:
        if p.startswith("_implicit_"):
            opts = IMPLICIT_PATTERN_OPTS
        elif first:
            opts = PATTERN_OPTS + PATTERN_ODD_OPTS + since_opts(ZONE_OPTS_SINCE,
                                                                cfg.nsd_version)
            first = False
        else:
            opts = uniq(["name", "zonefile", "bogus"] + zmention)
        for o in opts:
            inv.append(["-p", p, "-o", o, name])
        if not p.startswith("_implicit_"):
            inv.append(["-f", "-p", p, "-o", "zonefile", name])
    inv.append(["-p", "no-such-pattern", "-o", "name", name])

    # keys and tls-auth
    for k in key_names:
        inv.append(["-s", k, name])
        inv.append(["-a", k, name])
    if len(key_names) > 1:
        inv.append(["-s", key_names[0], "-t", tls_names[0], "-o", "zones",
                    name])
    for t in tls_names:
        inv.append(["-t", t, name])
    if zones:
        inv.append(["-t", tls_names[0], "-z", zones[0], "-o", "name", name])
        inv.append(["-v", "-z", zones[0], "-o", "request-xfr", name])
    return inv


def global_invocations(name):
    """Usage errors and odd command lines, attached to one valid file."""
    return [
        ["-h"], ["-h", name], [], [name, name], ["-v", name, "other.conf"],
        ["-a", "x", "-s", "y", name], ["-s", "x", "-a", "y", name],
        ["-s", "x", "-s", "y", name], ["-a", "x", "-a", "y", name],
        ["-x", name], ["-o"], [name, "-o"], ["-z"], ["-s"], ["-a"], ["-t"],
        ["-p"], ["--help"], ["--", name], ["-", ], ["-vvv", name],
        ["-fv", name], [name, "-v"], [name, "-o", "zones"], ["-ozones", name],
        ["-vo", "verbosity", name], ["-v", "-h", name],
        ["does-not-exist.conf"], ["-o", "zones", "does-not-exist.conf"],
        ["-v", "does-not-exist.conf"],
        ["-o", "", name], ["-z", "", "-o", "name", name],
        ["-z", ".", "-o", "name", name],
        ["-p", "", "-o", "name", name],
        ["-z", "example.com", name], ["-p", "x", name], ["-f", name],
        ["-f", "-v", name], ["-s", "", name], ["-t", "", name],
        ["-z", "a" * 70 + ".example", "-o", "name", name],
        ["-o", "zones", "-o", "patterns", name],
        ["-z", "example.com", "-p", "x", "-o", "name", name],
        ["-o", "verbosity", "-v", name],
        # the file name is echoed as given
        ["-v", "./" + name], ["-v", "inc/basic-zone.conf"],
        ["-o", "zones", "inc/glob/a.conf"], ["-vv", "tpkg/checkconf.1.cwildinc"],
        # an option name of BUFSIZ chars or more: underscore() fails, silence
        ["-o", "x" * 9000, name], ["-o", "x" * 8192, name],
        ["-o", "x" * 8191, name],
    ]


def build(cfg):
    names = sorted(n for n in os.listdir(cfg.corpus)
                   if n.endswith(".conf") and
                   os.path.isfile(os.path.join(cfg.corpus, n)))
    files = [n for n in names if not cfg.filter or cfg.filter in n]
    jobs = {}  # tuple(args) -> file name (for expectations/reporting)

    def discover(n):
        return n, file_invocations(cfg, n)

    with concurrent.futures.ThreadPoolExecutor(cfg.jobs) as ex:
        results = list(ex.map(discover, files))
    for n, invs in results:
        for a in invs:
            jobs.setdefault(tuple(a), n)
    usage_file = "cli-usage.conf"
    if usage_file in names and (not cfg.filter or cfg.filter in usage_file
                                or cfg.filter == "usage"):
        for a in global_invocations(usage_file):
            jobs.setdefault(tuple(a), usage_file)
    return files, jobs

# --- reporting ---------------------------------------------------------------


def show_lines(b):
    s = b.decode("utf-8", "backslashreplace")
    s = s.replace("\r", "\\r")
    return s.splitlines(keepends=True)


def diff_text(label, a, b):
    d = difflib.unified_diff(show_lines(a), show_lines(b),
                             "nsd-checkconf " + label,
                             "knot-nsd checkconf " + label, lineterm="\n")
    out = []
    for line in d:
        out.append(line if line.endswith("\n") else line + "\n\\ no newline\n")
    return "".join(out)


def check_expect(exp, res):
    out, err, status = res
    problems = []
    if exp["exit"] is not None and status != str(exp["exit"]):
        problems.append("exit %s, expected %d" % (status, exp["exit"]))
    e = err.decode("utf-8", "replace")
    o = out.decode("utf-8", "replace")
    for s in exp["stderr"]:
        if s not in e:
            problems.append("stderr lacks %r" % s)
    for s in exp["stderr_not"]:
        if s in e:
            problems.append("stderr has %r" % s)
    for s in exp["stdout"]:
        if s not in o:
            problems.append("stdout lacks %r" % s)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", help="path to the knot-nsd executable")
    ap.add_argument("--nsd", default=NSD_DEFAULT,
                    help="nsd-checkconf to compare with (default %(default)s)")
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus"))
    ap.add_argument("-k", dest="filter", default="",
                    help="only corpus files whose name contains FILTER "
                         "('usage' selects the command-line cases)")
    ap.add_argument("-j", dest="jobs", type=int,
                    default=min(4, max(2, 2 * (os.cpu_count() or 1))),
                    help="parallel workers (default %(default)s)")
    ap.add_argument("--list", action="store_true",
                    help="print the invocations and exit")
    ap.add_argument("--nsd-only", action="store_true",
                    help="run only nsd-checkconf (no hangs/crashes, "
                         "expectations hold)")
    ap.add_argument("--show", action="store_true",
                    help="with --nsd-only: print the plain run of each file")
    ap.add_argument("--nsd-cache", metavar="DIR",
                    default=os.environ.get("KNOT_NSD_CHECKCONF_CACHE") or None,
                    help="keep nsd-checkconf's answers in DIR and reuse them (default: "
                         "$KNOT_NSD_CHECKCONF_CACHE; unset: no cache)")
    ap.add_argument("--shard", metavar="I/N", default="1/1",
                    help="run only the I-th of N equal parts of the invocations "
                         "(default %(default)s)")
    ap.add_argument("--forkserver", metavar="PATH",
                    help="run --ours's code through this checkconf-forkserver (sanitizer "
                         "builds: forked children instead of one exec per invocation)")
    ap.add_argument("--leak-sample", type=int, default=16, metavar="N",
                    help="with --forkserver: scan for leaks in the plain, -v and -vv run "
                         "of each file and in one in N of the other invocations "
                         "(default %(default)s; 1: all)")
    cfg = ap.parse_args()
    m = re.fullmatch(r"(\d+)/(\d+)", cfg.shard)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        ap.error("--shard takes I/N with 1 <= I <= N")
    shard, shards = int(m.group(1)), int(m.group(2))
    cfg.corpus = os.path.abspath(cfg.corpus)
    if not cfg.ours and not cfg.nsd_only and not cfg.list:
        ap.error("--ours is required (or use --nsd-only / --list)")
    if cfg.ours:
        cfg.ours = os.path.abspath(cfg.ours)
        if not os.access(cfg.ours, os.X_OK):
            ap.error("not executable: %s" % cfg.ours)
    if not os.access(cfg.nsd, os.X_OK):
        ap.error("nsd-checkconf not found: %s" % cfg.nsd)

    cfg.nsd_version = nsd_release(cfg.nsd)
    if cfg.nsd_version is None:
        ap.error("cannot tell the NSD release of %s (-h says no Version)" % cfg.nsd)
    cfg.ours_env = dict(ENV)
    cfg.ours_env["KNOT_NSD_NSD_VERSION"] = cfg.nsd_version
    print("comparing with nsd-checkconf %s (%s)" % (cfg.nsd_version, cfg.nsd), flush=True)

    t0 = time.time()
    cfg.key = cache_key(cfg)
    cached = cache_load(cfg)
    if cfg.forkserver:
        cfg.forkserver = os.path.abspath(cfg.forkserver)
    try:
        return compare(cfg, shard, shards, cached, t0)
    finally:
        forkserver_stop()
        cache_save(cfg)


def compare(cfg, shard, shards, cached, t0):
    files, jobs = build(cfg)
    # every shard derives the same ordered job list and takes every N-th job, so the
    # shards are equal in size and cost whatever the corpus files hold
    jobs = dict(list(jobs.items())[shard - 1::shards])
    if cfg.list:
        for args, n in jobs.items():
            print("%s\t%s" % (n, cmdline(list(args))))
        print("%d invocations, %d files" % (len(jobs), len(files)))
        return 0

    expectations = {n: read_expectations(os.path.join(cfg.corpus, n), cfg.nsd_version)
                    for n in files}

    def work(item):
        args, n = item
        a = list(args)
        r_nsd = run_nsd(cfg, a)
        r_ours = None if cfg.nsd_only else run_ours(cfg, a)
        return a, n, r_nsd, r_ours

    passed = failed = 0
    exp_bad = 0
    with concurrent.futures.ThreadPoolExecutor(cfg.jobs) as ex:
        for a, n, r_nsd, r_ours in ex.map(work, list(jobs.items())):
            cl = "cd %s && %s" % (os.path.relpath(cfg.corpus), cmdline(a))
            if a == [n] and n in expectations:
                probs = check_expect(expectations[n], r_nsd)
                if probs:
                    exp_bad += 1
                    print("EXPECTATION %s: %s" % (n, "; ".join(probs)))
                if cfg.show:
                    print("==== %s (exit %s)" % (n, r_nsd[2]))
                    sys.stdout.write("".join("  out| " + l
                                             for l in show_lines(r_nsd[0])))
                    sys.stdout.write("".join("  err| " + l
                                             for l in show_lines(r_nsd[1])))
            if cfg.nsd_only:
                if r_nsd[2] in ("timeout",) or r_nsd[2].startswith("signal"):
                    failed += 1
                    print("FAIL %s: nsd-checkconf %s" % (cl, r_nsd[2]))
                else:
                    passed += 1
                continue
            if r_nsd == r_ours:
                passed += 1
                continue
            failed += 1
            msg = ["FAIL %s" % cl]
            if r_nsd[2] != r_ours[2]:
                msg.append("exit status: nsd-checkconf %s, knot-nsd %s"
                           % (r_nsd[2], r_ours[2]))
            if r_nsd[0] != r_ours[0]:
                msg.append(diff_text("stdout", r_nsd[0], r_ours[0]).rstrip("\n"))
            if r_nsd[1] != r_ours[1]:
                msg.append(diff_text("stderr", r_nsd[1], r_ours[1]).rstrip("\n"))
            print("\n".join(msg))
            print()
    sys.stdout.flush()
    print("%d files, %d invocations (shard %d/%d), %d nsd-checkconf answers from the "
          "cache, %d run, %.1f s, %d expectation mismatches"
          % (len(files), len(jobs), shard, shards, cached, len(_NSD_NEW),
             time.time() - t0, exp_bad))
    print("%d passed, %d failed" % (passed, failed + exp_bad))
    return 1 if (failed or exp_bad) else 0


if __name__ == "__main__":
    sys.exit(main())
