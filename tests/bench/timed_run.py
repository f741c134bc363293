#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One timed run of a command, stdout to /dev/null: wall seconds, CPU seconds and peak memory.

usage: timed_run.py argv...
Prints "<wall s> <user+sys s> <peak KiB>" (the child's own rusage from wait4) and exits
with the child's status. /usr/bin/time rounds to 10 ms, too coarse for runs of 50 ms;
posix_spawn keeps the launcher's own cost small and the same for every program timed.
"""

import os
import sys
import time


def main():
    argv = sys.argv[1:]
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    devnull = os.open(os.devnull, os.O_WRONLY)
    t0 = time.monotonic()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    print(f"{wall:.4f} {ru.ru_utime + ru.ru_stime:.4f} {ru.ru_maxrss}")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
