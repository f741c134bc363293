#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""NOTIFY and watch-mode figures: knotd+mod-nsd beside NSD 4.6.1 in one run (see notify.sh).

1. Watch mode: time from an nsd.conf edit to knotd serving the new zone; beside it the
   same edit applied with 'knotc reload' (knotd) and 'nsd-control reconfig' (NSD).
2. NOTIFY fan-out to N secondaries (a small listener per loopback port, UDP and TCP, that
   answers NOERROR): after a serial change (knotd's own NOTIFY over TCP after 'knotc
   zone-reload'; NSD after 'nsd-control reload'), and at start-up (mod-nsd's UDP NOTIFY;
   NSD's). Rounds interleaved, medians, ratio knotd+mod-nsd / NSD.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
import harness as h  # noqa: E402

import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.rdatatype  # noqa: E402


class Secondaries:
    """N fake secondaries: UDP and TCP on one port each; records the first NOTIFY per
    port (and serial) after reset()."""

    def __init__(self, n):
        self.ports = [h.free_port() for _ in range(n)]
        self.lock = threading.Lock()
        self.seen = {}            # (port, serial) -> (monotonic time, transport)
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _record(self, port, data, transport):
        now = time.monotonic()
        try:
            m = dns.message.from_wire(data)
        except Exception:
            return None
        if m.opcode() != dns.opcode.NOTIFY:
            return None
        serial = None
        for rr in m.answer:
            if rr.rdtype == dns.rdatatype.SOA:
                serial = rr[0].serial
        with self.lock:
            self.seen.setdefault((port, serial), (now, transport))
            self.seen.setdefault((port, 'any', transport), now)
        return dns.message.make_response(m).to_wire()

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        outer = self

        class Udp(asyncio.DatagramProtocol):
            def __init__(self, port):
                self.port = port

            def connection_made(self, transport):
                self.t = transport

            def datagram_received(self, data, addr):
                r = outer._record(self.port, data, 'udp')
                if r is not None:
                    self.t.sendto(r, addr)

        async def tcp(reader, writer, port):
            try:
                while True:
                    ln = await reader.readexactly(2)
                    data = await reader.readexactly(int.from_bytes(ln, 'big'))
                    r = outer._record(port, data, 'tcp')
                    if r is not None:
                        writer.write(len(r).to_bytes(2, 'big') + r)
                        await writer.drain()
            except Exception:
                pass
            writer.close()

        async def setup():
            for p in self.ports:
                await self.loop.create_datagram_endpoint(lambda p=p: Udp(p),
                                                         local_addr=('127.0.0.1', p))
                await asyncio.start_server(lambda r, w, p=p: tcp(r, w, p), '127.0.0.1', p,
                                           backlog=64)
        self.loop.run_until_complete(setup())
        ready.set()
        self.loop.run_forever()

    def reset(self):
        with self.lock:
            self.seen.clear()

    def wait_serial(self, serial, timeout):
        """Arrival times of the first NOTIFY with serial at every port, or None."""
        def all_in():
            with self.lock:
                t = [self.seen.get((p, serial)) for p in self.ports]
            return t if all(t) else None
        got = h.wait_for(all_in, timeout, step=0.005)
        return [x[0] for x in got] if got else None

    def wait_udp(self, timeout):
        def all_in():
            with self.lock:
                t = [self.seen.get((p, 'any', 'udp')) for p in self.ports]
            return t if all(t) else None
        return h.wait_for(all_in, timeout, step=0.005)


def zone(path, serial):
    h.write_zone(path, 'fan.example', serial)


def nsd_conf_text(targets):
    notify = ''.join(f'\tnotify: 127.0.0.1@{p} NOKEY\n' for p in targets)
    return f'''
zone:
	name: "fan.example"
	zonefile: "fan.example.zone"
{notify}'''


def med(v):
    return statistics.median(v) if v else float('nan')


def fanout(args, module, top):
    n = args.targets
    sec_nsd, sec_knot = Secondaries(n), Secondaries(n)
    np_, kp = h.free_port(), h.free_port()

    nsd = h.Nsd(os.path.join(top, 'nsd'), np_, nsd_conf_text(sec_nsd.ports))
    zone(os.path.join(nsd.zonesdir, 'fan.example.zone'), 1)
    kdir = os.path.join(top, 'knotd-nsd')
    os.makedirs(kdir)
    kconf = os.path.join(kdir, 'nsd.conf')
    h.write_nsd_conf(kconf, kdir, kp, nsd_conf_text(sec_knot.ports))
    kzone = os.path.join(kdir, 'zones', 'fan.example.zone')
    zone(kzone, 1)
    knot = h.Knotd(os.path.join(top, 'knotd'), kp, module, kconf)

    # start-up: NSD notifies its list; knotd+mod-nsd: the module's UDP NOTIFYs
    t0 = time.monotonic()
    nsd.start()
    got_n = sec_nsd.wait_serial(1, 30)
    t0k = time.monotonic()
    knot.start()
    got_k = sec_knot.wait_udp(30)
    if not got_n or not got_k:
        raise RuntimeError(f'start-up NOTIFY did not reach all {n} secondaries '
                           f'(nsd {bool(got_n)}, knotd {bool(got_k)})')
    start = {
        'nsd': (max(got_n) - t0, max(got_n) - min(got_n)),
        'knotd': (max(got_k) - t0k, max(got_k) - min(got_k)),
    }
    time.sleep(1.0)

    # serial changes, rounds interleaved
    res = {'nsd': [], 'knotd': []}
    for rnd in range(args.rounds):
        serial = 2 + rnd
        for who in ('nsd', 'knotd'):
            if who == 'nsd':
                zone(os.path.join(nsd.zonesdir, 'fan.example.zone'), serial)
                sec_nsd.reset()
                t0 = time.monotonic()
                nsd.control('reload', 'fan.example')
                got = sec_nsd.wait_serial(serial, 60)
            else:
                zone(kzone, serial)
                sec_knot.reset()
                t0 = time.monotonic()
                knot.knotc('zone-reload', 'fan.example')
                got = sec_knot.wait_serial(serial, 60)
            if not got:
                raise RuntimeError(f'{who}: serial {serial} did not reach all {n}')
            res[who].append(max(got) - t0)
    knot.stop()
    nsd.stop()
    return start, res


def watch(args, module, top):
    """Edit -> served: watch mode, knotc reload, nsd-control reconfig (NSD)."""
    out = {}
    for how in ('watch', 'knotc reload', 'nsd-control reconfig'):
        d = os.path.join(top, 'watch-' + how.split()[0])
        os.makedirs(d)
        port = h.free_port()
        conf = os.path.join(d, 'nsd.conf')
        zonesdir = os.path.join(d, 'zones')

        def write(k):
            text = ''.join(f'\nzone:\n\tname: "w{i}.example"\n\tzonefile: "w{i}.example.zone"\n'
                           for i in range(k + 1))
            tmp = conf + '.tmp'
            h.write_nsd_conf(tmp, d, port, text)
            os.rename(tmp, conf)   # as editors save
        os.makedirs(zonesdir, exist_ok=True)
        for i in range(args.edits + 1):
            h.write_zone(os.path.join(zonesdir, f'w{i}.example.zone'), f'w{i}.example', 1)
        write(0)
        if how == 'nsd-control reconfig':
            daemon = h.Nsd(d, port, '')
            write(0)   # Nsd() wrote its own nsd.conf; the zone list is ours
            daemon.start()
        else:
            daemon = h.Knotd(os.path.join(d, 'knotd'), port, module, conf,
                             mod_extra='    watch: on\n' if how == 'watch' else '')
            daemon.start()
        if not h.wait_for(lambda: h.soa_serial(port, 'w0.example') is not None, 15):
            raise RuntimeError(f'{how}: first zone not served')
        time.sleep(1.0)
        times = []
        for k in range(1, args.edits + 1):
            t0 = time.monotonic()
            write(k)
            if how == 'knotc reload':
                daemon.knotc('reload')
            elif how == 'nsd-control reconfig':
                daemon.control('reconfig')
            ok = h.wait_for(lambda: h.soa_serial(port, f'w{k}.example') is not None, 15,
                            step=0.005)
            if not ok:
                raise RuntimeError(f'{how}: edit {k} not served within 15 s')
            times.append(time.monotonic() - t0)
            time.sleep(0.8)
        daemon.stop()
        out[how] = times
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--module', required=True)
    ap.add_argument('--targets', type=int, default=100)
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--edits', type=int, default=4)   # mod-nsd allows 5 reloads a minute
    args = ap.parse_args()
    top = tempfile.mkdtemp(prefix='knot-nsd-notify-bench-')
    try:
        w = watch(args, os.path.abspath(args.module), top)
        start, res = fanout(args, os.path.abspath(args.module), top)
    finally:
        h.stop_all()
        shutil.rmtree(top, ignore_errors=True)

    ms = lambda x: f'{x * 1000:.0f} ms'  # noqa: E731
    print(f'watch mode: nsd.conf edit -> new zone served ({args.edits} edits each, median)')
    base = med(w['nsd-control reconfig'])
    for how, times in w.items():
        print(f'  {how:22s} median {ms(med(times))}  (all: '
              f'{", ".join(ms(t) for t in times)})  ratio to NSD reconfig '
              f'{med(times) / base:.2f}')
    print(f'NOTIFY fan-out to {args.targets} secondaries ({args.rounds} rounds interleaved, '
          'median; time to the last one)')
    n, k = med(res['nsd']), med(res['knotd'])
    print(f'  serial change   NSD (nsd-control reload, UDP) {ms(n)}; knotd+mod-nsd '
          f'(knotc zone-reload, knotd over TCP) {ms(k)}; ratio knotd/NSD {k / n:.2f}')
    (ns, nspread), (ks, kspread) = start['nsd'], start['knotd']
    print(f'  start-up        NSD {ms(ns)} from start ({ms(nspread)} first to last); '
          f'knotd+mod-nsd {ms(ks)} from start ({ms(kspread)} first to last, the module '
          f'over UDP); ratio first-to-last {kspread / max(nspread, 1e-6):.2f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
