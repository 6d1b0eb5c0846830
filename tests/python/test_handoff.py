"""Hand-offs: Store.handoff_ticket, Store.ticket_subtasks and the SLA
policy setting SlaPolicyTarget.pause_on_handoff (docs/tickets.md
"Hand-offs", docs/python.md)."""

import datetime
import os
import shutil
import tempfile
import unittest

import csvc
from csvc_testutil import ManualClock, open_store

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
H = datetime.timedelta(hours=1)


class HandoffTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="csvc-handoff-")
        self.path = os.path.join(self.dir, "test.db")
        self.clock = ManualClock(T0)
        self.store = open_store(self.path, clock=self.clock)
        self.store.install_defaults()

    def tearDown(self):
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def parent(self, kind="facility"):
        return self.store.create_ticket(csvc.Ticket(kind, "SH01", subject="停车场照明坏了", assignee="desk1",
                                                    team="consult"), actor="desk1")

    def events(self, ticket):
        return [(e.type, e.data) for e in self.store.ticket_history(ticket)]

    def test_handoff_and_subtasks(self):
        s = self.store
        s.create_staff(csvc.Staff("P001", "周工", teams=["property"]))
        parent = self.parent()
        self.clock.now = T0 + H
        child = s.handoff_ticket(parent, "property", subject="更换照明", assignee="P001",
                                 expected_revision=parent.revision, actor="desk1")
        self.assertIsInstance(child, csvc.Ticket)
        self.assertEqual((child.kind, child.state, child.team, child.assignee, child.store_code),
                         ("handoff", "requested", "property", "P001", "SH01"))
        self.assertNotEqual(child.number, parent.number)
        other = s.handoff_ticket(parent.id, "finance", kind="inquiry", description="退款\n两笔")
        self.assertIsNone(other.assignee)
        self.assertEqual(other.kind, "inquiry")
        after = s.get_ticket(parent)
        self.assertEqual((after.assignee, after.team, after.state), ("desk1", "consult", parent.state))
        handed = [d for t, d in self.events(parent) if t == "handed_off"]
        self.assertEqual(handed, [{"child": child.number, "department": "property", "link": "parent_of"},
                                  {"child": other.number, "department": "finance", "link": "parent_of"}])
        subs = s.ticket_subtasks(parent)
        self.assertEqual([t.number for t in subs], [child.number, other.number])
        self.assertEqual(s.ticket_subtasks(child), [])
        # The sub-task ends: the parent's history says so.
        s.transition_ticket(child, "accept")
        s.transition_ticket(child, "complete")
        kinds = [t for t, _ in self.events(parent)]
        self.assertEqual(kinds[-1], "handoff_returned")
        self.assertEqual([t.state_category for t in s.ticket_subtasks(parent)],
                         [csvc.StateCategory.CLOSED, csvc.StateCategory.NEW])

    def test_refusals_change_nothing(self):
        s = self.store
        parent = self.parent()
        with self.assertRaises(csvc.NotFound):
            s.handoff_ticket(parent, "nowhere")
        with self.assertRaises(csvc.InvalidArgument):
            s.handoff_ticket(parent, "consult")
        with self.assertRaises(csvc.Conflict):
            s.handoff_ticket(parent, "finance", expected_revision=9)
        child = s.handoff_ticket(parent, "finance")
        with self.assertRaises(csvc.InvalidTransition):
            s.handoff_ticket(child, "hr")
        self.assertEqual(len(s.ticket_subtasks(parent)), 1)
        self.assertEqual(s.get_ticket(parent).revision, 2)

    def test_sla_pauses_while_a_subtask_is_open(self):
        s = self.store
        p = csvc.SlaPolicy("facility_handoff", 0, match_kind="facility")
        p.add_target("resolution", datetime.timedelta(hours=10), csvc.SlaCalendar.TWENTY_FOUR_SEVEN) \
            .met_by_category(csvc.StateCategory.RESOLVED).pause_on_handoff()
        s.save_sla_policy(p)
        parent = self.parent()
        self.clock.now = T0 + H
        child = s.handoff_ticket(parent, "property")
        res = {t.name: t for t in s.sla_targets(parent)}["resolution"]
        self.assertEqual(res.status, csvc.SlaStatus.PAUSED)
        self.clock.now = T0 + 4 * H
        s.transition_ticket(child, "decline")
        res = {t.name: t for t in s.sla_targets(parent)}["resolution"]
        self.assertEqual(res.status, csvc.SlaStatus.RUNNING)
        self.assertEqual(res.due_at, T0 + 4 * H + 9 * H)
        self.assertTrue(s.sla_recompute(parent))


if __name__ == "__main__":
    unittest.main()
