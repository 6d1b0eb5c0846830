"""Roles and access control: Role records, Store.create_role and the other
role calls, a store opened with access_control=True beside a trusted one
on the same file (or PostgreSQL schema), the principal, masking and scope
(docs/access.md, docs/python.md)."""

import os

import csvc
from csvc import Permission, Role, RoleScope, Staff
from csvc_testutil import FakeClock, StoreTestCase, open_store

HANDBOOK_ROLES = ["receptionist", "cashier", "guide", "service_agent", "specialist", "supervisor",
                  "security_officer", "auditor", "data_admin"]
RECEPTIONIST = {Permission.CUSTOMER_READ_PROFILE, Permission.CUSTOMER_SEARCH, Permission.CUSTOMER_WRITE,
                Permission.TICKET_READ, Permission.TICKET_CREATE, Permission.TICKET_UPDATE,
                Permission.SURVEY_RECORD}


class HookError(Exception):
    pass


class RoleRecordTest(StoreTestCase):
    def test_draft_defaults_and_setters(self):
        r = Role("floor_lead", "楼面主管", RoleScope.STORE)
        self.assertEqual((r.code, r.name, r.scope, r.active, r.revision, r.permissions),
                         ("floor_lead", "楼面主管", RoleScope.STORE, True, 0, frozenset()))
        self.assertIs(r.scope, RoleScope.STORE)
        self.assertIsInstance(r.permissions, frozenset)
        r.name = "楼面组长"
        r.scope = "chain"
        r.active = False
        self.assertEqual((r.name, r.scope, r.active), ("楼面组长", RoleScope.CHAIN, False))
        r.scope = 1
        self.assertIs(r.scope, RoleScope.STORE)
        self.assertEqual(repr(r), "<csvc.Role 'floor_lead' name='楼面组长' scope=store inactive revision=0>")
        self.assertIs(Role("hq", "总部", "chain").scope, RoleScope.CHAIN)

    def test_permissions_grant_revoke_allows(self):
        r = Role("floor_lead", "楼面主管", "store", permissions=[Permission.TICKET_READ, "ticket_assign", 9])
        self.assertEqual(r.permissions, {Permission.TICKET_READ, Permission.TICKET_ASSIGN, Permission.TICKET_CREATE})
        self.assertTrue(all(type(p) is Permission for p in r.permissions))
        self.assertTrue(r.allows(Permission.TICKET_READ))
        self.assertTrue(r.allows("ticket_assign"))
        self.assertFalse(r.allows(Permission.CUSTOMER_ERASE))
        r.grant(Permission.TICKET_READ)  # granted: no-op
        r.grant("reports_read")
        r.revoke(Permission.TICKET_CREATE)
        r.revoke(Permission.CUSTOMER_ERASE)  # not granted: no-op
        self.assertEqual(r.permissions, {Permission.TICKET_READ, Permission.TICKET_ASSIGN, Permission.REPORTS_READ})
        r.active = False
        self.assertTrue(r.allows(Permission.TICKET_READ))  # active or not

    def test_value_equality_and_unhashable(self):
        a = Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=["ticket_read"])
        b = Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=["ticket_read"])
        self.assertEqual(a, b)
        b.grant(Permission.TICKET_ASSIGN)
        self.assertNotEqual(a, b)
        self.assertNotEqual(a, "floor_lead")
        with self.assertRaises(TypeError):
            hash(a)

    def test_bad_arguments(self):
        with self.assertRaises(TypeError):
            Role("floor_lead", "楼面主管")
        with self.assertRaises(TypeError):
            Role("floor_lead", "楼面主管", None)
        with self.assertRaises(TypeError):
            Role(None, "楼面主管", RoleScope.STORE)
        with self.assertRaises(TypeError):
            Role("floor_lead", "楼面主管", RoleScope.STORE, ["ticket_read"])  # keyword-only
        with self.assertRaises(ValueError):
            Role("floor_lead", "楼面主管", "region")
        with self.assertRaises(csvc.InvalidArgument):
            Role("floor_lead", "楼面主管", 9)
        with self.assertRaises(csvc.InvalidArgument):
            Role("Floor Lead", "楼面主管", RoleScope.STORE)
        with self.assertRaises(csvc.InvalidArgument):
            Role("floor_lead", "", RoleScope.STORE)
        with self.assertRaises(csvc.OutOfRange):
            Role("r" * (csvc._csvc.ROLE_MAX_CODE + 1), "楼面主管", RoleScope.STORE)
        with self.assertRaises(csvc.OutOfRange):
            Role("floor_lead", "x" * (csvc._csvc.ROLE_MAX_NAME + 1), RoleScope.STORE)
        with self.assertRaises(TypeError):
            Role("floor_lead", "楼面主管", RoleScope.STORE, permissions="ticket_read")
        with self.assertRaises(TypeError):
            Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=[None])
        with self.assertRaises(ValueError):
            Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=["fly"])
        r = Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=["ticket_read"])
        before = Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=["ticket_read"])
        for call, exc in [(lambda: r.grant(None), TypeError), (lambda: r.grant(0), csvc.InvalidArgument),
                          (lambda: r.grant("fly"), ValueError), (lambda: r.revoke(999), csvc.InvalidArgument),
                          (lambda: r.allows(None), TypeError), (lambda: setattr(r, "name", None), TypeError),
                          (lambda: setattr(r, "scope", None), TypeError),
                          (lambda: setattr(r, "scope", "region"), ValueError),
                          (lambda: setattr(r, "code", "x"), AttributeError),
                          (lambda: setattr(r, "permissions", frozenset()), AttributeError),
                          (lambda: delattr(r, "active"), AttributeError)]:
            with self.subTest(call=call), self.assertRaises(exc):
                call()
        self.assertEqual(r, before)
        u = Role.__new__(Role)
        self.assertEqual(repr(u), "<csvc.Role uninitialised>")
        with self.assertRaises(csvc.InvalidArgument):
            u.grant(Permission.TICKET_READ)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_role(u)


class RoleStoreTest(StoreTestCase):
    def test_defaults_installed_and_idempotent(self):
        roles = self.store.roles()  # install_defaults ran in setUp
        self.assertIsInstance(roles, list)
        self.assertEqual([r.code for r in roles], HANDBOOK_ROLES)
        self.assertTrue(all(r.revision == 1 and r.active for r in roles))
        self.assertEqual([r.scope for r in roles], [RoleScope.STORE] * 7 + [RoleScope.CHAIN] * 2)
        receptionist = self.store.get_role("receptionist")
        self.assertEqual(receptionist.name, "前台接待")
        self.assertEqual(receptionist.permissions, RECEPTIONIST)
        self.assertEqual(receptionist, roles[0])
        # the host changes one; installing again leaves it as the host left it
        receptionist.grant(Permission.TICKET_TRANSITION)
        self.store.update_role(receptionist)
        head = self.store.feed_head()
        self.store.install_role_defaults()
        self.store.install_role_defaults()
        self.assertEqual(self.store.feed_head(), head)
        self.assertEqual([r.code for r in self.store.roles()], HANDBOOK_ROLES)
        self.assertEqual(self.store.get_role("receptionist").permissions, RECEPTIONIST | {Permission.TICKET_TRANSITION})

    def test_defaults_on_an_empty_store(self):
        with open_store(os.path.join(self.dir, "empty.db")) as s:
            self.assertEqual(s.roles(), [])
            s.install_role_defaults()
            s.install_role_defaults()
            self.assertEqual([r.code for r in s.roles()], HANDBOOK_ROLES)

    def test_create_get_update(self):
        r = Role("floor_lead", "楼面主管", RoleScope.STORE, permissions=[Permission.TICKET_READ, "ticket_assign"])
        self.assertIs(self.store.create_role(r, actor="admin"), r)
        self.assertEqual(r.revision, 1)
        got = self.store.get_role("floor_lead")
        self.assertEqual(got, r)
        self.assertEqual(self.store.roles()[-1], r)
        entry = self.store.feed_after(self.store.feed_head() - 1)[0]
        self.assertEqual((entry.type, entry.subject_kind, entry.reference, entry.actor),
                         ("role_created", "definition", "floor_lead", "admin"))
        with self.assertRaises(csvc.AlreadyExists):
            self.store.create_role(Role("floor_lead", "另一个", RoleScope.CHAIN))
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_role(got)  # saved already
        got.revoke(Permission.TICKET_ASSIGN)
        got.scope = RoleScope.CHAIN
        got.active = False
        self.assertIs(self.store.update_role(got, actor="admin"), got)
        self.assertEqual(got.revision, 2)
        self.assertEqual(self.store.feed_after(self.store.feed_head() - 1)[0].type, "role_updated")
        stored = self.store.get_role("floor_lead")
        self.assertEqual((stored.scope, stored.active, stored.permissions, stored.revision),
                         (RoleScope.CHAIN, False, {Permission.TICKET_READ}, 2))
        self.store.update_role(stored)  # nothing changed: nothing written
        self.assertEqual(stored.revision, 2)
        # stale revision
        r.name = "楼面组长"
        with self.assertRaises(csvc.Conflict):
            self.store.update_role(r)
        self.assertEqual((r.revision, r.name), (1, "楼面组长"))
        self.assertEqual(self.store.get_role("floor_lead").name, "楼面主管")
        with self.assertRaises(csvc.NotFound):
            self.store.get_role("nosuchrole")
        with self.assertRaises(csvc.InvalidArgument):
            self.store.update_role(Role("draft", "草稿", RoleScope.STORE))
        with self.assertRaises(TypeError):
            self.store.create_role(Staff("u1", "甲"))
        with self.assertRaises(TypeError):
            self.store.get_role(None)

    def test_clock_exception_leaves_the_role_as_it_was(self):
        fail = [False]
        base = FakeClock()

        def clock():
            if fail[0]:
                raise HookError("clock broke")
            return base()

        with open_store(os.path.join(self.dir, "clock.db"), clock=clock) as s:
            s.install_defaults()
            role = s.get_role("guide")
            draft = Role("night", "夜班", RoleScope.STORE, permissions=["ticket_read"])
            fail[0] = True
            with self.assertRaises(HookError):
                s.create_role(draft)
            self.assertEqual((draft.revision, draft.permissions), (0, {Permission.TICKET_READ}))
            role.grant(Permission.TICKET_ASSIGN)
            with self.assertRaises(HookError):
                s.update_role(role)
            self.assertEqual(role.revision, 1)
            self.assertTrue(role.allows(Permission.TICKET_ASSIGN))
            fail[0] = False
            self.assertEqual([r.code for r in s.roles()], HANDBOOK_ROLES)
            self.assertFalse(s.get_role("guide").allows(Permission.TICKET_ASSIGN))
            s.create_role(draft)
            s.update_role(role)
            self.assertEqual((draft.revision, role.revision), (1, 2))


class AccessControlTest(StoreTestCase):
    """Two Stores on one file (on PostgreSQL, one schema): self.store in
    trusted mode prepares and checks, self.a runs with access control on."""

    def setUp(self):
        super().setUp()
        for code, home, role in [("rita", "SH01", "receptionist"), ("alice", "SH01", "service_agent"),
                                 ("bob", "SH02", "service_agent"), ("admin", None, "data_admin"),
                                 ("gone", "SH01", "service_agent")]:
            self.store.create_staff(Staff(code, code, home_store=home, roles=[role]), actor="setup")
        gone = self.store.get_staff("gone")
        gone.active = False
        self.store.update_staff(gone)
        self.wang = self.customer("王芳", phones=["138-0013-8000"], emails=["wang.fang@example.cn"],
                                  home_store="SH01")
        self.a = open_store(self.path, clock=self.fake_clock, access_control=True)

    def tearDown(self):
        self.a.close()
        super().tearDown()

    def test_trusted_mode(self):
        self.assertIs(self.store.access_control, False)
        self.assertIs(self.a.access_control, True)
        self.assertIsNone(self.store.principal)
        self.assertIs(self.store.allows(Permission.CUSTOMER_ERASE), True)
        # a principal in trusted mode checks nothing but names the actor
        t = self.ticket("complaint", "SH02")
        self.store.set_principal("rita")
        self.assertEqual(self.store.principal, "rita")
        self.assertIs(self.store.allows("customer_erase"), True)
        self.store.transition_ticket(t, "analyse")
        self.assertEqual(list(self.store.ticket_history(t))[-1].actor, "rita")
        with self.assertRaises(csvc.AccessDenied):
            self.store.transition_ticket(t, "handle", actor="somebody")
        self.store.set_principal(None)
        self.assertIsNone(self.store.principal)

    def test_principal(self):
        # no principal: every guarded call is refused
        self.assertIsNone(self.a.principal)
        with self.assertRaises(csvc.AccessDenied) as cm:
            self.a.get_customer(self.wang.id)
        self.assertEqual(cm.exception.code, csvc.ErrorCode.EACCESS)
        with self.assertRaises(csvc.AccessDenied):
            self.a.roles()
        self.assertIs(self.a.allows(Permission.TICKET_READ), False)
        with self.assertRaises(csvc.NotFound):
            self.a.set_principal("nobody")
        self.assertIsNone(self.a.principal)
        with self.assertRaises(csvc.AccessDenied):
            self.a.set_principal("gone")
        self.assertIsNone(self.a.principal)
        with self.assertRaises(csvc.InvalidArgument):
            self.a.set_principal("bad\nname")
        with self.assertRaises(TypeError):
            self.a.set_principal(5)
        with self.assertRaises(TypeError):
            self.a.set_principal()
        # a failed change clears the principal it had
        self.a.set_principal("alice")
        self.assertEqual(self.a.principal, "alice")
        with self.assertRaises(csvc.NotFound):
            self.a.set_principal("nobody")
        self.assertIsNone(self.a.principal)
        with self.assertRaises(csvc.AccessDenied):
            self.a.get_customer(self.wang.id)

    def test_allows(self):
        self.a.set_principal("rita")
        allowed = {p for p in Permission if self.a.allows(p)}
        self.assertEqual(allowed, RECEPTIONIST)
        self.assertIs(self.a.allows("ticket_create"), True)
        self.assertIs(self.a.allows(Permission.CUSTOMER_ERASE), False)
        with self.assertRaises(csvc.InvalidArgument):
            self.a.allows(0)
        with self.assertRaises(ValueError):
            self.a.allows("fly")
        with self.assertRaises(TypeError):
            self.a.allows(None)
        self.a.set_principal("admin")
        self.assertIs(self.a.allows(Permission.CUSTOMER_ERASE), True)

    def test_receptionist_is_refused_an_erasure(self):
        self.a.set_principal("rita")
        with self.assertRaises(csvc.AccessDenied) as cm:
            self.a.erase_customer(self.wang.id)
        self.assertIn("customer_erase", str(cm.exception))
        self.assertIn("rita", str(cm.exception))
        self.assertIsNone(self.store.get_customer(self.wang.id).erased_at)

    def test_receptionist_reads_contacts_masked(self):
        self.a.set_principal("rita")
        c = self.a.get_customer(self.wang.id)
        self.assertIs(c.masked, True)
        self.assertEqual(c.phones, ("138****8000",))
        self.assertEqual(c.emails, ("w***@example.cn",))
        self.assertEqual(c.name, "王芳")
        # searching works on the real number, and shows it masked
        found = self.a.find_customer_by_phone("13800138000")
        self.assertEqual((found.id, found.phones, found.masked), (self.wang.id, ("138****8000",), True))
        self.assertEqual([x.phones for x in self.a.customers()], [("138****8000",)])
        # a masked record cannot be saved: stars never overwrite a number
        c.notes = "喜欢安静的试衣间"
        with self.assertRaises(csvc.AccessDenied):
            self.a.update_customer(c)
        stored = self.store.get_customer(self.wang.id)
        self.assertIs(stored.masked, False)
        self.assertEqual((stored.phones, stored.notes, stored.revision), (("138-0013-8000",), None, 1))
        self.assertNotEqual(c, stored)
        # a service agent sees the contacts and may save the record
        self.a.set_principal("alice")
        c = self.a.get_customer(self.wang.id)
        self.assertIs(c.masked, False)
        self.assertEqual(c.phones, ("138-0013-8000",))
        c.notes = "喜欢安静的试衣间"
        self.a.update_customer(c)
        self.assertEqual(self.store.get_customer(self.wang.id).notes, "喜欢安静的试衣间")

    def test_role_changes_take_effect_at_the_next_set_principal(self):
        self.a.set_principal("rita")
        receptionist = self.store.get_role("receptionist")
        receptionist.grant(Permission.CUSTOMER_READ_CONTACTS)
        self.store.update_role(receptionist)
        self.assertIs(self.a.get_customer(self.wang.id).masked, True)
        self.a.set_principal("rita")
        self.assertIs(self.a.get_customer(self.wang.id).masked, False)

    def test_actors(self):
        self.a.set_principal("rita")
        t = self.a.create_ticket(csvc.Ticket("complaint", "SH01", subject="收银台排队太久"))
        self.assertEqual(list(self.store.ticket_history(t))[-1].actor, "rita")
        self.a.create_ticket(csvc.Ticket("complaint", "SH01", subject="退货"), actor="rita")
        with self.assertRaises(csvc.AccessDenied):
            self.a.create_ticket(csvc.Ticket("complaint", "SH01", subject="退货"), actor="somebody")
        self.assertEqual(self.store.count_tickets(), 2)

    def test_scope(self):
        sh01 = self.ticket("complaint", "SH01")
        sh02 = self.ticket("complaint", "SH02")
        self.a.set_principal("rita")
        self.assertEqual(self.a.get_ticket(sh01.id).id, sh01.id)
        with self.assertRaises(csvc.AccessDenied):
            self.a.get_ticket(sh02.id)
        with self.assertRaises(csvc.AccessDenied):
            self.a.get_ticket_by_number(sh02.number)
        self.assertEqual([t.id for t in self.a.tickets()], [sh01.id])
        self.assertEqual(self.a.count_tickets(), 1)
        with self.assertRaises(csvc.AccessDenied):
            self.a.tickets(store_code="SH02")
        with self.assertRaises(csvc.AccessDenied):
            self.a.create_ticket(csvc.Ticket("complaint", "SH02", subject="退货"))
        # the other store's agent sees the other store's; head office sees both
        self.a.set_principal("bob")
        self.assertEqual([t.id for t in self.a.tickets()], [sh02.id])
        self.a.set_principal("admin")
        self.assertEqual(self.a.get_ticket(sh02.id).id, sh02.id)
        self.assertEqual(self.a.count_tickets(), 2)

    def test_roles_need_a_principal_and_staff_manage(self):
        self.a.set_principal("rita")
        self.assertEqual([r.code for r in self.a.roles()], HANDBOOK_ROLES)
        self.assertEqual(self.a.get_role("guide").code, "guide")
        with self.assertRaises(csvc.AccessDenied):
            self.a.create_role(Role("night", "夜班", RoleScope.STORE))
        guide = self.a.get_role("guide")
        guide.grant(Permission.CUSTOMER_SEARCH)
        with self.assertRaises(csvc.AccessDenied):
            self.a.update_role(guide)
        with self.assertRaises(csvc.AccessDenied):
            self.a.install_role_defaults()
        self.a.set_principal("admin")
        night = self.a.create_role(Role("night", "夜班", RoleScope.STORE, permissions=["ticket_read"]))
        self.assertEqual(night.revision, 1)
        entry = self.store.feed_after(self.store.feed_head() - 1)[0]
        self.assertEqual((entry.type, entry.actor), ("role_created", "admin"))
        self.a.update_role(guide)
        self.assertTrue(self.store.get_role("guide").allows(Permission.CUSTOMER_SEARCH))


if __name__ == "__main__":
    import unittest
    unittest.main()
