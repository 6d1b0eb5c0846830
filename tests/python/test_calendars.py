"""Time zones and business calendars: exact arithmetic, clock changes,
storage in the store, error mapping and lifetimes."""

import copy
import datetime
import gc
import os
import pathlib
import threading

import csvc
from csvc_testutil import UTC, ZONEINFO, ManualClock, StoreTestCase, open_store, store_sql

H = datetime.timedelta(hours=1)
MIN = datetime.timedelta(minutes=1)
US = datetime.timedelta(microseconds=1)


def utc(*fields):
    return datetime.datetime(*fields, tzinfo=UTC)


# Monday to Friday 09:00-18:00 UTC (2025-01-06 is a Monday).
OFFICE = ('{"zone": "UTC", "versions": [{"week": {"mon": ["09:00-18:00"], "tue": ["09:00-18:00"], '
          '"wed": ["09:00-18:00"], "thu": ["09:00-18:00"], "fri": ["09:00-18:00"]}}]}')
MON = utc(2025, 1, 6)

# A Shanghai store: split shifts, a short Saturday, a holiday and a special day.
SHANGHAI = """{
  "zone": "Asia/Shanghai",
  "versions": [{"week": {
    "mon": ["09:00-12:00", "13:00-18:00"], "tue": ["09:00-12:00", "13:00-18:00"],
    "wed": ["09:00-12:00", "13:00-18:00"], "thu": ["09:00-12:00", "13:00-18:00"],
    "fri": ["09:00-12:00", "13:00-18:00"], "sat": ["10:00-16:00"], "sun": []}}],
  "holidays": ["2025-01-01"],
  "special_days": [{"date": "2025-01-26", "intervals": ["10:00-16:00"]}]
}"""

LONDON_OFFICE = OFFICE.replace('"UTC"', '"Europe/London"')


def one_day(zone, day, interval):
    return csvc.Calendar.parse(
        '{"zone": "%s", "versions": [{"week": {"%s": ["%s"]}}]}' % (zone, day, interval),
        zoneinfo_dir=ZONEINFO)


class TimeZoneTest(StoreTestCase):
    clock = False

    def london(self):
        return csvc.TimeZone.load("Europe/London", zoneinfo_dir=ZONEINFO)

    def test_constructors_and_names(self):
        london = self.london()
        self.assertIsInstance(london, csvc.TimeZone)
        self.assertEqual(london.name, "Europe/London")
        self.assertEqual(repr(london), "<csvc.TimeZone 'Europe/London'>")
        self.assertEqual(csvc.TimeZone.load("Europe/London", pathlib.Path(ZONEINFO)).name, "Europe/London")
        self.assertEqual(csvc.TimeZone.utc().name, "UTC")
        self.assertEqual(csvc.TimeZone.load("UTC", zoneinfo_dir="/nonexistent").name, "UTC")
        self.assertEqual(csvc.TimeZone.load("+08:00", zoneinfo_dir="/nonexistent").name, "+08:00")
        self.assertEqual(csvc.TimeZone.fixed(datetime.timedelta(hours=8)).name, "+08:00")
        self.assertEqual(csvc.TimeZone.fixed(-datetime.timedelta(hours=5, minutes=30)).name, "-05:30")
        self.assertEqual(csvc.TimeZone.fixed(datetime.timedelta(0)).name, "+00:00")
        posix = csvc.TimeZone.from_posix("GMT0BST,M3.5.0/1,M10.5.0")
        self.assertEqual(posix.name, "GMT0BST,M3.5.0/1,M10.5.0")
        with open(os.path.join(ZONEINFO, "Europe", "London"), "rb") as f:
            data = f.read()
        mem = csvc.TimeZone.from_tzif("Europe/London", data)
        self.assertEqual(mem.name, "Europe/London")
        self.assertEqual(csvc.TimeZone.from_tzif("Europe/London", bytearray(data)).name, "Europe/London")
        # The three sources agree, in the table and past it (footer rule).
        for t in (utc(2024, 3, 31, 0, 59), utc(2024, 3, 31, 1), utc(2024, 10, 27, 0, 59),
                  utc(2024, 10, 27, 1), utc(2050, 7, 1), utc(2050, 12, 1)):
            self.assertEqual(london.offset_at(t), mem.offset_at(t))
            self.assertEqual(london.offset_at(t)[:2], posix.offset_at(t)[:2])
        self.assertIs(copy.copy(london), london)
        self.assertIs(copy.deepcopy(london), london)
        with self.assertRaises(TypeError):
            csvc.TimeZone()

    def test_offset_at(self):
        london = self.london()
        off = london.offset_at(utc(2024, 6, 16, 12))
        self.assertIsInstance(off, csvc.ZoneOffset)
        self.assertEqual(off, (H, True, "BST"))
        self.assertEqual((off.offset, off.is_dst, off.abbreviation), (H, True, "BST"))
        self.assertEqual(london.offset_at(utc(2024, 1, 15)), (datetime.timedelta(0), False, "GMT"))
        # The change instants themselves.
        self.assertEqual(london.offset_at(utc(2024, 3, 31, 1) - US).offset, datetime.timedelta(0))
        self.assertEqual(london.offset_at(utc(2024, 3, 31, 1)).offset, H)
        self.assertEqual(london.offset_at(utc(2024, 10, 27, 1) - US).offset, H)
        self.assertEqual(london.offset_at(utc(2024, 10, 27, 1)).offset, datetime.timedelta(0))
        ny = csvc.TimeZone.load("America/New_York", ZONEINFO)
        self.assertEqual(ny.offset_at(utc(2024, 1, 15)), (-5 * H, False, "EST"))
        lord_howe = csvc.TimeZone.load("Australia/Lord_Howe", ZONEINFO)
        self.assertEqual(lord_howe.offset_at(utc(2024, 1, 15)).offset, datetime.timedelta(hours=11))
        self.assertEqual(lord_howe.offset_at(utc(2024, 7, 15)).offset, datetime.timedelta(hours=10, minutes=30))
        # int microseconds work as instants; other timezones are converted.
        self.assertEqual(london.offset_at(int(utc(2024, 6, 16).timestamp()) * 10**6).abbreviation, "BST")
        cst = datetime.timezone(datetime.timedelta(hours=8))
        self.assertEqual(london.offset_at(datetime.datetime(2024, 6, 16, 8, tzinfo=cst)).abbreviation, "BST")

    def test_to_local(self):
        london = self.london()
        # Clocks go back at 02:00 BST (01:00 UTC): 01:30 shows twice.
        first = london.to_local(utc(2024, 10, 27, 0, 30))
        second = london.to_local(utc(2024, 10, 27, 1, 30))
        self.assertEqual(first, datetime.datetime(2024, 10, 27, 1, 30))
        self.assertEqual(second, datetime.datetime(2024, 10, 27, 1, 30))
        self.assertIsNone(first.tzinfo)
        # Clocks go forward at 01:00 GMT: 01:00 UTC shows 02:00.
        self.assertEqual(london.to_local(utc(2024, 3, 31, 1)), datetime.datetime(2024, 3, 31, 2))
        self.assertEqual(london.to_local(utc(2024, 3, 31, 1) - US),
                         datetime.datetime(2024, 3, 31, 0, 59, 59, 999999))
        self.assertEqual(csvc.TimeZone.fixed(8 * H).to_local(utc(2025, 1, 1, 20)),
                         datetime.datetime(2025, 1, 2, 4))
        self.assertEqual(csvc.TimeZone.utc().to_local(0), datetime.datetime(1970, 1, 1))

    def test_from_local_disambiguation(self):
        london = self.london()
        overlap = datetime.datetime(2024, 10, 27, 1, 30)
        self.assertEqual(london.from_local(overlap), utc(2024, 10, 27, 0, 30))
        self.assertEqual(london.from_local(overlap, "compatible"), utc(2024, 10, 27, 0, 30))
        self.assertEqual(london.from_local(overlap, "earlier"), utc(2024, 10, 27, 0, 30))
        self.assertEqual(london.from_local(overlap, "later"), utc(2024, 10, 27, 1, 30))
        self.assertEqual(london.from_local(overlap, disambiguation=csvc.Disambiguation.LATER),
                         utc(2024, 10, 27, 1, 30))
        gap = datetime.datetime(2024, 3, 31, 1, 30)
        # compatible / later: read with the offset before the change (02:30 BST)
        self.assertEqual(london.from_local(gap), utc(2024, 3, 31, 1, 30))
        self.assertEqual(london.from_local(gap, csvc.Disambiguation.LATER), utc(2024, 3, 31, 1, 30))
        # earlier: read with the offset after it (00:30 GMT)
        self.assertEqual(london.from_local(gap, "earlier"), utc(2024, 3, 31, 0, 30))
        for t in (gap, overlap):
            with self.assertRaises(csvc.OutOfRange) as cm:
                london.from_local(t, "reject")
            self.assertTrue(cm.exception.message)
            with self.assertRaises(csvc.OutOfRange):
                london.from_local(t, csvc.Disambiguation.REJECT)
        # A time that exists once ignores the disambiguation.
        plain = datetime.datetime(2024, 6, 16, 12, 0, 0, 1)
        for d in csvc.Disambiguation:
            self.assertEqual(london.from_local(plain, d), utc(2024, 6, 16, 11, 0, 0, 1))
        result = london.from_local(plain)
        self.assertEqual(result.tzinfo, UTC)
        self.assertEqual(london.to_local(result), plain)

    def test_errors(self):
        with self.assertRaises(csvc.NotFound):
            csvc.TimeZone.load("Mars/Olympus_Mons", ZONEINFO)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.TimeZone.load("../etc/passwd", ZONEINFO)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.TimeZone.load("/etc/localtime")
        with self.assertRaises(csvc.Corrupt):
            csvc.TimeZone.from_tzif("Europe/Nowhere", b"TZif2 not really")
        bad_dir = os.path.join(self.dir, "zoneinfo")
        os.makedirs(os.path.join(bad_dir, "Bad"))
        with open(os.path.join(bad_dir, "Bad", "Zone"), "wb") as f:
            f.write(b"TZif" + b"\0" * 60)
        with self.assertRaises(csvc.Corrupt):
            csvc.TimeZone.load("Bad/Zone", bad_dir)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.TimeZone.from_posix("not a TZ string!")
        with self.assertRaises(csvc.OutOfRange):
            csvc.TimeZone.fixed(datetime.timedelta(hours=27))
        with self.assertRaises(csvc.OutOfRange):
            csvc.TimeZone.fixed(datetime.timedelta(days=100000))
        with self.assertRaises(ValueError):
            csvc.TimeZone.fixed(datetime.timedelta(seconds=1.5))
        with self.assertRaises(TypeError):
            csvc.TimeZone.fixed(3600)
        utc_zone = csvc.TimeZone.utc()
        with self.assertRaises(csvc.OutOfRange):
            utc_zone.to_local(10**18)  # past year 9999
        with self.assertRaises(TypeError):
            utc_zone.to_local(datetime.datetime(2025, 1, 1))  # naive
        with self.assertRaises(TypeError):
            utc_zone.to_local(None)
        with self.assertRaises(TypeError):
            utc_zone.from_local(utc(2025, 1, 1))  # aware
        with self.assertRaises(TypeError):
            utc_zone.from_local("2025-01-01")
        with self.assertRaises(ValueError):
            utc_zone.from_local(datetime.datetime(2025, 1, 1), "latest")
        with self.assertRaises(csvc.InvalidArgument):
            utc_zone.from_local(datetime.datetime(2025, 1, 1), 9)


class CalendarArithmeticTest(StoreTestCase):
    clock = False

    def test_office_hours_hand_checked(self):
        cal = csvc.Calendar.parse(OFFICE)
        self.assertEqual(cal.zone, "UTC")
        self.assertEqual(repr(cal), "<csvc.Calendar zone='UTC'>")
        # Running out exactly at the 18:00 closing gives the next opening.
        self.assertEqual(cal.add(MON + 17 * H, H), MON + datetime.timedelta(days=1, hours=9))
        self.assertEqual(cal.add(MON + 17 * H, H - US), MON + 18 * H - US)
        self.assertEqual(cal.add(MON + 17 * H, H + US), MON + datetime.timedelta(days=1, hours=9) + US)
        # Friday 17:30 + 1 h: half an hour on Friday, half on Monday.
        self.assertEqual(cal.add(MON + datetime.timedelta(days=4, hours=17, minutes=30), H),
                         MON + datetime.timedelta(days=7, hours=9, minutes=30))
        # Zero duration: the instant if open, else the next opening.
        self.assertEqual(cal.add(MON + 10 * H, datetime.timedelta(0)), MON + 10 * H)
        self.assertEqual(cal.add(MON + 18 * H, datetime.timedelta(0)), MON + datetime.timedelta(days=1, hours=9))
        # A whole week is 45 h; a year of weeks lands on the same weekday and hour.
        self.assertEqual(cal.between(MON, MON + datetime.timedelta(days=7)), 45 * H)
        self.assertEqual(cal.between(MON + datetime.timedelta(days=7), MON), -45 * H)
        self.assertEqual(cal.add(MON + 9 * H, 52 * 45 * H), MON + datetime.timedelta(weeks=52, hours=9))
        # Half-open intervals: 09:00 is open, 18:00 is closed.
        self.assertFalse(cal.is_open(MON + 9 * H - US))
        self.assertTrue(cal.is_open(MON + 9 * H))
        self.assertTrue(cal.is_open(MON + 18 * H - US))
        self.assertFalse(cal.is_open(MON + 18 * H))
        self.assertFalse(cal.is_open(MON + datetime.timedelta(days=5, hours=12)))  # Saturday
        self.assertEqual(cal.next_open(MON + 10 * H + 7 * US), MON + 10 * H + 7 * US)
        self.assertEqual(cal.next_open(MON + datetime.timedelta(days=4, hours=18)),
                         MON + datetime.timedelta(days=7, hours=9))
        # Exact to the microsecond.
        self.assertEqual(cal.between(MON + 9 * H - US, MON + 9 * H + US), US)
        self.assertEqual(cal.between(MON + 17 * H, MON + datetime.timedelta(days=1, hours=9, microseconds=3)),
                         H + 3 * US)
        # Ints are microseconds, for instants and durations.
        t = int((MON + 17 * H).timestamp()) * 10**6
        self.assertEqual(cal.add(t, 3600 * 10**6), MON + datetime.timedelta(days=1, hours=9))
        self.assertTrue(cal.is_open(t))
        # Keyword arguments.
        self.assertEqual(cal.add(t=MON + 17 * H, duration=H), cal.add(MON + 17 * H, H))
        self.assertEqual(cal.between(start=MON, end=MON + 10 * H), H)

    def test_properties_on_a_sample(self):
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO)
        start = utc(2024, 12, 30, 3, 17, 5, 123456)
        for k in range(60):
            t = start + k * datetime.timedelta(hours=5, minutes=7, microseconds=11)
            u = t + k * datetime.timedelta(hours=3, microseconds=5)
            d = cal.between(t, u)
            self.assertEqual(cal.add(t, d), cal.next_open(u))
            self.assertEqual(cal.between(t, cal.add(t, d)), d)
            self.assertTrue(cal.is_open(cal.add(t, k * MIN)))

    def test_split_shifts_holiday_special_day(self):
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO)
        self.assertEqual(cal.zone, "Asia/Shanghai")
        local = cal.tz.from_local
        # 2 h from Monday 11:00 spans the lunch break.
        self.assertEqual(cal.add(local(datetime.datetime(2025, 1, 6, 11)), 2 * H),
                         local(datetime.datetime(2025, 1, 6, 14)))
        # New Year's Day is a holiday: Tuesday 17:00 + 2 h is Thursday 10:00.
        self.assertEqual(cal.add(local(datetime.datetime(2024, 12, 31, 17)), 2 * H),
                         local(datetime.datetime(2025, 1, 2, 10)))
        # Sunday 2025-01-26 is opened 10:00-16:00.
        self.assertTrue(cal.is_open(local(datetime.datetime(2025, 1, 26, 10))))
        self.assertFalse(cal.is_open(local(datetime.datetime(2025, 1, 19, 10))))
        self.assertEqual(cal.between(local(datetime.datetime(2025, 1, 25)), local(datetime.datetime(2025, 1, 27))),
                         12 * H)

    def test_dst_london(self):
        # Clocks go back on 2024-10-27: a 01:00-03:00 shift lasts three hours.
        cal = one_day("Europe/London", "sun", "01:00-03:00")
        back = utc(2024, 10, 27, 1)
        self.assertEqual(cal.between(back - datetime.timedelta(days=3), back + datetime.timedelta(days=3)), 3 * H)
        self.assertTrue(cal.is_open(back + 30 * MIN))  # the repeated 01:30
        self.assertEqual(cal.add(utc(2024, 10, 27, 0), 150 * MIN), utc(2024, 10, 27, 2, 30))
        self.assertEqual(cal.next_open(back - 12 * H), utc(2024, 10, 27, 0))
        # Clocks go forward on 2024-03-31: the same shift lasts one hour.
        fwd = utc(2024, 3, 31, 1)
        self.assertEqual(cal.between(fwd - datetime.timedelta(days=3), fwd + datetime.timedelta(days=3)), H)
        self.assertEqual(cal.next_open(fwd - 12 * H), fwd)
        self.assertFalse(cal.is_open(fwd + H))
        # Office hours across the spring change: Friday 17:00 GMT + 2 h is one
        # hour on Friday and one on Monday from 09:00 BST (08:00 UTC).
        office = csvc.Calendar.parse(LONDON_OFFICE, zoneinfo_dir=ZONEINFO)
        self.assertEqual(office.add(utc(2024, 3, 29, 17), 2 * H), utc(2024, 4, 1, 9))
        self.assertEqual(office.between(utc(2024, 3, 29, 17), utc(2024, 4, 1, 9)), 2 * H)
        self.assertTrue(office.is_open(utc(2024, 4, 1, 8)))
        self.assertFalse(office.is_open(utc(2024, 4, 1, 8) - US))

    def test_json_round_trip_and_equality(self):
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO)
        text = cal.to_json()
        self.assertNotIn("\n", text)
        again = csvc.Calendar.parse(text, zoneinfo_dir=ZONEINFO)
        self.assertEqual(again.to_json(), text)
        self.assertEqual(again, cal)
        self.assertFalse(again != cal)
        self.assertNotEqual(csvc.Calendar.parse(OFFICE), cal)
        self.assertNotEqual(cal, text)
        self.assertEqual(csvc.Calendar.parse(SHANGHAI.encode("utf-8"), ZONEINFO), cal)
        self.assertIs(copy.copy(cal), cal)
        self.assertIs(copy.deepcopy(cal), cal)
        with self.assertRaises(TypeError):
            hash(cal)
        with self.assertRaises(TypeError):
            csvc.Calendar()

    def test_given_time_zone(self):
        with open(os.path.join(ZONEINFO, "Asia", "Shanghai"), "rb") as f:
            tz = csvc.TimeZone.from_tzif("Asia/Shanghai", f.read())
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir="/nonexistent", tz=tz)
        del tz
        gc.collect()
        self.assertEqual(cal.next_open(utc(2025, 1, 5)), utc(2025, 1, 6, 1))
        self.assertEqual(cal.tz.name, "Asia/Shanghai")
        with self.assertRaises(csvc.InvalidArgument):  # the zone does not match the text
            csvc.Calendar.parse(SHANGHAI, tz=csvc.TimeZone.fixed(8 * H))
        with self.assertRaises(TypeError):
            csvc.Calendar.parse(SHANGHAI, tz="Asia/Shanghai")

    def test_parse_errors(self):
        with self.assertRaises(csvc.InvalidArgument) as cm:
            csvc.Calendar.parse("{")
        self.assertIn("line 1", cm.exception.message)
        self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(csvc.InvalidArgument) as cm:
            csvc.Calendar.parse('{"zone": "UTC", "versions": [{"week": {"mon": ["09:00-12:00", "11:00-13:00"]}}]}')
        self.assertIn("overlap", cm.exception.message)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Calendar.parse('{"zone": "UTC", "versions": [{"week": {}}]}\0')  # NUL inside
        with self.assertRaises(csvc.NotFound) as cm:
            csvc.Calendar.parse('{"zone": "Mars/Olympus_Mons", "versions": [{"week": {}}]}', ZONEINFO)
        self.assertIn("Mars", cm.exception.message)
        bad_dir = os.path.join(self.dir, "zoneinfo")
        os.makedirs(os.path.join(bad_dir, "Bad"))
        with open(os.path.join(bad_dir, "Bad", "Zone"), "wb") as f:
            f.write(b"garbage")
        with self.assertRaises(csvc.Corrupt):
            csvc.Calendar.parse('{"zone": "Bad/Zone", "versions": [{"week": {}}]}', bad_dir)
        with self.assertRaises(csvc.OutOfRange):
            csvc.Calendar.parse(" " * (csvc._csvc.CALENDAR_TEXT_MAX + 1))
        with self.assertRaises(TypeError):
            csvc.Calendar.parse(42)

    def test_arithmetic_errors(self):
        cal = csvc.Calendar.parse(OFFICE)
        with self.assertRaises(csvc.InvalidArgument):
            cal.add(MON, -US)
        with self.assertRaises(csvc.OutOfRange):
            cal.is_open(utc(2300, 1, 1))
        with self.assertRaises(csvc.OutOfRange):
            cal.between(utc(1800, 1, 1), MON)
        with self.assertRaises(TypeError):
            cal.is_open(datetime.datetime(2025, 1, 6))  # naive
        with self.assertRaises(TypeError):
            cal.next_open(None)
        with self.assertRaises(TypeError):
            cal.add(MON, 1.5)
        with self.assertRaises(TypeError):
            cal.add(MON, True)
        with self.assertRaises(OverflowError):
            cal.add(MON, datetime.timedelta(days=999999999))
        never = csvc.Calendar.parse('{"zone": "UTC", "versions": [{"week": {}}]}')
        with self.assertRaises(csvc.NotFound):
            never.next_open(MON)
        with self.assertRaises(csvc.NotFound):
            never.add(MON, H)
        self.assertEqual(never.between(MON, MON + datetime.timedelta(days=70)), datetime.timedelta(0))

    def test_shared_between_threads(self):
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO)
        starts = [utc(2025, 1, 1) + k * datetime.timedelta(hours=7, seconds=13) for k in range(200)]
        expected = [cal.add(t, 30 * H) for t in starts]
        results = {}

        def work(n):
            results[n] = [cal.add(t, 30 * H) for t in starts]

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual([results[n] for n in range(4)], [expected] * 4)


class CalendarStoreTest(StoreTestCase):
    def test_save_load_list_attach(self):
        s = self.store
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO)
        self.assertIsNone(s.save_calendar("Shanghai stores", cal))
        info = s.calendar_info("Shanghai stores")
        self.assertIsInstance(info, csvc.CalendarInfo)
        self.assertEqual(info.name, "Shanghai stores")
        self.assertEqual(info.id.version, 4)
        self.assertEqual(info.created_at, self.fake_clock.now)
        self.assertEqual(info.updated_at, info.created_at)
        back = s.load_calendar("Shanghai stores", zoneinfo_dir=ZONEINFO)
        self.assertEqual(back, cal)
        self.assertEqual(back.to_json(), cal.to_json())

        # Saving again replaces, keeping the id and creation time.
        office = csvc.Calendar.parse(OFFICE)
        s.save_calendar("Shanghai stores", office)
        info2 = s.calendar_info("Shanghai stores")
        self.assertEqual((info2.id, info2.created_at), (info.id, info.created_at))
        self.assertGreater(info2.updated_at, info.updated_at)
        s.save_calendar("Beijing", cal)
        s.save_calendar("北京", cal)
        self.assertEqual(s.calendars(), ["Beijing", "Shanghai stores", "北京"])

        s.attach_calendar("SH01", "Shanghai stores")
        s.attach_calendar(store_code="SH02", name="Shanghai stores")
        s.attach_calendar("BJ01", "北京")
        self.assertEqual(s.calendar_name_for_store("SH01"), "Shanghai stores")
        self.assertEqual(s.calendar_name_for_store("BJ01"), "北京")
        self.assertEqual(s.calendar_for_store("SH02"), office)
        self.assertEqual(s.calendar_for_store("BJ01", zoneinfo_dir=ZONEINFO), cal)
        s.attach_calendar("SH02", "Beijing")  # re-attaching replaces
        self.assertEqual(s.calendar_name_for_store("SH02"), "Beijing")

        with self.assertRaises(csvc.InvalidTransition):
            s.delete_calendar("北京")  # still attached
        s.detach_calendar("BJ01")
        s.delete_calendar("北京")
        self.assertEqual(s.calendars(), ["Beijing", "Shanghai stores"])

        # Inside a transaction that is rolled back.
        with self.assertRaises(RuntimeError):
            with s.transaction():
                s.detach_calendar("SH01")
                s.save_calendar("temp", office)
                raise RuntimeError
        self.assertEqual(s.calendar_name_for_store("SH01"), "Shanghai stores")
        self.assertEqual(s.calendars(), ["Beijing", "Shanghai stores"])

    def test_errors(self):
        s = self.store
        cal = csvc.Calendar.parse(OFFICE)
        s.save_calendar("office", cal)
        for call in (lambda: s.load_calendar("nope"), lambda: s.calendar_info("nope"),
                     lambda: s.delete_calendar("nope"), lambda: s.attach_calendar("SH03", "nope"),
                     lambda: s.detach_calendar("XX99"), lambda: s.calendar_name_for_store("XX99"),
                     lambda: s.calendar_for_store("XX99")):
            with self.assertRaises(csvc.NotFound):
                call()
        with self.assertRaises(csvc.InvalidArgument):
            s.save_calendar("", cal)
        with self.assertRaises(csvc.OutOfRange):
            s.save_calendar("a" * (csvc._csvc.CALENDAR_NAME_MAX + 1), cal)
        with self.assertRaises(csvc.OutOfRange):
            s.attach_calendar("", "office")
        with self.assertRaises(csvc.InvalidArgument):
            s.attach_calendar("SH 01", "office")
        with self.assertRaises(TypeError):
            s.save_calendar("office", OFFICE)
        with self.assertRaises(ValueError):
            s.calendar_info("a\0b")
        # Text damaged in the store is reported as corrupt.
        store_sql(self.path, """UPDATE calendars SET spec = '{"zone":1}'""")
        s.attach_calendar("SH01", "office")
        with self.assertRaises(csvc.Corrupt):
            s.load_calendar("office")
        with self.assertRaises(csvc.Corrupt):
            s.calendar_for_store("SH01")

    def test_zoneinfo_dir_option(self):
        self.assertIsNone(self.store.zoneinfo_dir)
        london = csvc.Calendar.parse(LONDON_OFFICE, zoneinfo_dir=ZONEINFO)
        path = os.path.join(self.dir, "zones.db")
        with open_store(path, zoneinfo_dir=pathlib.Path(ZONEINFO)) as s:
            self.assertEqual(s.zoneinfo_dir, ZONEINFO)
            s.save_calendar("london", london)
            s.attach_calendar("LN01", "london")
            self.assertEqual(s.load_calendar("london"), london)  # the store's directory by default
            self.assertEqual(s.calendar_for_store("LN01"), london)
            # The store keeps the zone's data: no zoneinfo directory is needed.
            self.assertEqual(s.load_calendar("london", zoneinfo_dir="/nonexistent"), london)
            tz = csvc.TimeZone.load("Europe/London", ZONEINFO)
            self.assertEqual(s.load_calendar("london", zoneinfo_dir="/nonexistent", tz=tz), london)
            self.assertEqual(s.calendar_for_store("LN01", zoneinfo_dir="/nonexistent", tz=tz), london)
        with open_store(path, zoneinfo_dir=os.path.join(self.dir, "empty")) as s:
            self.assertEqual(s.load_calendar("london"), london)
        store_sql(path, "DELETE FROM zone_data")
        with open_store(path, zoneinfo_dir=os.path.join(self.dir, "empty")) as s:
            with self.assertRaisesRegex(csvc.NotFound, "'Europe/London'.*csvc_calendar_add_zone"):
                s.load_calendar("london")
        with self.assertRaises(ValueError):
            open_store(path, zoneinfo_dir="bad\0dir")
        with self.assertRaises(TypeError):
            open_store(path, zoneinfo_dir=42)


class StoreZoneTest(StoreTestCase):
    """Zones kept in the store (hosts without tzdata) and the time zones of
    store codes without a calendar."""

    def tzif(self, name):
        with open(os.path.join(ZONEINFO, name), "rb") as f:
            return f.read()

    def test_zone_from_host(self):
        empty = os.path.join(self.dir, "empty")
        os.mkdir(empty)
        clock = ManualClock(utc(2026, 11, 23, 9, 50))  # Monday 17:50 in Shanghai
        with open_store(os.path.join(self.dir, "till.db"), clock=clock, zoneinfo_dir=empty) as s:
            s.install_defaults()
            with self.assertRaisesRegex(csvc.NotFound, "'Asia/Shanghai'"):
                s.set_store_zone("SH01", "Asia/Shanghai")
            with self.assertRaises(csvc.Corrupt):
                s.add_zone("Asia/Shanghai", b"TZif")
            with self.assertRaises(csvc.InvalidArgument):
                s.add_zone("UTC", self.tzif("Asia/Shanghai"))
            with self.assertRaises(TypeError):
                s.add_zone("Asia/Shanghai", "not bytes")
            s.add_zone("Asia/Shanghai", bytearray(self.tzif("Asia/Shanghai")))
            tz = csvc.TimeZone.from_tzif("Asia/Shanghai", self.tzif("Asia/Shanghai"))
            cal = csvc.Calendar.parse(SHANGHAI, tz=tz)
            s.save_calendar("sh", cal)
            s.attach_calendar("SH01", "sh")
            self.assertEqual(s.calendar_for_store("SH01"), cal)
            t = s.create_ticket(csvc.Ticket("inquiry", "SH01", subject="几点开门？"), actor="till")
            first = [x for x in s.sla_targets(t) if x.name == "first_response"][0]
            # 10 minutes on Monday, 10 more from Tuesday 09:00 Shanghai time.
            self.assertEqual(first.due_at, utc(2026, 11, 24, 1, 10))

    def test_store_and_default_zones(self):
        s = self.store
        with self.assertRaises(csvc.NotFound):
            s.store_zone("SH01")
        with self.assertRaises(csvc.NotFound):
            s.default_zone()
        tz, source = s.tz_for_store("SH01")
        self.assertEqual((tz.name, source), ("UTC", csvc.ZoneSource.NONE))
        s.set_store_zone("SH01", "+08:00")
        self.assertEqual(s.store_zone("SH01"), "+08:00")
        tz, source = s.tz_for_store("SH01")
        self.assertEqual((tz.name, source), ("+08:00", csvc.ZoneSource.STORE))
        s.set_default_zone("-05:00")
        self.assertEqual(s.default_zone(), "-05:00")
        self.assertEqual(s.tz_for_store("XX01")[1], csvc.ZoneSource.DEFAULT)
        self.assertEqual(s.tz_for_store()[0].name, "-05:00")
        with self.assertRaises(csvc.InvalidArgument):
            s.set_store_zone("SH 01", "UTC")
        with self.assertRaises(csvc.InvalidArgument):
            s.set_default_zone("../etc/passwd")

        # A ticket counts on its day in the store code's zone.
        s.create_ticket(csvc.Ticket("inquiry", "SH01", subject="早"), actor="t")  # 2026-01-01 08:00Z

        def by_day(store_code):
            r = s.report_kpis(utc(2025, 12, 30), utc(2026, 1, 4), store_code=store_code, group_by="period",
                              period="day")
            return {x.key: x.tickets for x in r if x.tickets}

        self.assertEqual(by_day("SH01"), {"2026-01-01": 1})      # 16:00 at +08:00
        s.set_store_zone("SH01", "+16:30")
        self.assertEqual(by_day("SH01"), {"2026-01-02": 1})      # 00:30 on the 2nd
        s.set_store_zone("SH01", "-09:00")
        self.assertEqual(by_day("SH01"), {"2025-12-31": 1})      # 23:00 on the 31st
        s.clear_store_zone("SH01")
        self.assertEqual(by_day("SH01"), {"2026-01-01": 1})      # the default -05:00: 03:00 on the 1st
        s.set_default_zone("+16:30")
        self.assertEqual(by_day(None), {"2026-01-02": 1})        # every store code: the default
        s.clear_default_zone()
        with self.assertRaises(csvc.NotFound):
            s.clear_store_zone("SH01")
        with self.assertRaises(csvc.NotFound):
            s.clear_default_zone()
        self.assertEqual(s.tz_for_store("SH01")[1], csvc.ZoneSource.NONE)


class CalendarLifetimeTest(StoreTestCase):
    def test_calendars_outlive_the_store(self):
        cal = csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO)
        self.store.save_calendar("sh", cal)
        store = open_store(self.path, zoneinfo_dir=ZONEINFO)
        loaded = store.load_calendar("sh")
        for_store = (store.attach_calendar("SH01", "sh"), store.calendar_for_store("SH01"))[1]
        zone = loaded.tz
        store.close()
        del store
        gc.collect()
        self.assertEqual(loaded, cal)
        self.assertEqual(for_store.add(utc(2025, 1, 6, 3), 2 * H), utc(2025, 1, 6, 6))
        # The zone of a calendar keeps the calendar alive.
        del loaded
        gc.collect()
        self.assertEqual(zone.offset_at(utc(2025, 1, 6)).offset, 8 * H)

    def test_gc_order(self):
        # Cycles through the store (store -> hook -> closure -> calendar, zone)
        # collected in whatever order the collector picks.
        self.store.save_calendar("sh", csvc.Calendar.parse(SHANGHAI, zoneinfo_dir=ZONEINFO))
        kept = []
        for round_ in range(20):
            store = open_store(self.path, zoneinfo_dir=ZONEINFO)
            cal = store.load_calendar("sh")
            holder = {"store": store, "cal": cal, "tz": cal.tz, "it": store.tickets()}
            store.change_hook = lambda ev, h=holder: h
            store.extra = holder
            kept.append(cal.tz)
            if round_ % 2:
                store.close()
            del store, cal, holder
            gc.collect()
        for tz in kept:
            self.assertEqual(tz.name, "Asia/Shanghai")
            self.assertEqual(tz.to_local(utc(2025, 1, 1)), datetime.datetime(2025, 1, 1, 8))

    def test_docstrings(self):
        for cls in (csvc.TimeZone, csvc.Calendar, csvc.ZoneOffset, csvc.CalendarInfo, csvc.Disambiguation):
            self.assertTrue(cls.__doc__, cls.__name__)
            for attr in dir(cls):
                if attr.startswith("_") or cls in (csvc.ZoneOffset, csvc.CalendarInfo, csvc.Disambiguation):
                    continue
                self.assertTrue(getattr(cls, attr).__doc__, f"{cls.__name__}.{attr}")
        for name in ("save_calendar", "load_calendar", "calendar_info", "delete_calendar", "calendars",
                     "attach_calendar", "detach_calendar", "calendar_name_for_store", "calendar_for_store",
                     "add_zone", "set_store_zone", "clear_store_zone", "store_zone", "set_default_zone",
                     "clear_default_zone", "default_zone", "tz_for_store"):
            self.assertTrue(getattr(csvc.Store, name).__doc__, name)
        self.assertTrue(csvc.Store.zoneinfo_dir.__doc__)
