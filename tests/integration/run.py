#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration cases: knotd + mod-nsd on an unchanged nsd.conf, beside real NSD peers.

usage: run.py --module build/module/mod/nsd.so [case ...]   (no case: all of them)
"""

import os
import re
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

KEY_CLAUSE = h.KEY_CLAUSE


# --- the fleet: NSD primary of example.com, knotd+mod-nsd primary of example.net,
# --- each the secondary of the other's zone, both on one TSIG key

class Fleet:
    def __init__(self, r, key_clause=KEY_CLAUSE):
        top = r.tmpdir('fleet')
        self.np, self.kp = h.free_port(), h.free_port()
        self.nsd = h.Nsd(os.path.join(top, 'nsd'), self.np, key_clause
                         + h.primary_zone_clause('example.com', self.kp)
                         + h.secondary_zone_clause('example.net', self.kp))
        # the nsd.conf knotd runs on: what an NSD in knotd's place would run
        self.kdir = os.path.join(top, 'knotd-nsd')
        self.kconf = os.path.join(self.kdir, 'nsd.conf')
        os.makedirs(self.kdir)
        h.write_nsd_conf(self.kconf, self.kdir, self.kp, key_clause
                         + h.secondary_zone_clause('example.com', self.np)
                         + h.primary_zone_clause('example.net', self.np))
        self.knot = h.Knotd(os.path.join(top, 'knotd'), self.kp, r.module, self.kconf)
        h.write_zone(os.path.join(self.nsd.zonesdir, 'example.com.zone'), 'example.com', 1)
        self.knot_zones = os.path.join(self.kdir, 'zones')
        h.write_zone(os.path.join(self.knot_zones, 'example.net.zone'), 'example.net', 1)

    def start(self):
        self.nsd.start()
        self.knot.start()
        return self


def test_nsd_primary_to_knotd_secondary(r):
    """(a) NSD primary -> knotd+mod-nsd secondary, TSIG, NOTIFY on change."""
    f = Fleet(r).start()
    zfile = os.path.join(f.knot_zones, 'example.com.zone')

    r.check(h.wait_serial(f.kp, 'example.com', 1), 'knotd serves example.com from NSD (serial 1)',
            f'serial {h.soa_serial(f.kp, "example.com")}')
    unsigned = h.axfr(f.np, 'example.com')
    r.check(unsigned.error is not None and unsigned.records == 0,
            'the transfer was TSIG-signed (NSD gives example.com to tkey only)', repr(unsigned))
    r.check(h.wait_for(lambda: os.path.exists(zfile), 10),
            'knotd wrote the zone file where nsd.conf says', zfile)

    h.write_zone(os.path.join(f.nsd.zonesdir, 'example.com.zone'), 'example.com', 2,
                 ['new IN A 192.0.2.200'])
    res = f.nsd.control('reload', 'example.com')
    r.check(res.returncode == 0, 'nsd-control reload example.com', res.stdout + res.stderr)
    r.check(h.wait_for(lambda: h.soa_serial(f.kp, 'example.com') == 2, 10, 0.002),
            'NSD notified knotd: knotd serves serial 2',
            f'serial {h.soa_serial(f.kp, "example.com")}')
    # knotd holds back a NOTIFY-triggered refresh while another event of the zone is
    # planned for the current second (doc/mod-nsd.md, "Replication timing"): right after
    # the transfer, the zone must have no NOTIFY (it notifies nobody) and no one-second
    # flush (zonefiles-write: 1) planned. Read at once: the window closes within 1 s.
    status = f.knot.knotc('zone-status', 'example.com').stdout
    r.check('notify:' not in status and 'flush:' not in status,
            'after the transfer knotd plans no NOTIFY and no flush for example.com', status)
    r.check(h.answers(f.kp, 'new.example.com') == ['192.0.2.200'],
            'knotd answers the record added on NSD')
    r.check(h.wait_for(lambda: 'new IN A' in open(zfile).read()
                       or '192.0.2.200' in open(zfile).read(), 10),
            'the zone file on the knotd side holds the change')


def test_knotd_primary_to_nsd_secondary(r):
    """(b) knotd+mod-nsd primary -> NSD secondary, TSIG, NOTIFY on zone-reload."""
    f = Fleet(r).start()

    r.check(h.wait_serial(f.np, 'example.net', 1, timeout=20),
            'NSD serves example.net from knotd (serial 1)',
            f'serial {h.soa_serial(f.np, "example.net")}')
    r.check(h.wait_for(lambda: re.search(r'example\.net.*TSIG verified with key tkey',
                                         f.nsd.log()), 5),
            "NSD verified knotd's transfer with tkey")

    h.write_zone(os.path.join(f.knot_zones, 'example.net.zone'), 'example.net', 2,
                 ['new IN A 192.0.2.201'])
    res = f.knot.knotc('zone-reload', 'example.net')
    r.check(res.returncode == 0, 'knotc zone-reload example.net', res.stdout + res.stderr)
    r.check(h.wait_serial(f.kp, 'example.net', 2, timeout=10), 'knotd serves serial 2')
    r.check(h.wait_serial(f.np, 'example.net', 2, timeout=20),
            'knotd notified NSD: NSD serves serial 2',
            f'serial {h.soa_serial(f.np, "example.net")}')
    r.check(h.answers(f.np, 'new.example.net') == ['192.0.2.201'],
            'NSD answers the record added on knotd')


def hostile_checks(r, who, port, zone):
    """Transfers a primary must refuse, with no record leaked; and the allowed one."""
    good = h.axfr(port, zone, h.KEY_SECRET)
    r.check(good.ok and good.serial == 1, f'{who}: signed AXFR of {zone} from 127.0.0.1 works',
            repr(good))
    for what, kw in [
        ('unsigned', {}),
        ('wrong secret', dict(key_secret=h.WRONG_SECRET)),
        ('unknown key', dict(key_secret=h.KEY_SECRET, key_name='other')),
        ('from 127.0.0.2', dict(key_secret=h.KEY_SECRET, source='127.0.0.2')),
    ]:
        x = h.axfr(port, zone, **kw)
        r.check(x.error is not None and x.records == 0,
                f'{who}: {what} AXFR of {zone} refused, no record', repr(x))


def test_hostile_transfers(r):
    """(c) hostile transfers are refused by both primaries and both secondaries."""
    f = Fleet(r).start()
    r.check(h.wait_serial(f.kp, 'example.com', 1) and h.wait_serial(f.np, 'example.net', 1, 20),
            'both zones replicated')
    hostile_checks(r, 'NSD', f.np, 'example.com')
    hostile_checks(r, 'knotd+mod-nsd', f.kp, 'example.net')
    # secondaries have no provide-xfr: nothing to anyone, the right key included
    for who, port, zone in [('knotd+mod-nsd', f.kp, 'example.com'),
                            ('NSD', f.np, 'example.net')]:
        x = h.axfr(port, zone, h.KEY_SECRET)
        r.check(x.error is not None and x.records == 0,
                f'{who}: secondary zone {zone} not given out, no record', repr(x))


def test_tsig_secret_with_blanks(r):
    """A key secret written with blanks, which NSD's base64 decoder skips: both servers
    verify transfers signed with it (written without blanks, as kdig takes it) and
    replicate to each other with it, TSIG on transfers and NOTIFY."""
    secret = h.KEY_SECRET[:16] + ' ' + h.KEY_SECRET[16:30] + '\t' + h.KEY_SECRET[30:]
    clause = KEY_CLAUSE.replace(h.KEY_SECRET, secret)
    r.check(clause != KEY_CLAUSE, 'the key clause holds the blank-written secret', clause)
    f = Fleet(r, clause).start()
    r.check(h.wait_serial(f.kp, 'example.com', 1) and h.wait_serial(f.np, 'example.net', 1, 20),
            'both zones replicated with the blank-written key')
    hostile_checks(r, 'NSD', f.np, 'example.com')
    hostile_checks(r, 'knotd+mod-nsd', f.kp, 'example.net')
    r.check(re.search(r'cannot be decoded|cannot be used to sign', f.knot.log()) is None,
            'mod-nsd took the key for the gate and the NOTIFY signer',
            '\n'.join(l for l in f.knot.log().splitlines() if 'key' in l)[-2000:])
    # the module's own NOTIFY round (start-up, to NSD) is signed with the key: NSD
    # refuses it unless the MAC verifies
    r.check(f.knot.wait_log(r'zone example\.net\., NOTIFY (at start-up|of a new serial), '
                            r'1 target', 10),
            'the module sent its first NOTIFY of example.net')
    # NSD checks the TSIG before anything else: NOERROR, signed back with the same key,
    # only if the module's MAC verified (a bad one is answered NOTAUTH)
    r.check(f.knot.wait_log(r'zone example\.net\., NOTIFY to 127\.0\.0\.1@%d answered NOERROR'
                            % f.np, 10) and
            f.knot.wait_log(r'zone example\.net\., NOTIFY done, 1 answered, 0 unreachable', 10)
            and f.knot.count(r'example\.net.*(bad or missing TSIG|answered NOTAUTH)') == 0,
            "NSD answered the module's signed NOTIFY NOERROR, with a valid TSIG")
    seen = lambda: [l for l in f.nsd.log().splitlines() if 'notify for example.net.' in l]
    r.check(h.wait_for(lambda: seen(), 10) and not any('refused' in l for l in seen()),
            "NSD accepted knotd's signed NOTIFYs for example.net", '\n'.join(seen()))


# --- knotd alone on an nsd.conf that is edited while it runs

class Single:
    def __init__(self, r, zones, extra_clauses=''):
        top = r.tmpdir('single')
        self.port = h.free_port()
        self.ndir = os.path.join(top, 'nsd')
        self.conf = os.path.join(self.ndir, 'nsd.conf')
        self.zonesdir = os.path.join(self.ndir, 'zones')
        os.makedirs(self.ndir)
        self.extra = extra_clauses
        self.write(zones)
        for z in ['a.example', 'b.example', 'c.example', 'd.example']:
            h.write_zone(os.path.join(self.zonesdir, z + '.zone'), z, 1)
        self.knot = h.Knotd(os.path.join(top, 'knotd'), self.port, r.module, self.conf)

    def clauses(self, zones):
        text = KEY_CLAUSE + self.extra
        for z in zones:
            text += f'''
zone:
	name: "{z}"
	zonefile: "{z}.zone"
	provide-xfr: 127.0.0.1 {h.KEY_NAME}
'''
        return text

    def write(self, zones, tail=''):
        h.write_nsd_conf(self.conf, self.ndir, self.port, self.clauses(zones) + tail)

    def served(self, zone):
        return h.soa_serial(self.port, zone) is not None


RELOADED = r'info: configuration reloaded'
MOD_RELOAD = r"'[^']*' updated from [^,]*, reloading"


def settle(knot, seconds=2.0):
    """Lets pending reloads happen; returns the number of completed reloads."""
    time.sleep(seconds)
    return knot.count(RELOADED)


def test_reload_zones(r):
    """(d) nsd.conf edited + knotc reload: zones come and go; no reload loop."""
    s = Single(r, ['a.example', 'b.example'])
    res = subprocess.run([h.NSD_CHECKCONF, s.conf], capture_output=True, text=True)
    r.check(res.returncode == 0, 'nsd-checkconf accepts the nsd.conf', res.stdout + res.stderr)
    r.check(not os.path.exists(s.knot.incdir), 'the include folder does not exist before start')
    s.knot.start()

    r.check(h.wait_for(lambda: s.served('a.example') and s.served('b.example'), 10),
            'first start: the module wrote the include and knotd serves a. and b.example')
    reloads = settle(s.knot)
    r.check(s.knot.count(MOD_RELOAD) == 1 and reloads == 1,
            'first start: exactly one reload asked for and done',
            f'{s.knot.count(MOD_RELOAD)} asked, {reloads} done')
    mode = stat.S_IMODE(os.stat(s.knot.include).st_mode)
    r.check(mode & 0o007 == 0, 'the include (it holds TSIG secrets) is not world-readable',
            oct(mode))
    leftovers = [n for n in os.listdir(s.knot.incdir) if '.tmp.' in n]
    r.check(not leftovers, 'no temporary file left beside the include', str(leftovers))

    before = open(s.knot.include).read()
    s.write(['a.example', 'c.example'])
    res = s.knot.knotc('reload')
    r.check(res.returncode == 0, 'knotc reload', res.stdout + res.stderr)
    r.check(h.wait_for(lambda: s.served('c.example'), 10), 'the zone added to nsd.conf is served')
    r.check(h.wait_for(lambda: not s.served('b.example'), 10),
            'the zone removed from nsd.conf is no longer served')
    r.check(s.served('a.example'), 'the zone kept in nsd.conf is still served')
    r.check(open(s.knot.include).read() != before, 'the include changed')
    reloads2 = settle(s.knot)
    r.check(reloads2 - reloads == 2 and s.knot.count(MOD_RELOAD) == 2,
            'edit: knotc reload plus one reload asked by the module, no more',
            f'{reloads2 - reloads} reloads, {s.knot.count(MOD_RELOAD)} asked in total')

    res = s.knot.knotc('reload')
    reloads3 = settle(s.knot)
    r.check(reloads3 - reloads2 == 1 and s.knot.count(MOD_RELOAD) == 2,
            'unchanged nsd.conf: knotc reload does not reload again',
            f'{reloads3 - reloads2} reloads')
    r.check(s.knot.count(r'is in step with') >= 2, 'the module logs that the include is in step')

    # zones added at run time (nsd-control addzone) live in the zonelistfile
    s.extra = '''
pattern:
	name: "added"
	zonefile: "%s.zone"
'''
    s.write(['a.example', 'c.example'])
    with open(os.path.join(s.ndir, 'zone.list'), 'w') as f:
        f.write('# NSD zone list\n# name pattern\nadd d.example added\n')
    s.knot.knotc('reload')
    r.check(h.wait_for(lambda: s.served('d.example'), 10),
            'a zone of the zonelistfile (nsd-control addzone) is served')
    r.check(s.knot.alive, 'knotd still runs')


def test_many_edits(r):
    """Ten edits of nsd.conf in a row, each followed by knotc reload (a script adding zones
    one by one, as nsd-control reconfig takes them): every added zone is served. The
    reload guard took five in a minute and left the sixth zone unserved."""
    names = ['a.example']
    s = Single(r, names)
    s.knot.start()
    r.check(h.wait_for(lambda: s.served('a.example'), 10), 'a.example served')
    served = 0
    for i in range(10):
        zone = f'edit{i}.example'
        h.write_zone(os.path.join(s.zonesdir, zone + '.zone'), zone, 1)
        names.append(zone)
        s.write(names)
        s.knot.knotc('reload')
        served += bool(h.wait_for(lambda: s.served(zone), 10))
    r.check(served == 10, 'every zone added by an edit and a reload is served', f'{served} of 10')
    r.check(s.knot.count(r'too often|reload loop') == 0, 'the module never refused a reload')
    r.check(s.knot.alive, 'knotd still runs')


def checkconf_error(conf):
    """nsd-checkconf's first 'file:line: error' line for conf (the oracle)."""
    res = subprocess.run([h.NSD_CHECKCONF, conf], capture_output=True, text=True)
    for line in (res.stdout + res.stderr).splitlines():
        if re.match(r'^/.*:\d+: ', line):
            return line
    return None


def test_broken_conf(r):
    """(e) a broken nsd.conf at reload: knotd keeps serving; the log names file and line."""
    s = Single(r, ['a.example', 'b.example'])
    s.knot.start()
    r.check(h.wait_for(lambda: s.served('a.example') and s.served('b.example'), 10),
            'a. and b.example served')
    settle(s.knot, 1)
    before = open(s.knot.include, 'rb').read()
    reloads = s.knot.count(RELOADED)

    # an error in nsd.conf itself
    s.write(['a.example', 'c.example'], tail='\nzone:\n\tname: "e.example"\n\tbogus-option: 1\n')
    oracle = checkconf_error(s.conf)
    r.check(oracle is not None and s.conf in oracle, 'nsd-checkconf names nsd.conf and a line',
            str(oracle))
    s.knot.knotc('reload')
    r.check(s.knot.wait_log(re.escape(oracle or 'no oracle'), 10),
            "knotd's log has NSD's error line", str(oracle))
    r.check(s.knot.count(r'error: module .*has errors') >= 1 or
            s.knot.count(r'has errors; ') >= 1, 'the module says it keeps the include')
    settle(s.knot)
    r.check(open(s.knot.include, 'rb').read() == before, 'the include is left as it was')
    r.check(s.served('a.example') and s.served('b.example') and not s.served('c.example'),
            'knotd keeps serving the old set of zones')
    r.check(s.knot.count(RELOADED) == reloads + 1, 'no reload asked by the module')

    # an error in a file nsd.conf includes
    extra = os.path.join(s.ndir, 'extra.conf')
    with open(extra, 'w') as f:
        f.write('# zones of the team\nzone:\n\tname: "f.example"\n\tbogus-option: 1\n'
                '\tzonefile: "f.zone"\n')
    s.write(['a.example', 'b.example'], tail=f'\ninclude: "{extra}"\n')
    oracle = checkconf_error(s.conf)
    r.check(oracle is not None and extra in oracle, 'nsd-checkconf names the included file',
            str(oracle))
    s.knot.knotc('reload')
    r.check(s.knot.wait_log(re.escape(oracle or 'no oracle'), 10),
            "knotd's log names the included file and line", str(oracle))
    r.check(s.served('a.example') and s.served('b.example'), 'still serving')

    # fixed: the next reload applies it
    s.write(['a.example', 'c.example'])
    s.knot.knotc('reload')
    r.check(h.wait_for(lambda: s.served('c.example') and not s.served('b.example'), 10),
            'after the fix, knotc reload applies the new zone set')
    r.check(s.knot.alive, 'knotd still runs')


def test_fail_open(r):
    """(f) without the module (or with nsd.conf unreadable) knotd's own ACL still refuses."""
    s = Single(r, ['a.example'])
    s.knot.start()
    r.check(h.wait_for(lambda: s.served('a.example'), 10), 'a.example served with the module')
    s.knot.stop()
    include = open(s.knot.include, 'rb').read()

    # knot.conf without the module, only the include it left
    s.knot.write_conf(r.module, with_module=False)
    s.knot.start()
    r.check(h.wait_for(lambda: s.served('a.example'), 10), 'no module: a.example served')
    r.check('mod-nsd' not in open(s.knot.conf).read(), 'no module: knot.conf has no mod-nsd')
    hostile_checks(r, 'knotd without mod-nsd', s.port, 'a.example')
    s.knot.stop()

    # the module loaded, but nsd.conf cannot be read: it keeps the include and says why
    s.knot.nsd_conf = s.conf + '.missing'
    s.knot.write_conf(r.module)
    s.knot.start()
    r.check(h.wait_for(lambda: s.served('a.example'), 10), 'nsd.conf unreadable: a.example served')
    r.check(s.knot.wait_log(r'error: module .*Could not open .*nsd\.conf\.missing', 5),
            'nsd.conf unreadable: the module logs it')
    r.check(open(s.knot.include, 'rb').read() == include, 'nsd.conf unreadable: include kept')
    hostile_checks(r, 'knotd, nsd.conf unreadable', s.port, 'a.example')


def test_no_include(r):
    """knot.conf without the include line: the module says so, and is quiet once it is there."""
    s = Single(r, ['a.example'])
    s.knot.write_conf(r.module, with_include=False)
    s.knot.start()
    pattern = (r"error: module .*'%s' is not part of knotd's configuration .*add "
               r"'include: <its folder>/\*\.conf' to knot\.conf" % re.escape(s.knot.include))
    r.check(s.knot.wait_log(pattern, 10), 'the log says knot.conf does not include the file')
    r.check(s.knot.alive and not s.served('a.example'), 'knotd runs, without the zones')

    s.knot.write_conf(r.module)
    s.knot.knotc('reload')
    r.check(h.wait_for(lambda: s.served('a.example'), 10),
            'include line added + knotc reload: a.example served')
    r.check(s.knot.count(pattern) == 1, 'no complaint once the include is loaded',
            str(s.knot.count(pattern)))


def test_knot_user(r):
    """knotd running as 'knot': a folder it cannot write is named in the log; fixed, it works."""
    if os.geteuid() != 0:
        print('  skip (needs root to run knotd as the knot user)')
        return
    import pwd
    knot = pwd.getpwnam('knot')
    s = Single(r, ['a.example'])
    top = os.path.dirname(s.ndir)
    os.chmod(top, 0o755)
    s.knot.server_extra = '  user: knot:knot\n'
    s.knot.mod_extra = '    watch: on\n'
    s.knot.write_conf(r.module)
    for sub in ['', 'storage']:
        os.chown(os.path.join(s.knot.dir, sub), knot.pw_uid, knot.pw_gid)
    os.makedirs(s.knot.incdir, mode=0o755)   # root's, not knot's
    s.knot.start()
    r.check(s.knot.wait_log(r"error: module .*cannot write '%s\.tmp\.\d+' \(Permission denied\): "
                            r"the folder of knot-include must be writable by the user knotd "
                            r"runs as \(uid %d\)" % (re.escape(s.knot.include), knot.pw_uid), 5),
            'the log names the include and says the folder must be writable by knot')
    r.check(s.knot.wait_log(r"info: module .*watch: following \d+ files? of ", 1),
            "'watch: on' is accepted: the module follows nsd.conf")
    r.check(s.knot.alive and not s.served('a.example'), 'knotd runs, without the zones')
    os.chown(s.knot.incdir, knot.pw_uid, knot.pw_gid)
    s.knot.knotc('reload')
    r.check(h.wait_for(lambda: s.served('a.example'), 10),
            'folder made writable + knotc reload: a.example served')
    st = os.stat(s.knot.include)
    r.check(st.st_uid == knot.pw_uid, 'the include belongs to knot', str(st.st_uid))


CASES = {
    'nsd-primary': test_nsd_primary_to_knotd_secondary,
    'knotd-primary': test_knotd_primary_to_nsd_secondary,
    'hostile': test_hostile_transfers,
    'tsig-blanks': test_tsig_secret_with_blanks,
    'reload-zones': test_reload_zones,
    'many-edits': test_many_edits,
    'broken-conf': test_broken_conf,
    'fail-open': test_fail_open,
    'knot-user': test_knot_user,
    'no-include': test_no_include,
}


def main():
    return h.run_cases(CASES)


if __name__ == '__main__':
    sys.exit(main())
