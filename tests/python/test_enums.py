"""The IntEnum classes of csvc/_enums.py agree with the library's enums:
every value of every enum the library names (csvc_enum_name) is a member
of the class with the same value, every member has a library name, and the
member's name is the library's machine name in upper case (with the few
spellings Python identifiers cannot take listed below). The Python module
parses names with the library (csvc_enum_parse) too."""

import datetime
import unittest

import csvc
from csvc import _csvc

# Library enums with no Python class.
NO_CLASS = {"OpenFlag"}

# Members whose name is not the library's name in upper case: Python
# identifiers cannot start with a digit, and durations keep their unit in
# JSON only.
SPELLING = {
    ("Tier", "1"): "TIER_1",
    ("Tier", "2"): "TIER_2",
    ("Tier", "3"): "TIER_3",
    ("SlaCalendar", "24x7"): "TWENTY_FOUR_SEVEN",
}
for _name in ("response", "resolution"):
    for _stat in ("mean", "median", "p90"):
        SPELLING[("Metric", "%s_%s_us" % (_name, _stat))] = ("%s_%s" % (_name, _stat)).upper()
for _stat in ("total", "mean", "median", "p90"):
    SPELLING[("Metric", "state_time_%s_us" % _stat)] = ("state_time_%s" % _stat).upper()

SCAN = range(-100, 301)


def library_values(which):
    """{value: name} of every value the library names in enum `which`."""
    out = {}
    for v in SCAN:
        name = _csvc._enum_name(which, v)
        if name is not None:
            out[v] = name
    return out


class EnumsMatchLibrary(unittest.TestCase):
    def test_every_library_enum_is_listed(self):
        ids = _csvc._ENUM_IDS
        # csvc_enum_t counts from 1 with no holes: the next one has no names.
        self.assertEqual(sorted(ids.values()), list(range(1, len(ids) + 1)))
        self.assertEqual(library_values(len(ids) + 1), {})
        self.assertEqual(library_values(0), {})
        for type_name, which in ids.items():
            with self.subTest(enum=type_name):
                self.assertTrue(library_values(which), "the library names no value of %s" % type_name)
                if type_name not in NO_CLASS:
                    self.assertTrue(hasattr(csvc, type_name), "csvc has no class %s" % type_name)

    def test_members_and_names_agree(self):
        for type_name, which in _csvc._ENUM_IDS.items():
            if type_name in NO_CLASS:
                continue
            cls = getattr(csvc, type_name)
            lib = library_values(which)
            with self.subTest(enum=type_name):
                # Same set of values.
                self.assertEqual(sorted(lib), sorted(int(m) for m in cls))
                for value, name in lib.items():
                    member = cls(value)
                    self.assertEqual(member.name, SPELLING.get((type_name, name), name.upper()),
                                     "%s value %d" % (type_name, value))
                    # The name parses back to the value.
                    self.assertEqual(_csvc._enum_parse(which, name), value)

    def test_every_name_round_trips(self):
        for type_name, which in _csvc._ENUM_IDS.items():
            for value, name in library_values(which).items():
                self.assertEqual(_csvc._enum_parse(which, name), value, (type_name, name))

    def test_unknown_values_and_names(self):
        which = _csvc._ENUM_IDS["Urgency"]
        self.assertIsNone(_csvc._enum_name(which, 0))
        self.assertIsNone(_csvc._enum_name(which, 4))
        self.assertIsNone(_csvc._enum_name(0, 1))
        for bad in ("", "MAJOR", "Major", "2", "high"):
            with self.assertRaises(csvc.InvalidArgument):
                _csvc._enum_parse(which, bad)
        with self.assertRaises(csvc.InvalidArgument):
            _csvc._enum_parse(0, "major")

    def test_metric_name_is_the_library_name(self):
        which = _csvc._ENUM_IDS["Metric"]
        for m in csvc.Metric:
            self.assertEqual(csvc.metric_name(m), _csvc._enum_name(which, int(m)))

    def test_names_accepted_where_the_bindings_take_them(self):
        # Parsed by the library: the library's spellings, and nothing else.
        tz = csvc.TimeZone.utc()
        t = datetime.datetime(2026, 1, 1, 12, 0)
        for name in ("compatible", "earlier", "later", "reject"):
            tz.from_local(t, name)
        with self.assertRaisesRegex(ValueError, "'compatible', 'earlier', 'later' or 'reject'"):
            tz.from_local(t, "Earlier")


if __name__ == "__main__":
    unittest.main()
