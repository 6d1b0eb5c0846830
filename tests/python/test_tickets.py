import copy
import uuid

import csvc
from csvc_testutil import StoreTestCase


class TicketTest(StoreTestCase):
    def test_draft(self):
        t = csvc.Ticket("complaint", "SH01", subject="衣服掉色", category="商品质量", order_ref="R-001",
                        urgency=csvc.Urgency.MAJOR, importance=csvc.Importance.HIGH, impact=csvc.Impact.GROUP,
                        assignee="小李", team="售后")
        self.assertIsNone(t.id)
        self.assertIsNone(t.number)
        self.assertIsNone(t.state)
        self.assertIsNone(t.state_category)
        self.assertEqual((t.kind, t.store_code, t.subject, t.category, t.order_ref), ("complaint", "SH01", "衣服掉色", "商品质量", "R-001"))
        self.assertEqual((t.assignee, t.team), ("小李", "售后"))
        self.assertIs(t.urgency, csvc.Urgency.MAJOR)
        t.set_assignee("小王")
        self.assertEqual((t.assignee, t.team), ("小王", None))
        t.urgency = None
        self.assertIs(t.urgency, csvc.Urgency.GENERAL)
        t.description = "洗一次就掉色"
        t.channel = "phone"
        with self.assertRaises(csvc.InvalidArgument):
            t.urgency = 9
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Ticket("Bad Kind", "SH01")
        with self.assertRaises(TypeError):
            csvc.Ticket("complaint")
        with self.assertRaises(TypeError):
            csvc.Ticket("complaint", "SH01", state="x")
        self.assertIn("draft", repr(t))
        d = copy.deepcopy(t)
        d.subject = "other"
        self.assertEqual(t.subject, "衣服掉色")
        self.assertEqual(t.copy(), t)

    def test_lifecycle_of_a_ticket(self):
        s = self.store
        c = self.customer()
        t = self.ticket(customer=c, channel="phone", urgency=csvc.Urgency.EMERGENCY)
        self.assertIsInstance(t.id, uuid.UUID)
        self.assertEqual(t.number, "SH01-000001")
        self.assertEqual(t.customer, c.id)
        self.assertEqual((t.state, t.state_category, t.revision), ("received", csvc.StateCategory.NEW, 1))
        self.assertEqual(t.priority, s.priority_matrix(csvc.Urgency.EMERGENCY, csvc.Importance.MEDIUM, csvc.Impact.INDIVIDUAL))
        self.assertFalse(t.priority_overridden)
        self.assertEqual(self.ticket(store_code="SH01").number, "SH01-000002")
        self.assertEqual(self.ticket(store_code="BJ02").number, "BJ02-000001")
        self.assertEqual(s.get_ticket_by_number("SH01-000001").id, t.id)
        self.assertEqual(s.transition_ticket(t.id, "analyse", expected_revision=1, actor="clerk", note="看监控"), 2)
        self.assertEqual(s.assign_ticket(t, assignee="小李", team="客服部", actor="lead"), 3)
        self.assertEqual(s.comment_ticket(t, csvc.CommentKind.RESULT_NOTICE, "已致电", method="phone"), 4)
        got = s.get_ticket(t.id)
        self.assertEqual((got.state, got.assignee, got.team, got.revision), ("analysing", "小李", "客服部", 4))
        got.priority = csvc.Priority.LOW
        got.category = "服务态度"
        s.update_ticket(got, actor="lead")
        self.assertTrue(got.priority_overridden)
        self.assertEqual(got.revision, 5)
        self.assertEqual(s.replay_ticket(t.id), s.get_ticket(t.id))
        self.assertNotEqual(s.get_ticket(t.id), t)
        history = list(s.ticket_history(t))
        self.assertEqual([e.type for e in history], ["created", "transition", "assigned", "comment", "updated"])
        self.assertEqual([e.seq for e in history], [1, 2, 3, 4, 5])
        self.assertEqual(history[3].data["body"], "已致电")
        self.assertEqual(history[1].data["note"], "看监控")
        with self.assertRaises(csvc.NotFound):
            s.get_ticket(uuid.uuid4())
        with self.assertRaises(csvc.NotFound):
            s.create_ticket(csvc.Ticket("no_such_kind", "SH01"))

    def test_links_and_merge(self):
        s = self.store
        a, b, c = self.ticket(), self.ticket(), self.ticket()
        s.link_tickets(a, b, csvc.LinkKind.RELATED, actor="x")
        with self.assertRaises(csvc.AlreadyExists):
            s.link_tickets(a, b, csvc.LinkKind.RELATED)
        with self.assertRaises(csvc.InvalidArgument):
            s.link_tickets(a, a, csvc.LinkKind.RELATED)
        with self.assertRaises(csvc.InvalidArgument):
            s.link_tickets(a, c, csvc.LinkKind.MERGED_INTO)
        s.merge_tickets(a, c, actor="x")
        self.assertIs(s.get_ticket(c.id).state_category, csvc.StateCategory.CANCELLED)
        with self.assertRaises(csvc.InvalidTransition):
            s.merge_tickets(a, c)
        self.assertEqual([e.type for e in s.ticket_history(a)], ["created", "linked", "absorbed"])

    def test_priority_matrix_kinds_channels(self):
        s = self.store
        s.set_priority_matrix(csvc.Urgency.GENERAL, csvc.Importance.LOW, csvc.Impact.INDIVIDUAL, csvc.Priority.HIGH)
        self.assertIs(s.priority_matrix(3, 3, 3), csvc.Priority.HIGH)
        with self.assertRaises(csvc.InvalidArgument):
            s.set_priority_matrix(0, 3, 3, 1)
        s.define_channel("wechat_mini", "小程序", "Mini program")
        s.define_ticket_kind("gift_wrap", "general", "礼品包装", "Gift wrap")
        t = self.ticket("gift_wrap", channel="wechat_mini", importance=csvc.Importance.LOW)
        self.assertIs(t.priority, csvc.Priority.HIGH)
        with self.assertRaises(csvc.NotFound):
            s.define_ticket_kind("x", "no_such_workflow")
        with self.assertRaises(csvc.NotFound):
            self.ticket(channel="carrier_pigeon")

    def test_queries(self):
        s = self.store
        c = self.customer()
        made = []
        for i in range(6):
            t = self.ticket(store_code="SH01" if i < 4 else "BJ02", customer=c if i % 2 else None,
                            subject=f"第{i}号 问题：尺码不对" if i < 2 else f"第{i}号 其他")
            made.append(t)
        s.transition_ticket(made[0], "analyse")
        s.assign_ticket(made[1], assignee="小李", team="客服部")
        s.transition_ticket(made[5], "cancel")
        self.assertEqual(s.count_tickets(), 6)
        self.assertEqual(s.count_tickets(store_code="SH01", open_only=True), 4)
        self.assertEqual(s.count_tickets(open_only=True), 5)
        self.assertEqual([t.id for t in s.tickets(state="analysing")], [made[0].id])
        self.assertEqual(s.count_tickets(state_category=csvc.StateCategory.NEW), 4)
        self.assertEqual(s.count_tickets(state_category=csvc.StateCategory.CANCELLED), 1)
        self.assertEqual(s.count_tickets(kind="complaint"), 6)
        self.assertEqual(s.count_tickets(assignee="小李"), 1)
        self.assertEqual(s.count_tickets(team="客服部"), 1)
        self.assertEqual(s.count_tickets(channel="phone"), 0)
        self.assertEqual(s.count_tickets(customer=c), 3)
        self.assertEqual(s.count_tickets(customer=c.id), 3)
        self.assertEqual(s.count_tickets(priority=made[0].priority), 6)
        self.assertEqual([t.id for t in s.tickets(text="尺码不对")], [made[0].id, made[1].id])
        self.assertEqual(s.count_tickets(text="号"), 6)
        self.assertEqual(s.count_tickets(created_from=made[2].created_at, created_to=made[4].created_at), 2)
        self.assertEqual(s.count_tickets(updated_from=s.get_ticket(made[5].id).updated_at), 1)
        pages, after = [], None
        while True:
            page = list(s.tickets(limit=4, after=after))
            pages.extend(page)
            if len(page) < 4:
                break
            after = page[-1]
        self.assertEqual([t.id for t in pages], [t.id for t in made])
        self.assertEqual(s.count_tickets(limit=2), 2)
