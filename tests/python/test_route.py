"""Routing rules: RouteRule records, Store.create_route_rule and the other
rule calls, tickets routed when created and again with
Store.route_ticket, access control and a failing clock (docs/python.md,
Routing). Runs on SQLite and, with CSVC_TEST_PG, on PostgreSQL."""

import os

import csvc
from csvc import CustomerClass, RouteRule, RouteStrategy, Staff
from csvc_testutil import FakeClock, StoreTestCase, open_store


class HookError(Exception):
    pass


class RouteRuleRecordTest(StoreTestCase):
    def test_draft_defaults_and_setters(self):
        r = RouteRule("vip", "complaints", RouteStrategy.ROUND_ROBIN)
        self.assertEqual((r.code, r.team, r.strategy, r.position, r.kind, r.category, r.channel, r.store_code,
                          r.customer_class, r.designated, r.active, r.revision),
                         ("vip", "complaints", RouteStrategy.ROUND_ROBIN, 0, None, None, None, None, None, False,
                          True, 0))
        self.assertIs(r.strategy, RouteStrategy.ROUND_ROBIN)
        r.strategy = "best_skill"
        self.assertIs(r.strategy, RouteStrategy.BEST_SKILL)
        r.strategy = 2
        self.assertIs(r.strategy, RouteStrategy.LEAST_LOAD)
        r.team = "consult"
        r.position = -5
        r.kind = "complaint"
        r.category = "退换货"
        r.channel = "phone"
        r.store_code = "SH01"
        r.customer_class = "vip"
        self.assertIs(r.customer_class, CustomerClass.VIP)
        r.customer_class = CustomerClass.IMPORTANT
        r.designated = True
        r.active = False
        self.assertEqual((r.team, r.position, r.kind, r.category, r.channel, r.store_code, r.customer_class,
                          r.designated, r.active),
                         ("consult", -5, "complaint", "退换货", "phone", "SH01", CustomerClass.IMPORTANT, True, False))
        self.assertEqual(repr(r), "<csvc.RouteRule 'vip' team='consult' strategy=least_load position=-5 designated "
                                  "inactive revision=0>")
        # None matches anything
        r.kind = r.category = r.channel = r.store_code = r.customer_class = None
        self.assertEqual((r.kind, r.category, r.channel, r.store_code, r.customer_class), (None,) * 5)
        del r.customer_class
        self.assertIsNone(r.customer_class)

    def test_keyword_arguments(self):
        r = RouteRule("phone_returns", "consult", "least_load", position=30, kind="after_sales", category="退换货",
                      channel="phone", store_code="SH02", customer_class=3, designated=True, active=False)
        self.assertEqual((r.strategy, r.position, r.kind, r.category, r.channel, r.store_code, r.customer_class,
                          r.designated, r.active),
                         (RouteStrategy.LEAST_LOAD, 30, "after_sales", "退换货", "phone", "SH02",
                          CustomerClass.ORDINARY, True, False))

    def test_value_equality_and_unhashable(self):
        a = RouteRule("vip", "complaints", "round_robin", kind="complaint")
        b = RouteRule("vip", "complaints", "round_robin", kind="complaint")
        self.assertEqual(a, b)
        b.customer_class = "vip"
        self.assertNotEqual(a, b)
        self.assertNotEqual(a, "vip")
        with self.assertRaises(TypeError):
            hash(a)

    def test_bad_arguments(self):
        with self.assertRaises(TypeError):
            RouteRule("vip", "complaints")
        with self.assertRaises(TypeError):
            RouteRule("vip", "complaints", None)
        with self.assertRaises(TypeError):
            RouteRule(None, "complaints", "round_robin")
        with self.assertRaises(TypeError):
            RouteRule("vip", "complaints", "round_robin", 5)  # keyword-only
        with self.assertRaises(ValueError):
            RouteRule("vip", "complaints", "fastest")
        with self.assertRaises(ValueError):
            RouteRule("vip", "complaints", "round_robin", customer_class="gold")
        with self.assertRaises(csvc.InvalidArgument):
            RouteRule("vip", "complaints", 9)
        with self.assertRaises(csvc.InvalidArgument):
            RouteRule("vip", "complaints", "round_robin", customer_class=9)
        with self.assertRaises(csvc.InvalidArgument):
            RouteRule("VIP rule", "complaints", "round_robin")
        with self.assertRaises(csvc.OutOfRange):
            RouteRule("vip", "", "round_robin")  # 1 to 64 bytes
        with self.assertRaises(csvc.InvalidArgument):
            RouteRule("vip", "complaints", "round_robin", kind="Complaint!")
        with self.assertRaises(csvc.OutOfRange):
            RouteRule("v" * 65, "complaints", "round_robin")

    def test_setters_change_nothing_on_failure(self):
        r = RouteRule("vip", "complaints", "round_robin", kind="complaint", customer_class="vip", position=5)
        with self.assertRaises(csvc.InvalidArgument):
            r.kind = "Complaint!"
        with self.assertRaises(TypeError):
            r.kind = 5
        with self.assertRaises(csvc.InvalidArgument):
            r.team = "Team A"
        with self.assertRaises(TypeError):
            r.team = None
        with self.assertRaises(AttributeError):
            del r.team
        with self.assertRaises(TypeError):
            r.strategy = None
        with self.assertRaises(AttributeError):
            del r.strategy
        with self.assertRaises(ValueError):
            r.strategy = "fastest"
        with self.assertRaises(csvc.InvalidArgument):
            r.strategy = 0
        with self.assertRaises(csvc.InvalidArgument):
            r.customer_class = 7
        with self.assertRaises(TypeError):
            r.position = None
        with self.assertRaises(TypeError):
            r.position = "first"
        with self.assertRaises(OverflowError):
            r.position = 2 ** 31
        with self.assertRaises(AttributeError):
            del r.position
        with self.assertRaises(AttributeError):
            del r.designated
        with self.assertRaises(AttributeError):
            r.code = "other"
        self.assertEqual(r, RouteRule("vip", "complaints", "round_robin", kind="complaint", customer_class="vip",
                                      position=5))

    def test_uninitialised_record(self):
        r = RouteRule.__new__(RouteRule)
        self.assertEqual(repr(r), "<csvc.RouteRule uninitialised>")
        with self.assertRaises(csvc.InvalidArgument):
            r.kind = "complaint"
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_route_rule(r)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.update_route_rule(r)
        self.assertEqual(self.store.route_rules(), [])

    def test_strategy_names_are_the_librarys(self):
        self.assertEqual([s.name.lower() for s in RouteStrategy], ["round_robin", "least_load", "best_skill"])
        self.assertEqual([int(s) for s in RouteStrategy], [1, 2, 3])


class RouteStoreTest(StoreTestCase):
    def setUp(self):
        super().setUp()
        for code, team in [("S001", "complaints"), ("S002", "complaints"), ("S003", "consult")]:
            self.store.create_staff(Staff(code, code, teams=[team]), actor="setup")

    def test_routing_is_opt_in_and_defaults_are_idempotent(self):
        self.assertEqual(self.store.route_rules(), [])
        t = self.ticket("complaint")
        self.assertEqual((t.assignee, t.team), (None, None))
        self.store.install_route_defaults()
        rules = self.store.route_rules()
        self.assertEqual([(r.code, r.team, r.strategy, r.position, r.kind, r.designated, r.revision) for r in rules],
                         [("complaints", "complaints", RouteStrategy.LEAST_LOAD, 10, "complaint", True, 1),
                          ("inquiries", "consult", RouteStrategy.ROUND_ROBIN, 20, "inquiry", False, 1)])
        self.store.install_route_defaults()
        self.assertEqual(self.store.route_rules(), rules)

    def test_defaults_need_their_teams(self):
        with open_store(os.path.join(self.dir, "bare.db"), clock=FakeClock()) as bare:
            with self.assertRaises(csvc.NotFound):
                bare.install_route_defaults()
            bare.install_team_defaults()
            bare.install_route_defaults()
            self.assertEqual([r.code for r in bare.route_rules()], ["complaints", "inquiries"])

    def test_create_get_update(self):
        r = RouteRule("vip", "complaints", "round_robin", kind="complaint", customer_class="vip", position=5)
        self.assertIs(self.store.create_route_rule(r, actor="店长"), r)
        self.assertEqual(r.revision, 1)
        got = self.store.get_route_rule("vip")
        self.assertEqual(got, r)
        got.store_code = "SH01"
        got.customer_class = None
        got.designated = True
        self.store.update_route_rule(got)
        self.assertEqual(got.revision, 2)
        again = self.store.get_route_rule("vip")
        self.assertEqual((again.store_code, again.customer_class, again.designated, again.revision),
                         ("SH01", None, True, 2))
        # no change: no new revision
        self.store.update_route_rule(again)
        self.assertEqual(self.store.get_route_rule("vip").revision, 2)
        # the stale copy is refused and changes nothing
        r.position = 1
        with self.assertRaises(csvc.Conflict):
            self.store.update_route_rule(r)
        self.assertEqual(self.store.get_route_rule("vip"), again)

    def test_refusals_change_nothing(self):
        self.store.create_route_rule(RouteRule("vip", "complaints", "round_robin"))
        before = self.store.route_rules()
        with self.assertRaises(csvc.AlreadyExists):
            self.store.create_route_rule(RouteRule("vip", "consult", "least_load"))
        with self.assertRaises(csvc.NotFound):
            self.store.create_route_rule(RouteRule("night", "security", "least_load"))
        saved = self.store.create_route_rule(RouteRule("floor", "floor", "least_load"))
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_route_rule(saved)  # already saved
        with self.assertRaises(csvc.InvalidArgument):
            self.store.update_route_rule(RouteRule("vip", "complaints", "best_skill"))  # a draft
        saved.team = "security"
        with self.assertRaises(csvc.NotFound):
            self.store.update_route_rule(saved)
        with self.assertRaises(csvc.NotFound):
            self.store.get_route_rule("nosuchrule")
        with self.assertRaises(csvc.InvalidArgument):
            self.store.get_route_rule("No Such Rule")
        with self.assertRaises(TypeError):
            self.store.create_route_rule("vip")
        with self.assertRaises(TypeError):
            self.store.get_route_rule(None)
        self.assertEqual([r.code for r in before], ["vip"])
        self.assertEqual([r.code for r in self.store.route_rules()], ["floor", "vip"])  # position 0, then code
        self.assertEqual(self.store.get_route_rule("floor").team, "floor")

    def test_rules_in_the_order_they_are_tried(self):
        for code, pos in [("b", 5), ("a", 5), ("z", -1), ("m", 100)]:
            self.store.create_route_rule(RouteRule(code, "consult", "round_robin", position=pos))
        self.assertEqual([r.code for r in self.store.route_rules()], ["z", "a", "b", "m"])

    def test_tickets_routed_at_create(self):
        self.store.install_route_defaults()
        self.store.create_route_rule(RouteRule("vip", "complaints", "round_robin", position=5, kind="complaint",
                                               customer_class=CustomerClass.VIP, designated=True))
        vip = self.customer("王芳", customer_class=CustomerClass.VIP)
        t1 = self.ticket("complaint", customer=vip.id)
        self.assertEqual((t1.team, t1.assignee), ("complaints", "S001"))
        t2 = self.ticket("complaint")
        self.assertEqual((t2.team, t2.assignee), ("complaints", "S002"))  # least load
        t3 = self.ticket("inquiry", "SH02")
        self.assertEqual((t3.team, t3.assignee), ("consult", "S003"))
        # given an assignee or a team, a ticket is not routed
        t4 = self.ticket("complaint", team="property")
        self.assertEqual((t4.team, t4.assignee), ("property", None))
        created = list(self.store.ticket_history(t1))[0]
        self.assertEqual(created.type, "created")
        route = created.data["route"]
        self.assertEqual((route["rule"], route["revision"], route["strategy"], route["team"], route["assignee"]),
                         ("vip", 1, "round_robin", "complaints", "S001"))
        self.assertNotIn("route", list(self.store.ticket_history(t4))[0].data)

    def test_route_ticket(self):
        self.store.install_route_defaults()
        t = self.ticket("complaint")
        self.assertEqual((t.assignee, t.revision), ("S001", 1))
        # a designated handler on shift keeps the ticket: nothing written
        self.assertEqual(self.store.route_ticket(t), 1)
        self.assertEqual(len(list(self.store.ticket_history(t))), 1)
        s1 = self.store.get_staff("S001")
        s1.active = False
        self.store.update_staff(s1)
        with self.assertRaises(csvc.Conflict):
            self.store.route_ticket(t.id, expected_revision=7)
        self.assertEqual(self.store.get_ticket(t.id).assignee, "S001")
        self.assertEqual(self.store.route_ticket(t, expected_revision=1, actor="主管"), 2)
        # the Ticket passed in is read again
        self.assertEqual((t.assignee, t.team, t.revision), ("S002", "complaints", 2))
        routed = list(self.store.ticket_history(t))[-1]
        self.assertEqual((routed.type, routed.actor), ("routed", "主管"))
        self.assertEqual(routed.data["route"]["replaced"], "S001")
        self.assertEqual(routed.data["route"]["rule"], "complaints")
        # by id: routed again to the same person, nothing changes
        self.assertEqual(self.store.route_ticket(str(t.id)), 2)

    def test_route_ticket_failures(self):
        t = self.ticket("after_sales")
        with self.assertRaises(csvc.NotFound):
            self.store.route_ticket(t)  # no rule matches
        self.assertEqual(self.store.get_ticket(t.id).revision, 1)
        with self.assertRaises(csvc.NotFound):
            self.store.route_ticket("00000000-0000-4000-8000-000000000009")
        with self.assertRaises(TypeError):
            self.store.route_ticket(t, expected_revision="1")
        with self.assertRaises((TypeError, ValueError)):
            self.store.route_ticket(None)
        with self.assertRaises(csvc.OutOfRange):
            self.store.route_ticket(t, actor="x" * 200)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.route_ticket(t, actor="a\x01b")

    def test_records_outlive_the_store(self):
        self.store.install_route_defaults()
        rules = self.store.route_rules()
        self.store.close()
        self.assertEqual(rules[0].code, "complaints")
        with self.assertRaises(csvc.StoreClosed):
            self.store.route_rules()
        self.store = open_store(self.path, clock=self.fake_clock)


class RouteAccessTest(StoreTestCase):
    def setUp(self):
        super().setUp()
        self.store.create_staff(Staff("S001", "王芳", teams=["complaints"]), actor="setup")
        self.store.create_staff(Staff("guide1", "赵敏", home_store="SH01", roles=["guide"]), actor="setup")
        self.store.create_staff(Staff("sup", "刘洋", home_store="SH01", roles=["supervisor"]), actor="setup")
        self.store.create_staff(Staff("admin", "王总", roles=["data_admin"]), actor="setup")
        self.store.install_route_defaults()
        self.a = open_store(self.path, clock=self.fake_clock, access_control=True)

    def tearDown(self):
        self.a.close()
        super().tearDown()

    def test_refusals_change_nothing(self):
        t = self.ticket("complaint")
        rules = self.store.route_rules()
        with self.assertRaises(csvc.AccessDenied):
            self.a.route_rules()  # no principal
        self.a.set_principal("guide1")
        self.assertEqual(self.a.route_rules(), rules)
        self.assertEqual(self.a.get_route_rule("complaints"), rules[0])
        with self.assertRaises(csvc.AccessDenied):
            self.a.create_route_rule(RouteRule("night", "consult", "round_robin"))
        changed = self.a.get_route_rule("complaints")
        changed.active = False
        with self.assertRaises(csvc.AccessDenied):
            self.a.update_route_rule(changed)
        with self.assertRaises(csvc.AccessDenied):
            self.a.install_route_defaults()
        with self.assertRaises(csvc.AccessDenied):
            self.a.route_ticket(t)
        self.assertEqual(self.store.route_rules(), rules)
        self.assertEqual(self.store.get_ticket(t.id).revision, t.revision)

    def test_allowed(self):
        # opened by a guide (ticket_create only): routed all the same
        self.a.set_principal("guide1")
        t = self.a.create_ticket(csvc.Ticket("complaint", "SH01", subject="收银台排队太久"))
        self.assertEqual((t.team, t.assignee), ("complaints", "S001"))
        self.a.set_principal("sup")
        self.assertEqual(self.a.route_ticket(t), t.revision)
        self.a.set_principal("admin")
        self.a.create_route_rule(RouteRule("night", "consult", "round_robin", position=99))
        self.assertEqual(self.store.get_route_rule("night").revision, 1)


class RouteClockTest(StoreTestCase):
    def test_clock_exception_leaves_records_as_they_were(self):
        fail = [False]
        base = FakeClock()

        def clock():
            if fail[0]:
                raise HookError("clock broke")
            return base()

        with open_store(os.path.join(self.dir, "clock.db"), clock=clock) as s:
            s.install_defaults()
            saved = s.create_route_rule(RouteRule("vip", "complaints", "round_robin"))
            fail[0] = True
            draft = RouteRule("night", "consult", "least_load", kind="inquiry")
            with self.assertRaises(HookError):
                s.create_route_rule(draft)
            self.assertEqual((draft.revision, draft.kind), (0, "inquiry"))
            saved.kind = "complaint"
            with self.assertRaises(HookError):
                s.update_route_rule(saved)
            self.assertEqual((saved.revision, saved.kind), (1, "complaint"))
            with self.assertRaises(HookError):
                s.install_route_defaults()
            fail[0] = False
            self.assertEqual([r.code for r in s.route_rules()], ["vip"])
            self.assertIsNone(s.get_route_rule("vip").kind)
            # the records can be saved once the clock works again
            s.create_route_rule(draft)
            s.update_route_rule(saved)
            self.assertEqual((draft.revision, saved.revision), (1, 2))


if __name__ == "__main__":
    import unittest
    unittest.main()
