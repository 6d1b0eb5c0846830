"""The data-subject export: Store.export_customer compared, part by part,
with what the other calls read (docs/privacy.md, "Export"). Runs on both
engines."""

import unittest

import csvc
from csvc_testutil import StoreTestCase


def micros(dt):
    """A datetime as microseconds since the epoch, exactly."""
    delta = dt - dt.__class__(1970, 1, 1, tzinfo=dt.tzinfo)
    return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds


class ExportTest(StoreTestCase):
    def test_document_matches_the_store(self):
        st = self.store
        c = self.customer("王芳", phones=["13800138000"], home_store="SH01", tags=["会员"])
        dup = self.customer("王 芳", phones=["13900139000"])
        st.record_consent(c, "survey", True, channel="till", text_version="2026-03", actor="desk")
        st.record_consent(dup, "marketing", False, channel="app")
        t1 = self.ticket(customer=c.id, subject="排队太久")
        t2 = self.ticket(customer=dup.id, subject="退货")
        st.comment_ticket(t1, csvc.CommentKind.REPLY, "您好，已处理")
        token = st.invite("post_resolution", ticket=t1, method=csvc.SurveyMethod.PHONE_CALLBACK)
        st.respond(token, {"response_speed": 5, "resolution_efficiency": 4, "solution_satisfaction": 3,
                           "comment": "很好"})
        st.merge_customers(c, dup.id, actor="crm")

        doc = st.export_customer(c)
        self.assertEqual(doc["format"], "csvc-customer-export")
        self.assertEqual(doc["format_version"], 2)
        kept = st.get_customer(c.id)
        self.assertEqual(doc["customer"]["id"], str(c.id))
        self.assertEqual(doc["customer"]["name"], kept.name)
        self.assertEqual(doc["customer"]["phones"], list(kept.phones))
        self.assertEqual(doc["customer"]["tags"], list(kept.tags))
        self.assertEqual(doc["customer"]["revision"], kept.revision)
        self.assertEqual(doc["customer"]["class"], kept.customer_class.name.lower())
        self.assertEqual([m["id"] for m in doc["merged_records"]], [str(dup.id)])
        history = st.consent_history(c)
        self.assertEqual([(x["purpose"], x["state"], x["channel"], x["at"]) for x in doc["consents"]],
                         [(h.purpose.name.lower(), h.state.name.lower(), h.channel, micros(h.at)) for h in history])
        by_id = {x["ticket"]["id"]: x for x in doc["tickets"]}
        self.assertEqual(set(by_id), {str(t1.id), str(t2.id)})
        for t in (t1, t2):
            got = st.get_ticket(t.id)
            exported = by_id[str(t.id)]
            self.assertEqual(exported["ticket"]["number"], got.number)
            self.assertEqual(exported["ticket"]["subject"], got.subject)
            self.assertEqual(exported["ticket"]["customer"], str(c.id))
            self.assertEqual(exported["ticket"]["revision"], got.revision)
            self.assertEqual([(e["seq"], e["type"]) for e in exported["events"]],
                             [(e.seq, e.type) for e in st.ticket_history(t)])
            self.assertEqual(sorted(x["target"] for x in exported["sla"]),
                             sorted(x.name for x in st.sla_targets(t)))
        [response] = doc["survey_responses"]
        self.assertEqual((response["survey"], response["ticket"], response["method"]),
                         ("post_resolution", str(t1.id), "phone_callback"))
        answers = {a["question"]: a for a in response["answers"]}
        self.assertEqual(answers["response_speed"]["value"], 5)
        self.assertEqual(answers["comment"]["text"], "很好")

    def test_erasure_redacts_ticket_text(self):
        st = self.store
        c = self.customer("欧阳锋", phones=["13612345678"])
        t = self.ticket(customer=c.id, subject="欧阳锋 13612345678 投诉", description="请致电欧阳锋")
        st.comment_ticket(t, csvc.CommentKind.REPLY, "欧阳锋您好")
        st.erase_customer(c.id, actor="dpo")
        got = st.get_ticket(t.id)
        self.assertIsNone(got.subject)
        self.assertIsNone(got.description)
        self.assertEqual(st.replay_ticket(t.id), got)
        history = list(st.ticket_history(t))
        self.assertEqual(history[-1].type, "redacted")
        self.assertEqual(history[-1].actor, "dpo")
        for e in history:
            self.assertNotIn("欧阳锋", e.payload or "")
            self.assertNotIn("13612345678", e.payload or "")
        doc = st.export_customer(c.id)
        self.assertIsNotNone(doc["customer"]["erased_at"])
        self.assertNotIn("欧阳锋", repr(doc))

    def test_refusals(self):
        c = self.customer()
        dup = self.customer("王 芳")
        self.store.merge_customers(c, dup.id)
        with self.assertRaises(csvc.NotFound):
            self.store.export_customer("00000000-0000-4000-8000-000000000000")
        with self.assertRaisesRegex(csvc.InvalidTransition, "merged into another record"):
            self.store.export_customer(dup.id)
        with self.assertRaises((TypeError, ValueError)):
            self.store.export_customer("not a uuid")


if __name__ == "__main__":
    unittest.main()
