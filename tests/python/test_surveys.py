"""Surveys: definitions and versions, the handbook templates, invitations
(single use, expiry on a Python clock, unknown tokens), answers of every
kind, validation errors that write nothing, anonymous responses, and the
scores computed from them (NPS, CSAT with its Wilson interval, CSI,
SERVQUAL gaps, periods in the store's zone), with the hand-computed values
of tests/unit/test-survey.c."""

import datetime
import gc
import os
import shutil
import tempfile
import unittest
import uuid

import csvc
from csvc_testutil import ManualClock, open_store

UTC = datetime.timezone.utc
H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
US = datetime.timedelta(microseconds=1)
T0 = datetime.datetime(2026, 1, 1, tzinfo=UTC)  # a Thursday
EPS = 1e-9

# +08:00, every day 09:00-21:00.
SH_CALENDAR = ('{"zone": "+08:00", "versions": [{"week": {"mon": ["09:00-21:00"], "tue": ["09:00-21:00"], '
               '"wed": ["09:00-21:00"], "thu": ["09:00-21:00"], "fri": ["09:00-21:00"], '
               '"sat": ["09:00-21:00"], "sun": ["09:00-21:00"]}}]}')


def exit_poll():
    s = csvc.Survey("exit_poll", title="离店调查")
    s.add_dimension("staff", label_zh="员工服务")
    s.add_question("friendly", csvc.QuestionType.LIKERT, "staff", True, "热情")
    s.add_question("effort", "ces").set_scale(5)
    s.add_question("visit_reason", csvc.QuestionType.CHOICE).add_option("shopping").add_option("return")
    s.add_question("nps", "nps")
    return s


class SurveyTestCase(unittest.TestCase):
    """A store with the defaults and a manual clock at T0."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-survey-")
        self.path = os.path.join(self.dir, "survey.db")
        self.clock = ManualClock(T0)
        self.store = open_store(self.path, clock=self.clock)
        self.store.install_defaults()

    def tearDown(self):
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def ticket(self, kind="complaint", store_code="SH01", assignee="li.lei"):
        t = csvc.Ticket(kind, store_code, subject="survey", channel="store_counter", category="服务态度",
                        assignee=assignee)
        return self.store.create_ticket(t, actor="clerk")

    def responses(self, **filters):
        """How many responses the store holds (a scores report over all time)."""
        r = self.store.report_scores(T0 - 400 * DAY, T0 + 400 * DAY, **filters)
        return int(r[0].responses)

    def anon(self, survey, answers, store_code="SH01", method=csvc.SurveyMethod.RECEIPT_QR):
        return self.store.respond_anonymous(survey, answers, store_code=store_code, method=method)


class DefinitionTest(SurveyTestCase):
    def test_builder(self):
        s = exit_poll()
        self.assertEqual((s.name, s.version, s.title, s.anonymous), ("exit_poll", 0, "离店调查", False))
        self.assertEqual(s.dimensions, (csvc.SurveyDimension("staff", 1.0, "员工服务", None),))
        q = s.questions
        self.assertEqual(q[0], csvc.SurveyQuestion("friendly", csvc.QuestionType.LIKERT, "staff", True, 5,
                                                   "热情", None, ()))
        self.assertIs(q[1].type, csvc.QuestionType.CES)
        self.assertEqual((q[1].scale_max, q[1].required, q[1].dimension), (5, False, None))
        self.assertEqual((q[2].scale_max, q[2].options), (None, ("shopping", "return")))
        self.assertEqual(q[3].scale_max, 10)
        s.validate()
        self.assertIn("exit_poll", repr(s))
        ref = s.add_question("comment", "text", label_en="Anything else?")
        self.assertIsInstance(ref, csvc.SurveyQuestionRef)
        self.assertEqual((int(ref), ref.index, ref.name, ref.survey), (4, 4, "comment", s))
        self.assertEqual([0, 1, 2, 3, 4][ref], 4)  # operator.index
        self.assertIn("comment", repr(ref))
        self.assertEqual(s.questions[4].label_en, "Anything else?")
        s.title = None
        s.anonymous = True
        self.assertEqual((s.title, s.anonymous), (None, True))
        s.set_scale(0, 7)
        s.add_option(2, "browse")
        self.assertEqual((s.questions[0].scale_max, s.questions[2].options[-1]), (7, "browse"))
        s2 = csvc.Survey("sq", anonymous=True)
        s2.add_servqual(with_security=True)
        self.assertEqual([d.name for d in s2.dimensions],
                         ["tangibles", "reliability", "responsiveness", "assurance", "empathy", "security"])
        self.assertTrue(all(q.type is csvc.QuestionType.SERVQUAL and q.required and q.scale_max == 7
                            and q.dimension == q.name for q in s2.questions))
        self.assertEqual(s2.dimensions[5].label_zh, "保障性")
        with self.assertRaises(csvc.AlreadyExists):
            s2.add_servqual()
        s3 = csvc.Survey("w")
        s3.add_dimension("product_quality", 3, "商品质量", "Product quality")
        self.assertEqual(s3.dimensions[0].weight, 3.0)

    def test_builder_errors(self):
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Survey("Bad Name")
        with self.assertRaises(csvc.OutOfRange):
            csvc.Survey("")
        with self.assertRaises(csvc.OutOfRange):
            csvc.Survey("x" * 65)
        with self.assertRaises(csvc.OutOfRange):
            csvc.Survey("long_title", title="调" * 86)  # 258 bytes of UTF-8
        with self.assertRaises(TypeError):
            csvc.Survey()
        s = csvc.Survey("exit_poll")
        with self.assertRaises(csvc.InvalidArgument):
            s.validate()  # no questions
        s.add_dimension("staff")
        with self.assertRaises(csvc.AlreadyExists):
            s.add_dimension("staff", 1)
        for bad in (-1, 1e9, float("nan"), float("inf")):
            with self.assertRaises(csvc.InvalidArgument):
                s.add_dimension("bad", bad)
        s.add_question("friendly", "likert", "staff")
        with self.assertRaises(csvc.AlreadyExists):
            s.add_question("friendly", "likert")
        with self.assertRaises(csvc.InvalidArgument):
            s.add_question("q2", 0)
        with self.assertRaises(csvc.InvalidArgument):
            s.add_question("q2", 8)
        with self.assertRaises(ValueError):
            s.add_question("q2", "stars")
        with self.assertRaises(csvc.InvalidArgument):
            s.add_question("q2", "likert", "nodim")
        with self.assertRaises(csvc.InvalidArgument):
            s.add_question("q2", "servqual")  # needs a dimension
        effort = s.add_question("effort", "ces")
        for bad in (2, 12):
            with self.assertRaises(csvc.OutOfRange):
                effort.set_scale(bad)
        with self.assertRaises(csvc.OutOfRange):
            s.set_scale(40, 5)
        with self.assertRaises(csvc.OutOfRange):
            s.set_scale(-1, 5)
        reason = s.add_question("visit_reason", "choice")
        with self.assertRaises(csvc.InvalidArgument) as cm:
            s.validate()  # a choice needs two options
        self.assertIn("visit_reason", cm.exception.message)
        reason.add_option("shopping")
        with self.assertRaises(csvc.AlreadyExists):
            reason.add_option("shopping")
        with self.assertRaises(csvc.InvalidArgument):
            reason.add_option("Bad")
        with self.assertRaises(csvc.InvalidArgument):
            s.add_option(0, "x")  # not a choice question
        reason.add_option("return")
        with self.assertRaises(csvc.InvalidArgument):
            reason.set_scale(5)  # fixed scale
        s.validate()
        # Failed setters change nothing.
        self.assertEqual([q.name for q in s.questions], ["friendly", "effort", "visit_reason"])
        self.assertEqual(s.questions[2].options, ("shopping", "return"))
        # Not initialised.
        raw = csvc.Survey.__new__(csvc.Survey)
        with self.assertRaises(csvc.InvalidArgument):
            raw.add_question("q", "nps")
        with self.assertRaises(csvc.InvalidArgument):
            self.store.save_survey(raw)

    def test_save_and_load(self):
        st = self.store
        s = exit_poll()
        self.assertEqual(st.save_survey(s), 1)
        self.assertEqual(s.version, 1)
        self.assertEqual(st.save_survey(s), 1)  # unchanged
        ld = st.load_survey("exit_poll")
        self.assertEqual((ld.version, ld.title, ld.anonymous), (1, "离店调查", False))
        self.assertEqual(ld.questions, s.questions)
        self.assertEqual(ld.dimensions, s.dimensions)
        s.anonymous = True  # a change makes version 2; version 1 stays as it was
        self.assertEqual(s.version, 0)
        self.assertEqual(st.save_survey(survey=s), 2)
        self.assertFalse(st.load_survey("exit_poll", 1).anonymous)
        v2 = st.load_survey("exit_poll", version=0)
        self.assertEqual((v2.version, v2.anonymous), (2, True))
        with self.assertRaises(csvc.NotFound):
            st.load_survey("exit_poll", 3)
        with self.assertRaises(csvc.NotFound):
            st.load_survey("nothing")
        with self.assertRaises(csvc.InvalidArgument):
            st.load_survey("exit_poll", -1)
        with self.assertRaises(csvc.InvalidArgument):
            st.load_survey("Bad")
        with self.assertRaises(csvc.InvalidArgument):
            st.save_survey(csvc.Survey("empty"))  # saving validates
        with self.assertRaises(TypeError):
            st.save_survey("exit_poll")
        # Detached: the survey outlives the store.
        st.close()
        gc.collect()
        self.assertEqual(ld.questions[0].label_zh, "热情")

    def test_templates(self):
        st = self.store  # install_defaults installed them
        post = st.load_survey("post_resolution")
        self.assertEqual(post.version, 1)
        self.assertEqual([(q.name, q.type, q.required, q.scale_max) for q in post.questions[:3]],
                         [(n, csvc.QuestionType.LIKERT, True, 5)
                          for n in ("response_speed", "resolution_efficiency", "solution_satisfaction")])
        self.assertIs(post.questions[3].type, csvc.QuestionType.TEXT)
        mall = st.load_survey("mall")
        self.assertEqual([d.label_zh for d in mall.dimensions], ["商品质量", "购物环境", "员工服务", "售后保障"])
        self.assertTrue(st.load_survey("nps").anonymous)
        self.assertEqual(len(st.load_survey("servqual").dimensions), 5)
        hb = st.load_survey("servqual_handbook")
        self.assertEqual((hb.dimensions[5].name, hb.dimensions[5].label_zh), ("security", "保障性"))
        st.install_survey_defaults()  # again: nothing changes
        st.install_defaults()
        self.assertEqual(st.load_survey("mall").version, 1)
        with open_store(":memory:") as bare:
            with self.assertRaises(csvc.NotFound):
                bare.load_survey("nps")
            bare.install_survey_defaults()
            self.assertEqual(bare.load_survey("nps").questions[0].name, "recommend")


class InvitationTest(SurveyTestCase):
    def post(self, a, b, c, **more):
        return {"response_speed": a, "resolution_efficiency": b, "solution_satisfaction": c, **more}

    def test_invite_and_respond(self):
        st = self.store
        t = self.ticket()
        token = st.invite("post_resolution", ticket=t, method=csvc.SurveyMethod.PHONE_CALLBACK)
        self.assertIsInstance(token, str)
        self.assertEqual(len(token), csvc._csvc.SURVEY_TOKEN_LEN)
        self.assertEqual(token.strip("0123456789abcdef"), "")
        # Bad answers: each a clean error that writes nothing.
        with self.assertRaises(csvc.InvalidArgument) as cm:
            st.respond(token, {"response_speed": 5, "resolution_efficiency": 4})
        self.assertIn("solution_satisfaction", cm.exception.message)  # required, unanswered
        for bad in (6, 0):
            with self.assertRaises(csvc.OutOfRange):
                st.respond(token, self.post(5, 4, bad))
        with self.assertRaises(csvc.InvalidArgument):
            st.respond(token, self.post(5, 4, 3, nonsense=3))  # unknown question
        with self.assertRaises(csvc.InvalidArgument):
            st.respond(token, self.post(5, 4, 3, comment=(1, 2)))  # a pair for a text question
        with self.assertRaises(csvc.InvalidArgument):
            st.respond(token, self.post(5, 4, 3, comment=csvc.Choice("good")))  # a choice for a text question
        with self.assertRaises(csvc.InvalidArgument):
            st.respond(token, self.post(True, 4, 3))  # yes/no for a Likert question
        with self.assertRaises(csvc.OutOfRange):
            st.respond(token, self.post(5, 4, 3, comment="好" * 1366))  # 4,098 bytes
        with self.assertRaises(csvc.InvalidArgument):
            st.respond(token, {"Bad Q": 1})
        with self.assertRaises(TypeError):
            st.respond(token, self.post(5, 4, 3.5))
        with self.assertRaises(TypeError):
            st.respond(token, self.post(5, 4, 3, comment=[1, 2]))
        with self.assertRaises(TypeError):
            st.respond(token, [("response_speed", 5)])
        with self.assertRaises(TypeError):
            st.respond(token, {1: 5})
        with self.assertRaises(ValueError):
            st.respond(token, self.post(5, 4, 3, comment="a\0b"))
        self.assertEqual(self.responses(), 0)
        # Unknown and malformed tokens.
        with self.assertRaises(csvc.NotFound):
            st.respond("0" * 32, self.post(5, 4, 3))
        with self.assertRaises(csvc.NotFound):
            st.respond("short", self.post(5, 4, 3))
        self.clock.now = T0 + H
        rid = st.respond(token, self.post(5, 4, 3, comment="处理很及时，谢谢"))
        self.assertIsInstance(rid, uuid.UUID)
        # Once only.
        with self.assertRaises(csvc.AlreadyExists):
            st.respond(token, self.post(5, 4, 3))
        self.assertEqual(self.responses(), 1)
        # The ticket filled in the store code, staff, channel, kind and category.
        self.assertEqual(self.responses(store_code="SH01", staff="li.lei", channel="store_counter",
                                        kind="complaint", category="服务态度", method="phone_callback"), 1)
        # None leaves an optional question unanswered.
        t2 = st.invite("post_resolution", ticket=t.id, method="till")
        st.respond(token=t2, answers=self.post(5, 5, 5, comment=None))
        self.assertEqual(self.responses(), 2)

    def test_expiry_on_the_store_clock(self):
        st = self.store
        t = self.ticket()
        answers = self.post(5, 4, 3)
        t1 = st.invite("post_resolution", ticket=t, method="receipt_qr", expires=H)
        t2 = st.invite("post_resolution", ticket=t, method="receipt_qr", expires=3600 * 10**6)
        t3 = st.invite("post_resolution", ticket=t, method="receipt_qr", expires=T0 + H)  # an instant
        t4 = st.invite("post_resolution", ticket=t, method="receipt_qr")  # 7 days
        self.assertEqual(len({t1, t2, t3, t4}), 4)
        self.clock.now = T0 + H  # expired at the expiry instant
        for tk in (t1, t3):
            with self.assertRaises(csvc.InvalidTransition):
                st.respond(tk, answers)
        self.clock.now = T0 + H - US  # on time just before it
        st.respond(t2, answers)
        st.respond(t3, answers)
        self.clock.now = T0 + 7 * DAY - US
        st.respond(t4, answers)
        self.clock.now = T0 + 7 * DAY
        with self.assertRaises(csvc.InvalidTransition):
            st.respond(t1, answers)
        self.assertEqual(self.responses(), 3)
        # A validity that is not positive, an expiry not after the clock.
        for bad in (datetime.timedelta(0), -H, 0, T0 + 7 * DAY, T0):
            with self.assertRaises(csvc.InvalidArgument):
                st.invite("post_resolution", ticket=t, method="till", expires=bad)
        with self.assertRaises(TypeError):
            st.invite("post_resolution", ticket=t, method="till", expires=datetime.datetime(2027, 1, 1))
        with self.assertRaises(TypeError):
            st.invite("post_resolution", ticket=t, method="till", expires="1h")

    def test_invitation_errors(self):
        st = self.store
        c = st.create_customer(csvc.Customer(name="王芳"))
        ok = st.invite("post_resolution", customer=c, store_code="SH01", method=csvc.SurveyMethod.TILL,
                       staff="li.lei", channel="kiosk")
        self.assertEqual(len(ok), 32)
        cases = [
            (csvc.InvalidArgument, dict(store_code="SH01", method="till")),  # no ticket, no customer
            (csvc.InvalidArgument, dict(customer=c, method="till")),  # no store code
            (csvc.InvalidArgument, dict(customer=c, store_code="SH 01", method="till")),
            (csvc.InvalidArgument, dict(customer=c, store_code="SH01")),  # no method
            (csvc.InvalidArgument, dict(customer=c, store_code="SH01", method=9)),
            (ValueError, dict(customer=c, store_code="SH01", method="carrier_pigeon")),
            (csvc.NotFound, dict(customer=c, store_code="SH01", method="till", channel="carrier_pigeon")),
            (csvc.NotFound, dict(customer=uuid.UUID(int=1), store_code="SH01", method="till")),
            (csvc.NotFound, dict(ticket=uuid.UUID(int=1), method="till")),
            (csvc.OutOfRange, dict(customer=c, store_code="SH01", method="till", staff="x" * 129)),
            (TypeError, dict(customer=42, store_code="SH01", method="till")),
        ]
        for exc, kwargs in cases:
            with self.subTest(kwargs=kwargs):
                with self.assertRaises(exc):
                    st.invite("post_resolution", **kwargs)
        with self.assertRaises(csvc.NotFound):
            st.invite("no_such_survey", customer=c, store_code="SH01", method="till")
        with self.assertRaises(csvc.InvalidArgument):
            st.invite("post_resolution", ticket=csvc.Ticket("complaint", "SH01"), method="till")  # a draft
        # The customer's invitation follows a merge.
        dup = st.create_customer(csvc.Customer(name="王芳 (dup)"))
        tk = st.invite("post_resolution", customer=dup, store_code="SH02", method="questionnaire")
        st.merge_customers(c, dup)
        st.respond(tk, self.post(4, 4, 4))
        st.respond(ok, self.post(4, 4, 4))
        self.assertEqual(self.responses(staff="li.lei", channel="kiosk"), 1)

    def test_nothing_written_on_error(self):
        st = self.store
        t = self.ticket()
        token = st.invite("post_resolution", ticket=t, method="till")
        # Inside a transaction the failed response leaves the transaction going.
        with st.transaction():
            st.create_customer(csvc.Customer(name="李娜"))
            with self.assertRaises(csvc.OutOfRange):
                st.respond(token, self.post(5, 4, 9))
        self.assertEqual(st.count_customers(), 1)
        # A response rolled back with its transaction leaves the invitation open.
        with self.assertRaises(KeyError):
            with st.transaction():
                st.respond(token, self.post(5, 4, 3))
                raise KeyError("undo")
        self.assertEqual(self.responses(), 0)
        # A Python clock that raises: the call fails with its exception and writes nothing.
        failing = {"on": False}

        def clock():
            if failing["on"]:
                raise RuntimeError("clock down")
            return self.clock.now

        with open_store(self.path, clock=clock) as other:
            failing["on"] = True
            with self.assertRaises(RuntimeError):
                other.respond(token, self.post(5, 4, 3))
            with self.assertRaises(RuntimeError):
                other.invite("post_resolution", ticket=t, method="till", expires=T0 + DAY)
            failing["on"] = False
            other.respond(token, self.post(5, 4, 3))
        self.assertEqual(self.responses(), 1)

    def test_writes_refused_in_sla_callback(self):
        st = self.store
        st.create_ticket(csvc.Ticket("inquiry", "SH01", subject="营业时间"))
        t = self.ticket()
        seen = []

        def callback(alarm):
            with self.assertRaises(csvc.InvalidTransition):
                st.invite("post_resolution", ticket=t, method="till")
            seen.append(st.report_scores(T0, T0 + DAY).type)  # reading is allowed
            return True

        self.clock.now = T0 + 30 * DAY
        self.assertEqual(st.sla_advance(self.clock.now, callback=callback), 1)
        self.assertEqual(seen, ["scores"])

    def test_anonymous_and_answer_kinds(self):
        st = self.store
        with self.assertRaises(csvc.OutOfRange):
            st.respond_anonymous("nps", {"recommend": 11}, store_code="SH01", method="till", channel="kiosk")
        rid = st.respond_anonymous("nps", {"recommend": 10}, store_code="SH01", method="till", channel="kiosk")
        self.assertIsInstance(rid, uuid.UUID)
        with self.assertRaises(csvc.InvalidTransition):  # not open to anonymous responses
            self.anon("post_resolution", self.post(5, 5, 5))
        with self.assertRaises(csvc.InvalidArgument):
            st.respond_anonymous("nps", {"recommend": 10}, method="till")  # no store code
        with self.assertRaises(csvc.InvalidArgument):
            st.respond_anonymous("nps", {"recommend": 10}, store_code="SH01")  # no method
        with self.assertRaises(csvc.NotFound):
            self.anon("nope", {"recommend": 10})
        with self.assertRaises(csvc.NotFound):
            st.respond_anonymous("nps", {"recommend": 10}, store_code="SH01", method="till", channel="fax")
        self.assertEqual(self.responses(channel="kiosk", method=csvc.SurveyMethod.TILL), 1)

        # Choice, yes/no, text and SERVQUAL pairs.
        s = csvc.Survey("kiosk_poll", anonymous=True)
        s.add_question("reason", "choice", required=True).add_option("price").add_option("quality")
        s.add_question("again", "yes_no", required=True)
        s.add_dimension("reliability")
        s.add_question("reliability", "servqual", "reliability")
        s.add_question("note", "text")
        st.save_survey(s)
        with self.assertRaises(csvc.InvalidArgument):
            self.anon("kiosk_poll", {"reason": csvc.Choice("service"), "again": True})  # no such option
        with self.assertRaises(csvc.InvalidArgument):
            self.anon("kiosk_poll", {"reason": csvc.Choice("Not An Option"), "again": True})
        with self.assertRaises(csvc.InvalidArgument):
            self.anon("kiosk_poll", {"reason": "quality", "again": True})  # text for a choice question
        with self.assertRaises(csvc.InvalidArgument):
            self.anon("kiosk_poll", {"reason": csvc.Choice("quality"), "again": 1})  # a score for yes/no
        with self.assertRaises(csvc.OutOfRange):
            self.anon("kiosk_poll", {"reason": csvc.Choice("quality"), "again": False, "reliability": (8, 1)})
        with self.assertRaises(csvc.InvalidArgument):
            self.anon("kiosk_poll", {"reason": csvc.Choice("quality"), "again": False, "reliability": 5})
        with self.assertRaises(TypeError):
            self.anon("kiosk_poll", {"reason": csvc.Choice("quality"), "again": False, "reliability": (5,)})
        self.anon("kiosk_poll", {"reason": csvc.Choice("quality"), "again": False, "reliability": (6, 4),
                                 "note": "还会再来"})
        r = st.report_scores(T0, T0 + DAY, survey="kiosk_poll")
        self.assertEqual((r[0].responses, r[0].servqual_n, r[0].servqual_gap), (1, 1, -2))
        c = csvc.Choice("quality")
        self.assertEqual(c, "quality")
        self.assertIsInstance(c, str)
        self.assertEqual(repr(c), "csvc.Choice('quality')")


class ScoreTest(SurveyTestCase):
    def nps(self, store_code, v):
        self.anon("nps", {"recommend": v}, store_code)

    def test_nps(self):
        st = self.store
        q = dict(survey="nps")
        # No responses: counts 0, scores undefined, flagged.
        r = st.report_scores(T0, T0 + DAY, **q)
        self.assertEqual(len(r), 1)
        row = r[0]
        self.assertEqual((row.key, row.responses, row.nps_n), ("all", 0, 0))
        self.assertIsNone(row.nps)
        self.assertIsNone(row.nps_se)
        self.assertIsNone(row.csat)
        self.assertTrue(row.low_sample)
        self.assertIn('"nps":null', r.to_json())
        # One promoter; then all promoters.
        self.clock.now = T0 + H
        self.nps("SH01", 9)
        row = st.report_scores(T0, T0 + DAY, **q)[0]
        self.assertEqual((row.nps, row.nps_se, row.nps_n), (100, 0, 1))
        self.nps("SH01", 10)
        self.nps("SH01", 10)
        self.assertEqual(st.report_scores(T0, T0 + DAY, **q)[0].nps_promoters, 1)
        # Ten answers 10 9 9 8 7 6 3 0 10 10: 5 promoters, 3 detractors:
        # NPS = 100 (0.5 - 0.3) = 20; SE = 100 sqrt((0.25 + 0.21 + 0.30) / 10).
        for i, v in enumerate([9, 8, 7, 6, 3, 0, 10]):
            self.nps("SH02" if i % 2 else "SH01", v)
        row = st.report_scores(T0, T0 + DAY, **q)[0]
        self.assertEqual(row.nps_n, 10)
        self.assertAlmostEqual(row.nps, 20, delta=EPS)
        self.assertAlmostEqual(row.nps_se, 27.568097504180, delta=EPS)
        self.assertAlmostEqual(row.nps_promoters, 0.5, delta=EPS)
        self.assertAlmostEqual(row.nps_detractors, 0.3, delta=EPS)
        self.assertAlmostEqual(row.value(csvc.Metric.NPS_SE), 27.568097504180, delta=EPS)
        self.assertTrue(row.low_sample)  # 10 < 30
        r = st.report_scores(T0, T0 + DAY, min_sample=10, **q)
        self.assertFalse(r[0].low_sample)
        self.assertEqual(r.min_sample, 10)
        # By store: SH01 9 10 10 9 7 3 10 (5 promoters, 1 detractor of 7), SH02 8 6 0.
        r = st.report_scores(T0, T0 + DAY, group_by=csvc.ReportGroup.STORE, **q)
        self.assertEqual([x.key for x in r], ["SH01", "SH02"])
        self.assertEqual(r[0].nps_n, 7)
        self.assertAlmostEqual(r[0].nps, 100 * 4 / 7, delta=EPS)
        self.assertAlmostEqual(r[1].nps, 100 * -2 / 3, delta=EPS)
        # By method: all receipt QR.
        r = st.report_scores(T0, T0 + DAY, group_by="method", **q)
        self.assertEqual([x.key for x in r], ["receipt_qr"])
        self.assertEqual(st.report_scores(T0, T0 + DAY, method="till", **q)[0].responses, 0)

    def test_csat_and_csi(self):
        st = self.store
        self.clock.now = T0 + H
        t1 = self.ticket("inquiry", assignee="li.lei")
        t2 = self.ticket("complaint", assignee="wang.wu")
        tk1 = st.invite("post_resolution", ticket=t1, method="phone_callback")
        tk2 = st.invite("post_resolution", ticket=t2, method="till")
        st.respond(tk1, {"response_speed": 5, "resolution_efficiency": 4, "solution_satisfaction": 3})
        st.respond(tk2, {"response_speed": 2, "resolution_efficiency": 5, "solution_satisfaction": 4})
        # Six Likert answers 5 4 3 2 5 4: top two box 4 of 6, mean 23/6; CSI
        # (one implicit dimension) = mean of 100 75 50 25 100 75 = 425/6;
        # Wilson(4, 6) = [0.299993315138, 0.903228588894].
        r = st.report_scores(T0, T0 + DAY, survey="post_resolution")
        row = r[0]
        self.assertEqual((row.responses, row.csat_n), (2, 6))
        self.assertAlmostEqual(row.csat, 4 / 6, delta=EPS)
        self.assertAlmostEqual(row.csat_low, 0.299993315138, delta=1e-11)
        self.assertAlmostEqual(row.csat_high, 0.903228588894, delta=1e-11)
        self.assertAlmostEqual(row.csat_mean, 23 / 6, delta=EPS)
        self.assertAlmostEqual(row.csi, 425 / 6, delta=EPS)
        self.assertEqual((row.csi_n, row.csi_target, row.csi_meets_target), (6, 85, 0))
        self.assertIsNone(row.nps)
        # The same Wilson interval from the formula of docs/scoring.md.
        z, n, p = 1.959964, 6, 4 / 6
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
        self.assertAlmostEqual(row.csat_low, centre - half, delta=1e-6)
        self.assertAlmostEqual(row.csat_high, centre + half, delta=1e-6)
        self.assertEqual(st.report_scores(T0, T0 + DAY, survey="post_resolution", csi_target=70)[0]
                         .csi_meets_target, 1)
        # One question only: solution_satisfaction 3 and 4.
        row = st.report_scores(T0, T0 + DAY, survey="post_resolution", question="solution_satisfaction")[0]
        self.assertEqual((row.csat_n, row.csat, row.csat_mean), (2, 0.5, 3.5))
        # By staff, kind, channel, category, method; a staff filter.
        r = st.report_scores(T0, T0 + DAY, group_by="staff")
        self.assertEqual([(x.key, round(x.csat_mean, 9)) for x in r], [("li.lei", 4), ("wang.wu", round(11 / 3, 9))])
        self.assertEqual([x.key for x in st.report_scores(T0, T0 + DAY, group_by="kind")], ["complaint", "inquiry"])
        self.assertEqual([x.key for x in st.report_scores(T0, T0 + DAY, group_by="channel")], ["store_counter"])
        self.assertEqual([x.key for x in st.report_scores(T0, T0 + DAY, group_by="category")], ["服务态度"])
        self.assertEqual([x.key for x in st.report_scores(T0, T0 + DAY, group_by=csvc.ReportGroup.METHOD)],
                         ["phone_callback", "till"])
        self.assertEqual(st.report_scores(T0, T0 + DAY, staff="wang.wu")[0].responses, 1)

    def test_weighted_csi(self):
        # product_quality weight 3 (answers 5, 4 on 1-5: mean 87.5), staff_service
        # weight 1 (answers 3, 7 on 1-7: mean (33.33 + 100) / 2):
        # CSI = (3 * 87.5 + 66.67) / 4 = 82.291666...
        st = self.store
        s = csvc.Survey("weighted", anonymous=True)
        s.add_dimension("product_quality", 3)
        s.add_dimension("staff_service", 0)
        s.add_question("pq", "likert", "product_quality", required=True)
        s.add_question("st", "likert", "staff_service", required=True).set_scale(7)
        s.add_question("effort", "ces")
        st.save_survey(s)
        for pq, stf, effort in ((5, 3, 2), (4, 7, 5)):
            self.anon("weighted", {"pq": pq, "st": stf, "effort": effort}, method="interview")
        r = st.report_scores(T0, T0 + DAY, survey="weighted")
        row = r[0]
        self.assertAlmostEqual(row.csi, 82.29166666666667, delta=EPS)
        self.assertEqual((row.ces_mean, row.ces_n), (3.5, 2))
        self.assertEqual(row.csat, 0.75)  # top two box: 1-5 -> 4, 5; 1-7 -> 6, 7
        self.assertEqual(r.dimensions, {"product_quality": 3.0, "staff_service": 1.0})
        self.assertEqual(row.dimensions["product_quality"]["csi"], 87.5)
        self.assertAlmostEqual(row.dimensions["staff_service"]["csi"], (100 / 3 + 100) / 2, delta=EPS)
        self.assertEqual(row.dimensions["staff_service"]["csi_n"], 2)
        self.assertIsNone(row.dimensions["staff_service"]["servqual_gap"])
        self.assertEqual(row.dimensions, r.json()["rows"][0]["dimensions"])

    def test_servqual(self):
        st = self.store
        s = st.load_survey("servqual")
        s.anonymous = True
        self.assertEqual(st.save_survey(s), 2)
        # Gaps (perception - expectation): tangibles -1 -1, reliability -3 0,
        # responsiveness 0 -2, assurance 0 +1, empathy +2 0; means -1, -1.5,
        # -1, 0.5, 1; overall (equal weights) -0.4.
        dims = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
        self.clock.now = T0 + H
        for pairs in ([(6, 5), (7, 4), (5, 5), (6, 6), (4, 6)], [(7, 6), (6, 6), (6, 4), (5, 6), (5, 5)]):
            self.anon("servqual", dict(zip(dims, pairs)), method=csvc.SurveyMethod.MYSTERY_SHOPPER)
        r = st.report_scores(T0, T0 + DAY, survey="servqual")
        row = r[0]
        self.assertEqual(row.servqual_n, 10)
        self.assertAlmostEqual(row.servqual_gap, -0.4, delta=EPS)
        self.assertIsNone(row.csi)  # no Likert answers
        gaps = dict(zip(dims, [-1, -1.5, -1, 0.5, 1]))
        self.assertEqual(set(row.dimensions), set(dims))
        for name, d in row.dimensions.items():
            self.assertAlmostEqual(d["servqual_gap"], gaps[name], delta=EPS)
            self.assertEqual(d["servqual_n"], 2)
        self.assertEqual((row.dimensions["tangibles"]["servqual_expectation"],
                          row.dimensions["tangibles"]["servqual_perception"]), (6.5, 5.5))
        self.assertEqual(st.report_scores(T0, T0 + DAY, survey="servqual", survey_version=1)[0].responses, 0)
        # Weights: tangibles 2, the rest 1. A newer version's weights apply
        # to the older answers too.
        w = csvc.Survey("servqual", anonymous=True)
        w.add_dimension("tangibles", 2, "有形性", "Tangibles")
        for d in s.dimensions[1:]:
            w.add_dimension(d.name, 1, d.label_zh, d.label_en)
        for q in s.questions:
            w.add_question(q.name, csvc.QuestionType.SERVQUAL, q.name, True, q.label_zh, q.label_en)
        self.assertEqual(st.save_survey(w), 3)
        self.anon("servqual", dict.fromkeys(dims, (5, 5)), method="mystery_shopper")
        r = st.report_scores(T0, T0 + DAY, survey="servqual")
        # Now 3 answers per dimension: gaps -2/3, -1, -2/3, 1/3, 2/3.
        self.assertAlmostEqual(r[0].servqual_gap, (2 * (-2 / 3) - 1 - 2 / 3 + 1 / 3 + 2 / 3) / 6, delta=EPS)
        self.assertEqual(r.dimensions["tangibles"], 2.0)

    def test_periods_in_the_store_zone(self):
        st = self.store
        st.save_calendar("sh", csvc.Calendar.parse(SH_CALENDAR))
        st.attach_calendar("SH02", "sh")
        # A response at 2026-01-31 20:00 UTC is on 2026-02-01 in SH02 (+08:00).
        self.clock.now = T0 + 30 * DAY + 20 * H
        self.nps("SH02", 10)
        self.nps("SH01", 0)
        self.clock.now = T0 + 2 * DAY
        self.nps("SH01", 10)
        r = st.report_scores(T0, T0 + 59 * DAY, group_by="period")  # month by default
        self.assertEqual((r.group_by, r.period), (csvc.ReportGroup.PERIOD, csvc.ReportPeriod.MONTH))
        self.assertEqual([x.key for x in r], ["2026-01", "2026-02"])
        self.assertEqual(r[1].period_start, datetime.datetime(2026, 2, 1))
        self.assertIsNone(r[1].period_start.tzinfo)
        self.assertEqual((r[0].nps_n, r[0].nps, r[1].nps_n, r[1].nps), (2, 0, 1, 100))
        js = r.to_json()
        self.assertIn('"group_by":"period","period":"month"', js)
        self.assertIn('{"key":"2026-02","period_start":', js)
        # Daily over a week: one row per day, empty days included.
        r = st.report_scores(T0, T0 + 7 * DAY, group_by="period", period="day")
        self.assertEqual(len(r), 7)
        self.assertEqual((r[2].key, r[2].responses, r[3].responses), ("2026-01-03", 1, 0))
        self.assertEqual(r[2].period_start, datetime.datetime(2026, 1, 3))
        r = st.report_scores(T0, T0 + 7 * DAY, group_by="period", period=csvc.ReportPeriod.WEEK)
        self.assertEqual([x.key for x in r[:2]], ["2026-W01", "2026-W02"])
        self.assertEqual(r[0].period_start, datetime.datetime(2025, 12, 29))  # a Monday
        r = st.report_scores(T0, T0 + 59 * DAY, group_by="period", period="quarter")
        self.assertEqual([(x.key, x.responses) for x in r], [("2026-Q1", 3)])
        # SH02 alone: its days are in its zone.
        r = st.report_scores(T0 + 30 * DAY, T0 + 32 * DAY, store_code="SH02", group_by="period", period="day")
        self.assertEqual((r[1].key, r[1].responses), ("2026-02-01", 1))
        self.assertIsNone(st.report_scores(T0, T0 + DAY)[0].period_start)


if __name__ == "__main__":
    unittest.main()
