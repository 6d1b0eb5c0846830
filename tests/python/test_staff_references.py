"""Staff references: Store.staff_references, set_staff_references and
adopt_staff (docs/staff.md "References and your own staff IDs")."""

import csvc
from csvc import Staff
from csvc_testutil import StoreTestCase, open_store


class StaffReferencesTest(StoreTestCase):
    def ticket(self, assignee=None, team=None, actor=None):
        t = csvc.Ticket("complaint", "SH01", subject="退货")
        if assignee or team:
            t.set_assignee(assignee, team)
        return self.store.create_ticket(t, actor=actor)

    def test_system_actors(self):
        self.assertIs(csvc.is_system_actor("sla"), True)
        self.assertIs(csvc.is_system_actor("system"), True)
        self.assertIs(csvc.is_system_actor("alice"), False)
        with self.assertRaises(TypeError):
            csvc.is_system_actor(None)

    def test_off_by_default_and_stored(self):
        self.assertIs(self.store.staff_references(), False)
        self.ticket("Somebody", "no_such_team", actor="whoever")  # free text, as before
        self.store.create_staff(Staff("alice", "Alice"))
        self.store.set_staff_references(True, actor="alice")
        self.assertIs(self.store.staff_references(), True)
        # Another handle on the store obeys it.
        other = open_store(self.path)
        try:
            self.assertIs(other.staff_references(), True)
            with self.assertRaises(csvc.NotFound):
                other.create_ticket(csvc.Ticket("complaint", "SH01", subject="x"), actor="stranger")
        finally:
            other.close()
        self.store.set_staff_references(False)
        self.assertIs(self.store.staff_references(), False)

    def test_checks_and_refusals(self):
        self.store.create_staff(Staff("alice", "Alice"))
        gone = self.store.create_staff(Staff("gone", "Gone"))
        gone.active = False
        self.store.update_staff(gone)
        self.store.set_staff_references(True)
        t = self.ticket("alice", "complaints", actor="alice")
        self.ticket("alice", actor="sla")
        self.ticket("alice", actor="system")
        with self.assertRaises(csvc.NotFound) as cm:
            self.ticket("nobody")
        self.assertIn("nobody", str(cm.exception))
        with self.assertRaises(csvc.NotFound):
            self.ticket("alice", "nowhere")
        with self.assertRaises(csvc.InvalidTransition):
            self.ticket("gone")
        with self.assertRaises(csvc.NotFound):
            self.store.assign_ticket(t.id, "nobody", actor="alice")
        with self.assertRaises(csvc.NotFound):
            self.store.create_customer(csvc.Customer(name="李四"), actor="stranger")
        self.store.create_customer(csvc.Customer(name="李四"), actor="gone")  # a former colleague

    def test_adopt(self):
        self.ticket("Wang Fang", "complaints_b", actor="clerk")
        self.ticket("li", actor="clerk")
        self.assertEqual(self.store.adopt_staff(actor="admin"), (4, 1))  # Wang Fang, li, clerk, admin
        self.assertIs(self.store.staff_references(), True)
        self.assertEqual(self.store.get_staff("Wang Fang").name, "Wang Fang")
        self.assertEqual(self.store.get_team("complaints_b").code, "complaints_b")
        self.assertEqual(self.store.adopt_staff(), (0, 0))

    def test_adopt_refuses(self):
        self.ticket("Wang Fang", "Complaints Team")
        with self.assertRaises(csvc.InvalidArgument) as cm:
            self.store.adopt_staff()
        self.assertIn("Complaints Team", str(cm.exception))
        self.assertIs(self.store.staff_references(), False)
        with self.assertRaises(csvc.NotFound):
            self.store.get_staff("Wang Fang")
