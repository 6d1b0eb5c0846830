"""Transition guards: Workflow.require_field / require_approval,
Store.transition_ticket(inputs=...) and Store.approve_ticket
(docs/workflows.md "Guards", docs/python.md)."""

import csvc
from csvc import Guard, Role, Staff, StateCategory, Workflow
from csvc_testutil import StoreTestCase, open_store


def repair_workflow():
    wf = Workflow("repair")
    wf.add_state("open", StateCategory.OPEN, "处理中", "Open")
    wf.add_state("resolved", StateCategory.RESOLVED, "已解决", "Resolved")
    wf.add_state("refunded", StateCategory.RESOLVED, "已退款", "Refunded")
    wf.add_state("closed", StateCategory.CLOSED, "已关闭", "Closed")
    wf.add_transition("resolve", "open", "resolved")
    wf.add_transition("refund", "open", "refunded")
    wf.add_transition("reopen", "refunded", "open")
    wf.add_transition("close", "resolved", "closed")
    wf.add_transition("close", "refunded", "closed")
    wf.require_field("resolve", "outcome")
    wf.require_approval("refund", "supervisor", "amount", 500)
    return wf


class GuardTest(StoreTestCase):
    def setUp(self):
        super().setUp()
        self.assertEqual(self.store.save_workflow(repair_workflow()), 1)
        self.store.define_ticket_kind("repair", "repair", "维修", "Repair")
        for code, role in (("alice", "service_agent"), ("sam", "supervisor")):
            self.store.create_staff(Staff(code, code, home_store="SH01", roles=[role]), actor="setup")

    def test_definition(self):
        wf = repair_workflow()
        self.assertEqual(wf.guards, (Guard("resolve", "outcome", None, 0), Guard("refund", "amount", "supervisor", 500)))
        with self.assertRaises(csvc.InvalidArgument):
            wf.require_field("fly", "x")
        with self.assertRaises(csvc.AlreadyExists):
            wf.require_approval("refund", "supervisor")
        wf.require_approval("refund", "finance")
        self.assertEqual(self.store.save_workflow(wf), 2)
        self.assertEqual(self.store.load_workflow("repair").guards[-1], Guard("refund", None, "finance", 0))
        self.assertNotEqual(self.store.load_workflow("repair", 1), self.store.load_workflow("repair"))

    def test_required_field_and_inputs(self):
        t = self.ticket("repair")
        with self.assertRaises(csvc.InvalidTransition) as cm:
            self.store.transition_ticket(t, "resolve", actor="alice")
        self.assertIn("needs field 'outcome'", str(cm.exception))
        self.assertEqual(t.revision, 1)
        self.store.transition_ticket(t, "resolve", actor="alice", inputs={"outcome": "换新"})
        self.assertEqual(t.state, "resolved")
        events = list(self.store.ticket_history(t))
        self.assertEqual(events[-1].data["inputs"], {"outcome": "换新"})
        with self.assertRaises(TypeError):
            self.store.transition_ticket(t, "close", inputs={"x": 1.5})

    def test_approval(self):
        t = self.ticket("repair")
        with self.assertRaises(csvc.InvalidTransition) as cm:
            self.store.transition_ticket(t, "refund", actor="alice", inputs={"amount": 800})
        self.assertIn("needs approval by role 'supervisor' (amount 800 > 500)", str(cm.exception))
        with self.assertRaises(csvc.AccessDenied):
            self.store.approve_ticket(t, "refund", actor="alice", inputs={"amount": 800})
        rev = self.store.approve_ticket(t, "refund", actor="sam", note="有小票", inputs={"amount": "800"})
        self.assertEqual(t.revision, rev)
        self.store.transition_ticket(t, "refund", actor="alice", inputs={"amount": 700})
        self.assertEqual(t.state, "refunded")
        approved = [e for e in self.store.ticket_history(t) if e.type == "approved"]
        self.assertEqual(approved[0].data["roles"], ["supervisor"])
        # Consumed: after reopening, the next refund above 500 needs another.
        self.store.transition_ticket(t, "reopen", actor="alice")
        with self.assertRaises(csvc.InvalidTransition):
            self.store.transition_ticket(t, "refund", actor="alice", inputs={"amount": 700})
        self.store.transition_ticket(t, "refund", actor="alice", inputs={"amount": 500})

    def test_approval_under_access_control(self):
        t = self.ticket("repair")
        with open_store(self.path, access_control=True) as a:
            a.set_principal("alice")
            with self.assertRaises(csvc.AccessDenied):
                a.approve_ticket(t.id, "refund", inputs={"amount": 800})
            a.set_principal("sam")
            a.approve_ticket(t.id, "refund", inputs={"amount": 800})
            a.set_principal("alice")
            a.transition_ticket(t.id, "refund", inputs={"amount": 800})
        self.assertEqual(self.store.get_ticket(t.id).state, "refunded")
