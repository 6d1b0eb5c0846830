"""The staff directory: Staff and Team records, Store.create_staff and the
other staff and team calls (docs/staff.md, docs/python.md)."""

import datetime
import os
import uuid

import csvc
from csvc import SkillKind, Staff, StaffStatus, Team, TeamKind
from csvc_testutil import FakeClock, StoreTestCase, open_store

OFFICE = '{"zone": "UTC", "versions": [{"week": {"mon": ["09:00-18:00"]}}]}'
DEFAULT_TEAMS = ["consult", "complaints", "floor", "membership", "property", "finance", "merchandise", "hr",
                 "marketing"]


class HookError(Exception):
    pass


class StaffRecordTest(StoreTestCase):
    def test_draft_defaults_and_setters(self):
        st = Staff("u001", "王芳")
        self.assertEqual((st.code, st.name), ("u001", "王芳"))
        self.assertIsNone(st.id)
        self.assertEqual(st.revision, 0)
        self.assertIsNone(st.created_at)
        self.assertIsNone(st.updated_at)
        self.assertIsNone(st.employee_number)
        self.assertIsNone(st.home_store)
        self.assertIsNone(st.calendar)
        self.assertIs(st.active, True)
        self.assertEqual((st.skills, st.teams, st.roles), ((), (), ()))
        st.name = "王芳芳"
        st.employee_number = "E-0001"
        st.home_store = "SH01"
        st.calendar = "office"
        st.active = False
        self.assertEqual((st.name, st.employee_number, st.home_store, st.calendar, st.active),
                         ("王芳芳", "E-0001", "SH01", "office", False))
        st.employee_number = None
        st.home_store = None
        st.calendar = None
        self.assertEqual((st.employee_number, st.home_store, st.calendar), (None, None, None))
        self.assertEqual(repr(st), "<csvc.Staff 'u001' draft name='王芳芳' inactive revision=0>")

    def test_skills_and_teams_are_sorted_tuples(self):
        st = Staff("u001", "王芳", skills=[(SkillKind.LANGUAGE, "zh"), ("channel", "phone"), (3, "en")],
                   teams=["floor", "consult"])
        self.assertEqual(st.skills, ((SkillKind.LANGUAGE, "en"), (SkillKind.LANGUAGE, "zh"),
                                     (SkillKind.CHANNEL, "phone")))
        self.assertIs(st.skills[0][0], SkillKind.LANGUAGE)
        self.assertEqual(st.teams, ("consult", "floor"))
        st.add_skill(SkillKind.LANGUAGE, "en")  # present: no-op
        st.add_skill("ticket_kind", "complaint")
        st.remove_skill(SkillKind.CHANNEL, "phone")
        self.assertEqual(st.skills, ((SkillKind.TICKET_KIND, "complaint"), (SkillKind.LANGUAGE, "en"),
                                     (SkillKind.LANGUAGE, "zh")))
        with self.assertRaises(csvc.NotFound):
            st.remove_skill(SkillKind.CHANNEL, "phone")
        st.add_team("consult")
        st.remove_team("floor")
        self.assertEqual(st.teams, ("consult",))
        with self.assertRaises(csvc.NotFound):
            st.remove_team("floor")

    def test_roles_are_a_sorted_tuple(self):
        st = Staff("u001", "王芳", roles=["supervisor", "cashier"])
        self.assertEqual(st.roles, ("cashier", "supervisor"))
        st.add_role("cashier")  # held: no-op
        st.add_role("auditor")
        st.remove_role("supervisor")
        self.assertEqual(st.roles, ("auditor", "cashier"))
        with self.assertRaises(csvc.NotFound):
            st.remove_role("supervisor")
        with self.assertRaises(csvc.InvalidArgument):
            st.add_role("Not A Code")
        with self.assertRaises(csvc.OutOfRange):
            st.add_role("r" * (csvc._csvc.ROLE_MAX_CODE + 1))
        with self.assertRaises(TypeError):
            st.add_role(None)
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", roles="cashier")
        self.assertEqual(st.roles, ("auditor", "cashier"))
        for i in range(csvc._csvc.STAFF_MAX_ROLES - 2):
            st.add_role("r%02d" % i)
        with self.assertRaises(csvc.OutOfRange):
            st.add_role("one_more")
        self.assertEqual(len(st.roles), csvc._csvc.STAFF_MAX_ROLES)
        self.assertNotEqual(st, Staff("u001", "王芳"))

    def test_value_equality_and_unhashable(self):
        a = Staff("u001", "王芳", home_store="SH01")
        b = Staff("u001", "王芳", home_store="SH01")
        self.assertEqual(a, b)
        b.home_store = "SH02"
        self.assertNotEqual(a, b)
        with self.assertRaises(TypeError):
            hash(a)

    def test_team_record(self):
        t = Team("night", "夜班", TeamKind.CS_GROUP)
        self.assertEqual((t.code, t.name, t.kind, t.store_code, t.active, t.revision),
                         ("night", "夜班", TeamKind.CS_GROUP, None, True, 0))
        self.assertIs(t.kind, TeamKind.CS_GROUP)
        self.assertIs(Team("legal", "法务", "department").kind, TeamKind.DEPARTMENT)
        t.store_code = "SH01"
        t.name = "夜班组"
        t.active = False
        self.assertEqual((t.store_code, t.name, t.active), ("SH01", "夜班组", False))
        self.assertEqual(repr(t), "<csvc.Team 'night' name='夜班组' kind=cs_group inactive revision=0>")
        self.assertEqual(t, Team("night", "夜班组", TeamKind.CS_GROUP, store_code="SH01", active=False))
        with self.assertRaises(TypeError):
            hash(t)


class StaffStoreTest(StoreTestCase):
    def test_create_get_update_deactivate(self):
        st = Staff("u001", "王芳", employee_number="E-0001", home_store="SH01", teams=["consult"],
                   skills=[(SkillKind.LANGUAGE, "zh")])
        self.assertIs(self.store.create_staff(st, actor="hr-1"), st)
        self.assertIsInstance(st.id, uuid.UUID)
        self.assertEqual(st.revision, 1)
        self.assertEqual(st.created_at, self.fake_clock.now)
        self.assertEqual(st.created_at.tzinfo, datetime.timezone.utc)
        self.assertEqual(st.updated_at, st.created_at)

        got = self.store.get_staff("u001")
        self.assertEqual(got, st)
        self.assertEqual(self.store.get_staff_by_id(st.id), st)
        self.assertEqual(self.store.get_staff_by_id(str(st.id)), st)
        self.assertEqual(self.store.get_staff_by_id(st), st)

        got.name = "王芳芳"
        got.add_team("complaints")
        got.add_skill(SkillKind.LANGUAGE, "en")
        self.assertIs(self.store.update_staff(got, actor="hr-1"), got)
        self.assertEqual(got.revision, 2)
        self.assertGreater(got.updated_at, got.created_at)
        again = self.store.get_staff("u001")
        self.assertEqual(again, got)
        self.assertEqual(again.teams, ("complaints", "consult"))
        self.assertEqual(again.skills, ((SkillKind.LANGUAGE, "en"), (SkillKind.LANGUAGE, "zh")))

        # an update that changes nothing keeps the revision
        self.store.update_staff(again)
        self.assertEqual(again.revision, 2)

        # deactivated, never deleted
        again.active = False
        self.store.update_staff(again)
        self.assertEqual(again.revision, 3)
        self.assertFalse(self.store.get_staff("u001").active)
        self.assertEqual(list(self.store.staff()), [])
        self.assertEqual([s.code for s in self.store.staff(status=StaffStatus.INACTIVE)], ["u001"])
        self.assertEqual([s.code for s in self.store.staff(status="any")], ["u001"])
        self.assertEqual(list(self.store.team_members("consult")), [])

    def test_changes_reach_the_feed(self):
        st = self.store.create_staff(Staff("u001", "王芳", teams=["consult"]))
        st.active = False
        self.store.update_staff(st)
        types = [(e.subject_kind, e.type) for e in self.store.feed_after(0, 1000) if e.subject_kind == "staff"]
        self.assertEqual(types, [("staff", "created"), ("staff", "joined_team"), ("staff", "deactivated")])

    def test_roles_saved_with_the_record(self):
        with self.assertRaises(csvc.NotFound):
            self.store.create_staff(Staff("u001", "王芳", roles=["receptionist", "nosuchrole"]))
        self.assertEqual(list(self.store.staff(status=StaffStatus.ANY)), [])
        st = self.store.create_staff(Staff("u001", "王芳", roles=["receptionist", "cashier"]), actor="hr-1")
        self.assertEqual(self.store.get_staff("u001").roles, ("cashier", "receptionist"))
        st.remove_role("cashier")
        st.add_role("supervisor")
        self.store.update_staff(st, actor="hr-1")
        self.assertEqual(st.revision, 2)
        self.assertEqual(self.store.get_staff("u001").roles, ("receptionist", "supervisor"))
        entries = [(e.type, e.payload) for e in self.store.feed_after(0, 1000) if e.subject_kind == "staff"]
        self.assertEqual(entries, [("created", None), ("granted_role", '{"role":"cashier"}'),
                                   ("granted_role", '{"role":"receptionist"}'),
                                   ("revoked_role", '{"role":"cashier"}'),
                                   ("granted_role", '{"role":"supervisor"}')])
        st.add_role("nosuchrole")
        with self.assertRaises(csvc.NotFound):
            self.store.update_staff(st)
        self.assertEqual(self.store.get_staff("u001").revision, 2)

    def test_conflict_on_a_stale_revision(self):
        st = self.store.create_staff(Staff("u001", "王芳"))
        other = self.store.get_staff("u001")
        other.name = "王芳芳"
        self.store.update_staff(other)
        st.home_store = "SH02"
        with self.assertRaises(csvc.Conflict):
            self.store.update_staff(st)
        self.assertEqual((st.revision, st.home_store), (1, "SH02"))  # the record is unchanged
        stored = self.store.get_staff("u001")
        self.assertEqual((stored.revision, stored.name, stored.home_store), (2, "王芳芳", None))

    def test_duplicate_code_and_employee_number(self):
        self.store.create_staff(Staff("u001", "王芳", employee_number="E-0001"))
        dup = Staff("u001", "李雷")
        with self.assertRaises(csvc.AlreadyExists):
            self.store.create_staff(dup)
        self.assertIsNone(dup.id)
        self.assertEqual(dup.revision, 0)
        with self.assertRaises(csvc.AlreadyExists):
            self.store.create_staff(Staff("u002", "李雷", employee_number="E-0001"))
        self.assertEqual([s.code for s in self.store.staff()], ["u001"])

    def test_unknown_team_or_calendar(self):
        with self.assertRaises(csvc.NotFound):
            self.store.create_staff(Staff("u001", "王芳", teams=["nosuchteam"]))
        with self.assertRaises(csvc.NotFound):
            self.store.create_staff(Staff("u001", "王芳", calendar="nosuchcalendar"))
        self.assertEqual(list(self.store.staff(status=StaffStatus.ANY)), [])
        with self.assertRaises(csvc.NotFound):
            self.store.get_staff("u001")
        st = self.store.create_staff(Staff("u001", "王芳"))
        st.add_team("nosuchteam")
        with self.assertRaises(csvc.NotFound):
            self.store.update_staff(st)
        self.assertEqual(self.store.get_staff("u001").teams, ())
        with self.assertRaises(csvc.NotFound):
            self.store.get_staff_by_id(uuid.uuid4())
        with self.assertRaises(csvc.NotFound):
            self.store.get_team("nosuchteam")
        with self.assertRaises(csvc.NotFound):
            self.store.team_members("nosuchteam")
        with self.assertRaises(csvc.NotFound):
            self.store.staff(team="nosuchteam")

    def test_calendar_must_be_stored(self):
        self.store.save_calendar("office", csvc.Calendar.parse(OFFICE))
        st = self.store.create_staff(Staff("u001", "王芳", calendar="office"))
        self.assertEqual(self.store.get_staff("u001").calendar, "office")
        st.calendar = None
        self.store.update_staff(st)
        self.assertIsNone(self.store.get_staff("u001").calendar)

    def test_filters_in_iteration(self):
        S = self.store
        S.create_staff(Staff("u1", "甲", home_store="SH01", teams=["consult"],
                             skills=[(SkillKind.LANGUAGE, "en"), (SkillKind.LANGUAGE, "zh")]))
        S.create_staff(Staff("u2", "乙", home_store="SH02", teams=["consult", "complaints"],
                             skills=[(SkillKind.LANGUAGE, "zh"), (SkillKind.CHANNEL, "phone")]))
        S.create_staff(Staff("u3", "丙", home_store="SH01", teams=["complaints"],
                             skills=[(SkillKind.LANGUAGE, "en")]))
        S.create_staff(Staff("u4", "丁", home_store="SH01", teams=["consult"], active=False,
                             skills=[(SkillKind.LANGUAGE, "en")]))

        def codes(it):
            return [s.code for s in it]

        self.assertEqual(codes(S.staff()), ["u1", "u2", "u3"])
        self.assertEqual(codes(S.staff(team="consult")), ["u1", "u2"])
        self.assertEqual(codes(S.staff(home_store="SH01")), ["u1", "u3"])
        self.assertEqual(codes(S.staff(skill=(SkillKind.LANGUAGE, "en"))), ["u1", "u3"])
        self.assertEqual(codes(S.staff(skill=("language", "en"), status=StaffStatus.ANY)), ["u1", "u3", "u4"])
        self.assertEqual(codes(S.staff(skill=(SkillKind.CHANNEL, "phone"))), ["u2"])
        self.assertEqual(codes(S.staff(skill=(SkillKind.LANGUAGE, "fr"))), [])
        self.assertEqual(codes(S.staff(team="consult", home_store="SH01", status=StaffStatus.ANY)), ["u1", "u4"])
        self.assertEqual(codes(S.staff(team="consult", skill=(SkillKind.LANGUAGE, "zh"))), ["u1", "u2"])
        self.assertEqual(codes(S.team_members("consult")), ["u1", "u2"])
        self.assertEqual(codes(S.team_members("complaints")), ["u2", "u3"])
        # keyset paging
        first = list(S.staff(limit=2))
        self.assertEqual(codes(first), ["u1", "u2"])
        self.assertEqual(codes(S.staff(after=first[-1])), ["u3"])
        self.assertEqual(codes(S.staff(after=first[-1].id, limit=1)), ["u3"])
        with S.staff() as it:
            self.assertEqual(next(it).code, "u1")
        self.assertTrue(it.closed)

    def test_iterator_is_invalidated_by_close(self):
        with open_store(os.path.join(self.dir, "iter.db")) as s:
            s.install_defaults()
            s.create_staff(Staff("u1", "甲"))
            s.create_staff(Staff("u2", "乙"))
            it = s.staff()
            next(it)
        with self.assertRaises(csvc.StoreClosed):
            next(it)

    def test_records_outlive_the_store(self):
        with open_store(os.path.join(self.dir, "outlive.db")) as s:
            s.install_defaults()
            st = s.create_staff(Staff("u1", "甲", teams=["hr"]))
            team = s.get_team("hr")
        self.assertEqual((st.code, st.teams, st.revision), ("u1", ("hr",), 1))
        self.assertEqual((team.code, team.name), ("hr", "人事"))


class TeamStoreTest(StoreTestCase):
    def test_defaults_installed_and_idempotent(self):
        teams = self.store.teams()  # install_defaults ran in setUp
        self.assertEqual([t.code for t in teams], DEFAULT_TEAMS)
        self.assertTrue(all(t.revision == 1 and t.active and t.store_code is None for t in teams))
        self.assertEqual([t.name for t in teams[:2]], ["咨询组", "投诉处理组"])
        self.assertEqual([t.code for t in self.store.teams(TeamKind.CS_GROUP)], DEFAULT_TEAMS[:4])
        self.assertEqual([t.code for t in self.store.teams(kind="department")], DEFAULT_TEAMS[4:])
        # the host renames one; installing again leaves it as the host left it
        hr = self.store.get_team("hr")
        hr.name = "人力资源部"
        self.store.update_team(hr)
        head = self.store.feed_head()
        self.store.install_team_defaults()
        self.store.install_team_defaults()
        self.assertEqual(self.store.feed_head(), head)
        self.assertEqual([t.code for t in self.store.teams()], DEFAULT_TEAMS)
        self.assertEqual(self.store.get_team("hr").name, "人力资源部")
        self.assertEqual(self.store.get_team("hr").revision, 2)

    def test_defaults_on_an_empty_store(self):
        with open_store(os.path.join(self.dir, "empty.db")) as s:
            self.assertEqual(s.teams(), [])
            s.install_team_defaults()
            s.install_team_defaults()
            self.assertEqual([t.code for t in s.teams()], DEFAULT_TEAMS)

    def test_create_get_update(self):
        t = Team("night", "夜班", TeamKind.CS_GROUP, store_code="SH01")
        self.assertIs(self.store.create_team(t, actor="admin"), t)
        self.assertEqual(t.revision, 1)
        got = self.store.get_team("night")
        self.assertEqual(got, t)
        self.assertEqual(self.store.teams()[-1], t)
        with self.assertRaises(csvc.AlreadyExists):
            self.store.create_team(Team("night", "另一个", TeamKind.DEPARTMENT))
        got.store_code = None
        got.active = False
        self.store.update_team(got)
        self.assertEqual(got.revision, 2)
        stored = self.store.get_team("night")
        self.assertEqual((stored.store_code, stored.active, stored.revision), (None, False, 2))
        # stale revision
        t.name = "夜班组"
        with self.assertRaises(csvc.Conflict):
            self.store.update_team(t)
        self.assertEqual(t.revision, 1)
        self.assertEqual(self.store.get_team("night").name, "夜班")

    def test_deactivated_team_keeps_its_members(self):
        self.store.create_staff(Staff("u1", "甲", teams=["floor"]))
        floor = self.store.get_team("floor")
        floor.active = False
        self.store.update_team(floor)
        self.assertEqual([s.code for s in self.store.team_members("floor")], ["u1"])


class BadInputTest(StoreTestCase):
    """Bad input raises a clear exception and changes nothing."""

    def assertNothingSaved(self):
        self.assertEqual(list(self.store.staff(status=StaffStatus.ANY)), [])

    def test_constructor_arguments(self):
        with self.assertRaises(TypeError):
            Staff(None, "王芳")
        with self.assertRaises(TypeError):
            Staff("u001", None)
        with self.assertRaises(TypeError):
            Staff("u001")
        with self.assertRaises(TypeError):
            Staff(1, "王芳")
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", "E-1")  # the optional fields are keyword-only
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", employee_number=7)
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", colour="red")
        with self.assertRaises(csvc.InvalidArgument):
            Staff("", "王芳")
        with self.assertRaises(csvc.InvalidArgument):
            Staff(" u001", "王芳")
        with self.assertRaises(csvc.InvalidArgument):
            Staff("u001", "王\n芳")
        with self.assertRaises(ValueError):
            Staff("u\x00001", "王芳")
        with self.assertRaises(csvc.OutOfRange):
            Staff("u" * (csvc._csvc.STAFF_MAX_CODE + 1), "王芳")
        with self.assertRaises(csvc.OutOfRange):
            Staff("u001", "名" * csvc._csvc.STAFF_MAX_NAME)  # 3 bytes each
        Staff("u" * csvc._csvc.STAFF_MAX_CODE, "王芳")  # the limit itself is fine

    def test_skills_and_teams_arguments(self):
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", skills=[SkillKind.LANGUAGE, "en"])
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", skills=[(SkillKind.LANGUAGE, None)])
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", skills=[(None, "en")])
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", skills=5)
        with self.assertRaises(csvc.InvalidArgument):
            Staff("u001", "王芳", skills=[(99, "en")])
        with self.assertRaises(ValueError):
            Staff("u001", "王芳", skills=[("klingon", "en")])
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", teams="consult")
        with self.assertRaises(TypeError):
            Staff("u001", "王芳", teams=[None])
        with self.assertRaises(csvc.InvalidArgument):
            Staff("u001", "王芳", teams=["Not A Code"])
        with self.assertRaises(csvc.OutOfRange):
            Staff("u001", "王芳", teams=["t" * (csvc._csvc.TEAM_MAX_CODE + 1)])

    def test_setters_change_nothing_on_failure(self):
        st = self.store.create_staff(Staff("u001", "王芳", home_store="SH01", skills=[(SkillKind.LANGUAGE, "zh")]))
        before = self.store.get_staff("u001")
        for attr, value, exc in [
            ("name", None, TypeError),
            ("name", 3, TypeError),
            ("name", "", csvc.InvalidArgument),
            ("name", "x" * (csvc._csvc.STAFF_MAX_NAME + 1), csvc.OutOfRange),
            ("employee_number", "e" * (csvc._csvc.STAFF_MAX_EMPLOYEE_NO + 1), csvc.OutOfRange),
            ("employee_number", b"E-1", TypeError),
            ("home_store", "SH 01", csvc.InvalidArgument),
            ("home_store", "S" * (csvc._csvc.STAFF_MAX_STORE_CODE + 1), csvc.OutOfRange),
            ("calendar", "c" * (csvc._csvc.STAFF_MAX_CALENDAR + 1), csvc.OutOfRange),
            ("calendar", "a\tb", csvc.InvalidArgument),
        ]:
            with self.subTest(attr=attr, value=value):
                with self.assertRaises(exc):
                    setattr(st, attr, value)
                self.assertEqual(st, before)
        for attr in ("name", "active"):
            with self.subTest(delete=attr), self.assertRaises(AttributeError):
                delattr(st, attr)
        for attr in ("id", "code", "revision", "created_at", "skills", "teams"):
            with self.subTest(read_only=attr), self.assertRaises(AttributeError):
                setattr(st, attr, None)
        with self.assertRaises(TypeError):
            st.add_skill(None, "en")
        with self.assertRaises(TypeError):
            st.add_skill(SkillKind.LANGUAGE, None)
        with self.assertRaises(TypeError):
            st.add_skill(SkillKind.LANGUAGE)
        with self.assertRaises(csvc.InvalidArgument):
            st.add_skill(0, "en")
        with self.assertRaises(OverflowError):
            st.add_skill(2 ** 40, "en")
        with self.assertRaises(csvc.OutOfRange):
            st.add_skill(SkillKind.LANGUAGE, "x" * (csvc._csvc.STAFF_MAX_SKILL + 1))
        with self.assertRaises(TypeError):
            st.add_team(None)
        with self.assertRaises(TypeError):
            st.add_team(["consult"])
        self.assertEqual(st, before)
        self.store.update_staff(st)  # nothing changed: nothing written
        self.assertEqual(st.revision, 1)

    def test_too_many_skills_and_teams(self):
        st = Staff("u001", "王芳")
        for i in range(csvc._csvc.STAFF_MAX_SKILLS):
            st.add_skill(SkillKind.CATEGORY, "c%02d" % i)
        with self.assertRaises(csvc.OutOfRange):
            st.add_skill(SkillKind.CATEGORY, "one-more")
        self.assertEqual(len(st.skills), csvc._csvc.STAFF_MAX_SKILLS)
        for i in range(csvc._csvc.STAFF_MAX_TEAMS):
            st.add_team("t%02d" % i)
        with self.assertRaises(csvc.OutOfRange):
            st.add_team("one-more")
        self.assertEqual(len(st.teams), csvc._csvc.STAFF_MAX_TEAMS)

    def test_store_call_arguments(self):
        with self.assertRaises(TypeError):
            self.store.create_staff(None)
        with self.assertRaises(TypeError):
            self.store.create_staff(csvc.Customer(name="王芳"))
        with self.assertRaises(TypeError):
            self.store.update_staff("u001")
        with self.assertRaises(csvc.InvalidArgument):
            self.store.update_staff(Staff("u001", "王芳"))  # a draft
        with self.assertRaises(csvc.OutOfRange):
            self.store.create_staff(Staff("u001", "王芳"), actor="a" * (csvc._csvc.STAFF_MAX_ACTOR + 1))
        with self.assertRaises(TypeError):
            self.store.create_staff(Staff("u001", "王芳"), actor=5)
        st = self.store.create_staff(Staff("u001", "王芳"))
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_staff(st)  # already saved
        self.assertEqual(st.revision, 1)
        with self.assertRaises(TypeError):
            self.store.get_staff(None)
        with self.assertRaises(csvc.OutOfRange):
            self.store.get_staff("u" * (csvc._csvc.STAFF_MAX_CODE + 1))
        with self.assertRaises(TypeError):
            self.store.get_staff_by_id(None)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.get_staff_by_id("not-a-uuid")
        with self.assertRaises(csvc.InvalidArgument):
            self.store.get_staff_by_id(Staff("u002", "李雷"))  # a draft has no id
        self.assertEqual([s.code for s in self.store.staff(status=StaffStatus.ANY)], ["u001"])

    def test_query_arguments(self):
        S = self.store
        with self.assertRaises(TypeError):
            S.staff(skill=SkillKind.LANGUAGE)
        with self.assertRaises(TypeError):
            S.staff(skill=(SkillKind.LANGUAGE,))
        with self.assertRaises(TypeError):
            S.staff(skill=(SkillKind.LANGUAGE, None))
        with self.assertRaises(csvc.InvalidArgument):
            S.staff(skill=(99, "en"))
        with self.assertRaises(csvc.InvalidArgument):
            S.staff(status=7)
        with self.assertRaises(ValueError):
            S.staff(status="sometimes")
        with self.assertRaises(TypeError):
            S.staff(team=5)
        with self.assertRaises(TypeError):
            S.staff("consult")  # keyword-only
        with self.assertRaises(ValueError):
            S.staff(limit=-1)
        with self.assertRaises(csvc.InvalidArgument):
            S.staff(home_store="SH 01")
        with self.assertRaises(csvc.NotFound):
            S.staff(after=uuid.uuid4())
        with self.assertRaises(csvc.InvalidArgument):
            S.teams(kind=9)
        with self.assertRaises(ValueError):
            S.teams(kind="squad")
        with self.assertRaises(TypeError):
            S.team_members(None)

    def test_team_arguments(self):
        with self.assertRaises(TypeError):
            Team("night", "夜班")
        with self.assertRaises(TypeError):
            Team("night", "夜班", None)
        with self.assertRaises(TypeError):
            Team(None, "夜班", TeamKind.CS_GROUP)
        with self.assertRaises(csvc.InvalidArgument):
            Team("night", "夜班", 9)
        with self.assertRaises(ValueError):
            Team("night", "夜班", "squad")
        with self.assertRaises(csvc.InvalidArgument):
            Team("Night Shift", "夜班", TeamKind.CS_GROUP)
        with self.assertRaises(csvc.OutOfRange):
            Team("n" * (csvc._csvc.TEAM_MAX_CODE + 1), "夜班", TeamKind.CS_GROUP)
        with self.assertRaises(csvc.OutOfRange):
            Team("night", "x" * (csvc._csvc.TEAM_MAX_NAME + 1), TeamKind.CS_GROUP)
        t = Team("night", "夜班", TeamKind.CS_GROUP)
        with self.assertRaises(TypeError):
            t.name = None
        with self.assertRaises(csvc.InvalidArgument):
            t.store_code = "SH 01"
        with self.assertRaises(AttributeError):
            t.kind = TeamKind.DEPARTMENT
        self.assertEqual(t, Team("night", "夜班", TeamKind.CS_GROUP))
        with self.assertRaises(TypeError):
            self.store.create_team(Staff("u1", "甲"))
        with self.assertRaises(csvc.InvalidArgument):
            self.store.update_team(t)  # a draft
        self.assertEqual(len(self.store.teams()), len(DEFAULT_TEAMS))

    def test_uninitialised_records(self):
        st = Staff.__new__(Staff)
        with self.assertRaises(csvc.InvalidArgument):
            st.name = "x"
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_staff(st)
        self.assertEqual(repr(st), "<csvc.Staff uninitialised>")
        t = Team.__new__(Team)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_team(t)
        self.assertNothingSaved()


class StaffClockTest(StoreTestCase):
    def test_clock_exception_leaves_records_as_they_were(self):
        fail = [False]
        base = FakeClock()

        def clock():
            if fail[0]:
                raise HookError("clock broke")
            return base()

        with open_store(os.path.join(self.dir, "clock.db"), clock=clock) as s:
            s.install_defaults()
            saved = s.create_staff(Staff("u1", "甲", teams=["consult"]))
            team = s.get_team("hr")
            fail[0] = True
            draft = Staff("u2", "乙", skills=[(SkillKind.LANGUAGE, "en")], teams=["floor"])
            with self.assertRaises(HookError):
                s.create_staff(draft)
            self.assertIsNone(draft.id)
            self.assertEqual((draft.revision, draft.skills, draft.teams),
                             (0, ((SkillKind.LANGUAGE, "en"),), ("floor",)))
            saved.name = "甲甲"
            saved.add_skill(SkillKind.CHANNEL, "phone")
            with self.assertRaises(HookError):
                s.update_staff(saved)
            self.assertEqual((saved.revision, saved.name, saved.skills), (1, "甲甲", ((SkillKind.CHANNEL, "phone"),)))
            team.name = "人力资源部"
            with self.assertRaises(HookError):
                s.update_team(team)
            self.assertEqual((team.revision, team.name), (1, "人力资源部"))
            fail[0] = False
            self.assertEqual([x.code for x in s.staff(status=StaffStatus.ANY)], ["u1"])
            self.assertEqual(s.get_staff("u1").name, "甲")
            self.assertEqual(s.get_team("hr").name, "人事")
            # the records can be saved once the clock works again
            s.create_staff(draft)
            s.update_staff(saved)
            s.update_team(team)
            self.assertEqual((draft.revision, saved.revision, team.revision), (1, 2, 2))
            self.assertEqual(s.get_staff("u1").name, "甲甲")


if __name__ == "__main__":
    import unittest
    unittest.main()
