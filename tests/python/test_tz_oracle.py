"""Time zones checked against an independent implementation: CPython's
zoneinfo, reading the same TZif files of the system's tzdata
(/usr/share/zoneinfo), for every zone it lists.

For each zone the test finds the transitions from 1970 to 2037 (from the
TZif file's own transition list, read here by a few lines of struct
unpacking, and past its last entry by bisecting zoneinfo's offsets, which
come from the footer's POSIX TZ rule), then compares around each of them
and at seeded random instants:

- csvc offset_at(t).offset and .abbreviation with zoneinfo's utcoffset()
  and tzname();
- csvc to_local(t) with zoneinfo's wall-clock reading;
- csvc from_local(local, mode) for the local times just before, at, inside
  and after each gap or overlap, with zoneinfo's fold: fold=0 reads the
  local time with the offset in force before the change and fold=1 with
  the one after. So (tz.h) 'compatible' is fold=0; 'earlier' is the
  earlier of the two instants, 'later' the later; 'reject' fails exactly
  when the two differ.

CSVC_TZ_ORACLE_FULL=1 (the slow suite's tz-oracle-full) widens the range
to 1800-2400 and takes many more random instants.
"""

import bisect
import datetime
import os
import random
import struct
import unittest
import zoneinfo

import csvc

ZONEINFO_DIR = "/usr/share/zoneinfo"
UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
US = datetime.timedelta(microseconds=1)
S = datetime.timedelta(seconds=1)
FULL = os.environ.get("CSVC_TZ_ORACLE_FULL") == "1"

if FULL:
    FROM, TO, RANDOM_INSTANTS, RANDOM_LOCALS = 1800, 2400, 400, 400
else:
    FROM, TO, RANDOM_INSTANTS, RANDOM_LOCALS = 1970, 2038, 12, 12


def year_start(y):
    return int((datetime.datetime(y, 1, 1, tzinfo=UTC) - EPOCH).total_seconds())


def tzif_transitions(data):
    """The transition times (seconds) of a TZif file: the 64-bit block of
    version 2+ files, else the 32-bit one (RFC 8536, section 3)."""
    def header(off):
        if data[off:off + 4] != b"TZif":
            raise ValueError("not TZif")
        version = data[off + 4]
        isut, isstd, leap, timecnt, typecnt, charcnt = struct.unpack(">6l", data[off + 20:off + 44])
        return version, isut, isstd, leap, timecnt, typecnt, charcnt

    version, isut, isstd, leap, timecnt, typecnt, charcnt = header(0)
    if version == 0:
        return list(struct.unpack(">%dl" % timecnt, data[44:44 + 4 * timecnt]))
    skip = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    _, isut, isstd, leap, timecnt, typecnt, charcnt = header(skip)
    off = skip + 44
    return list(struct.unpack(">%dq" % timecnt, data[off:off + 8 * timecnt]))


def tzif_footer(data):
    """The POSIX TZ string at the end of a version 2+ TZif file."""
    if data[4] == 0 or not data.endswith(b"\n"):
        return ""
    return data[data.rindex(b"\n", 0, len(data) - 1) + 1:-1].decode("ascii")


def offset_s(zi, t):
    """zoneinfo's UTC offset at instant t (seconds since the epoch)."""
    return zi.utcoffset(datetime.datetime.fromtimestamp(t, tz=UTC).astimezone(zi)) // S


def find_transitions(zi, data, lo, hi):
    """Transitions in [lo, hi): the file's, then past its last one every
    change of offset found by bisection (7-day steps)."""
    listed = tzif_transitions(data)
    found = [t for t in listed if lo <= t < hi]
    if "," not in tzif_footer(data):  # no DST rule: no changes after the list
        return found
    start = max([lo] + [t + 1 for t in listed])
    step = 7 * 86400
    t = start
    prev = offset_s(zi, t)
    while t < hi:
        n = min(t + step, hi)
        off = offset_s(zi, n)
        if off != prev:
            a, b = t, n  # offset(a) == prev != offset(b)
            while b - a > 1:
                m = (a + b) // 2
                if offset_s(zi, m) == prev:
                    a = m
                else:
                    b = m
            found.append(b)
            prev = off
        t = n
    return sorted(set(found))


def instant_us(t):
    """An instant in microseconds as an aware datetime."""
    return EPOCH + datetime.timedelta(microseconds=t)


class ZoneChecker:
    def __init__(self, test, name):
        self.test = test
        self.name = name
        path = os.path.join(ZONEINFO_DIR, name)
        with open(path, "rb") as f:
            self.data = f.read()
        with open(path, "rb") as f:
            self.zi = zoneinfo.ZoneInfo.from_file(f, key=name)
        self.tz = csvc.TimeZone.load(name, ZONEINFO_DIR)
        self.mismatches = []
        self.checks = 0

    def fail(self, what):
        self.mismatches.append("%s: %s" % (self.name, what))

    def check_instant(self, us):
        """offset_at and to_local at instant `us` (microseconds)."""
        aware = instant_us(us).astimezone(self.zi)
        want_off = self.zi.utcoffset(aware)
        want_abbr = self.zi.tzname(aware)
        self.checks += 1
        got = self.tz.offset_at(us)
        if got.offset != want_off or got.abbreviation != want_abbr:
            self.fail("offset_at(%s) = %s %s, zoneinfo %s %s" % (
                instant_us(us).isoformat(), got.offset, got.abbreviation, want_off, want_abbr))
        local = self.tz.to_local(us)
        if local != aware.replace(tzinfo=None):
            self.fail("to_local(%s) = %s, zoneinfo %s" % (
                instant_us(us).isoformat(), local, aware.replace(tzinfo=None)))

    def check_local(self, local):
        """from_local of naive `local` under every mode against fold 0/1."""
        u0 = local.replace(tzinfo=self.zi, fold=0).astimezone(UTC)
        u1 = local.replace(tzinfo=self.zi, fold=1).astimezone(UTC)
        self.checks += 1
        want = {"compatible": u0, "earlier": min(u0, u1), "later": max(u0, u1),
                "reject": u0 if u0 == u1 else None}
        for mode, w in want.items():
            try:
                got = self.tz.from_local(local, mode)
            except csvc.OutOfRange:
                got = None
            if got != w:
                self.fail("from_local(%s, %s) = %s, zoneinfo %s (fold=0 %s, fold=1 %s)" % (
                    local.isoformat(), mode, got and got.isoformat(), w and w.isoformat(),
                    u0.isoformat(), u1.isoformat()))

    def run(self, rng):
        lo, hi = year_start(FROM), year_start(TO)
        for t in find_transitions(self.zi, self.data, lo, hi):
            for d in (-86400, -1, 0, 1, 3600):
                self.check_instant((t + d) * 1000000)
            self.check_instant(t * 1000000 - 1)
            before = offset_s(self.zi, t - 1)
            after = offset_s(self.zi, t)
            # Local readings around the change: the old clock's and the
            # new clock's reading at the instant, and between them.
            a, b = sorted((t + before, t + after))
            for local_s in {a - 1, a, (a + b) // 2, b - 1, b, b + 1}:
                self.check_local(EPOCH_NAIVE + datetime.timedelta(seconds=local_s))
            self.check_local(EPOCH_NAIVE + datetime.timedelta(seconds=b) - US)
        for _ in range(RANDOM_INSTANTS):
            self.check_instant(rng.randrange(lo, hi) * 1000000 + rng.randrange(1000000))
        for _ in range(RANDOM_LOCALS):
            self.check_local(EPOCH_NAIVE + datetime.timedelta(
                seconds=rng.randrange(lo, hi), microseconds=rng.randrange(1000000)))
        return self.mismatches


def system_zones():
    zoneinfo.reset_tzpath([ZONEINFO_DIR])
    return sorted(n for n in zoneinfo.available_timezones()
                  if os.path.isfile(os.path.join(ZONEINFO_DIR, n)))


@unittest.skipUnless(os.path.isdir(ZONEINFO_DIR), "no system tzdata in " + ZONEINFO_DIR)
class TestTimeZonesAgainstZoneinfo(unittest.TestCase):

    def test_tzif_reader(self):
        # The test's own TZif reader agrees with zoneinfo on a known zone.
        path = os.path.join(ZONEINFO_DIR, "Europe/London")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "rb") as f:
            zi = zoneinfo.ZoneInfo.from_file(f)
        bst_1996 = int((datetime.datetime(1996, 3, 31, 1, tzinfo=UTC) - EPOCH).total_seconds())
        self.assertIn(bst_1996, tzif_transitions(data))
        self.assertEqual(offset_s(zi, bst_1996), 3600)
        self.assertEqual(offset_s(zi, bst_1996 - 1), 0)
        # Two a year from 1972 (the footer rule past the file's last entry).
        found = find_transitions(zi, data, year_start(1972), year_start(2038))
        self.assertEqual(len(found), 2 * (2038 - 1972))
        self.assertIn(bst_1996, found)

    def test_every_system_zone(self):
        zones = system_zones()
        self.assertGreater(len(zones), 300)
        rng = random.Random(20240601)
        mismatches = []
        checks = 0
        for name in zones:
            z = ZoneChecker(self, name)
            mismatches += z.run(rng)
            checks += z.checks
        # Around 20 instants and local times per transition.
        self.assertGreater(checks, 100000 if not FULL else 1000000)
        if mismatches:
            self.fail("%d mismatches with zoneinfo, first ones:\n%s" % (
                len(mismatches), "\n".join(mismatches[:40])))


if __name__ == "__main__":
    unittest.main()
