"""Consent per purpose: Store.record_consent, consent, consent_history and the
survey invitation they refuse (docs/privacy.md, docs/python.md). Runs on both
engines."""

import datetime
import unittest

import csvc
from csvc import ConsentPurpose, ConsentState
from csvc_testutil import StoreTestCase


class ConsentTest(StoreTestCase):
    def test_record_read_and_history(self):
        c = self.customer()
        self.assertIsNone(self.store.consent(c, ConsentPurpose.SURVEY))
        self.store.record_consent(c, "survey", True, channel="counter", text_version="2026-03", actor="desk")
        self.store.record_consent(c.id, ConsentPurpose.MARKETING, False)
        self.store.record_consent(str(c.id), ConsentPurpose.SURVEY, False, channel="app")
        self.assertIs(self.store.consent(c, "survey"), ConsentState.WITHDRAWN)
        self.assertIs(self.store.consent(c, ConsentPurpose.MARKETING), ConsentState.WITHDRAWN)
        self.assertIsNone(self.store.consent(c, ConsentPurpose.PROFILING))
        h = self.store.consent_history(c)
        self.assertEqual([(x.purpose, x.state) for x in h],
                         [(ConsentPurpose.SURVEY, ConsentState.GIVEN),
                          (ConsentPurpose.MARKETING, ConsentState.WITHDRAWN),
                          (ConsentPurpose.SURVEY, ConsentState.WITHDRAWN)])
        self.assertIsInstance(h[0], csvc.Consent)
        self.assertEqual((h[0].channel, h[0].text_version, h[0].actor), ("counter", "2026-03", "desk"))
        self.assertIsNone(h[1].channel)
        self.assertIsInstance(h[0].at, datetime.datetime)
        self.assertLessEqual(h[0].at, h[2].at)

    def test_refusals(self):
        c = self.customer()
        with self.assertRaises(ValueError):
            self.store.record_consent(c, "newsletter", True)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.record_consent(c, 9, True)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.record_consent(c, "survey", True, channel="")
        with self.assertRaises(csvc.OutOfRange):
            self.store.record_consent(c, "survey", True, text_version="v" * 65)
        with self.assertRaises(csvc.NotFound):
            self.store.record_consent("00000000-0000-4000-8000-000000000000", "survey", True)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.consent(c, 0)
        self.assertEqual(self.store.consent_history(c), [])

    def test_survey_invitation_needs_consent(self):
        c = self.customer()
        t = self.ticket(customer=c.id)
        self.store.invite("post_resolution", ticket=t, method=csvc.SurveyMethod.PHONE_CALLBACK)
        self.store.record_consent(c, "survey", False, channel="phone")
        with self.assertRaisesRegex(csvc.InvalidTransition, "withdrew consent to surveys"):
            self.store.invite("post_resolution", ticket=t, method=csvc.SurveyMethod.PHONE_CALLBACK)
        self.store.record_consent(c, "survey", True, channel="counter")
        self.store.invite("post_resolution", ticket=t, method=csvc.SurveyMethod.PHONE_CALLBACK)

    def test_enums_are_the_librarys(self):
        self.assertEqual(csvc.ConsentPurpose.THIRD_PARTY, 5)
        self.assertEqual(csvc.ConsentState.WITHDRAWN, 2)


if __name__ == "__main__":
    unittest.main()
