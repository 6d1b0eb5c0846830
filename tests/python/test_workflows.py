import csvc
from csvc_testutil import StoreTestCase


def repair_workflow():
    wf = csvc.Workflow("repair")
    wf.add_state("open", csvc.StateCategory.NEW, "新建", "Open")
    wf.add_state("fixing", csvc.StateCategory.OPEN, label_zh="维修中")
    wf.add_state("done", csvc.StateCategory.CLOSED)
    wf.add_state("void", csvc.StateCategory.CANCELLED)
    wf.add_transition("fix", "open", "fixing")
    wf.add_transition(name="finish", from_state="fixing", to_state="done")
    wf.add_transition("cancel", "open", "void")
    wf.add_transition("cancel", "fixing", "void")
    return wf


class WorkflowTest(StoreTestCase):
    def test_definition(self):
        wf = repair_workflow()
        self.assertEqual(wf.name, "repair")
        self.assertEqual(wf.version, 0)
        self.assertEqual(wf.initial, "open")
        self.assertEqual(wf.states[0], csvc.State("open", csvc.StateCategory.NEW, "新建", "Open"))
        self.assertEqual(wf.states[1].label_en, None)
        self.assertEqual(wf.transitions[1], csvc.Transition("finish", "fixing", "done"))
        self.assertIs(wf.state_category("done"), csvc.StateCategory.CLOSED)
        self.assertIsNone(wf.state_category("nope"))
        self.assertEqual(wf.target("fixing", "cancel"), "void")
        with self.assertRaises(csvc.InvalidTransition):
            wf.target("done", "fix")
        wf.validate()
        with self.assertRaises(csvc.AlreadyExists):
            wf.add_state("open", csvc.StateCategory.NEW)
        with self.assertRaises(csvc.InvalidArgument):
            csvc.Workflow("Bad Name")
        bad = csvc.Workflow("bad")
        bad.add_state("a", csvc.StateCategory.NEW)
        with self.assertRaises(csvc.InvalidArgument) as cm:
            bad.validate()
        self.assertTrue(cm.exception.message)
        wf.initial = "fixing"
        self.assertEqual(wf.initial, "fixing")
        self.assertIn("repair", repr(wf))

    def test_save_load_versions_and_tickets(self):
        s = self.store
        wf = repair_workflow()
        self.assertEqual(s.save_workflow(wf), 1)
        self.assertEqual(wf.version, 1)
        self.assertEqual(s.save_workflow(repair_workflow()), 1)  # unchanged: same version
        loaded = s.load_workflow("repair")
        self.assertEqual(loaded.version, 1)
        self.assertEqual(loaded.states, wf.states)
        s.define_channel("kiosk", "自助机", "Kiosk")
        s.define_ticket_kind("repair", "repair", "维修", "Repair")
        t = self.ticket("repair", channel="kiosk")
        self.assertEqual((t.workflow, t.workflow_version, t.state), ("repair", 1, "open"))
        s.transition_ticket(t, "fix")

        wf2 = repair_workflow()
        wf2.add_state("checking", csvc.StateCategory.OPEN, "检测中")
        wf2.add_transition("check", "fixing", "checking")
        wf2.add_transition("finish", "checking", "done")
        wf2.add_transition("cancel", "checking", "void")
        self.assertEqual(s.save_workflow(wf2), 2)
        self.assertEqual(s.load_workflow("repair", 1).version, 1)
        self.assertEqual(len(s.load_workflow("repair", version=2).states), 5)
        with self.assertRaises(csvc.NotFound):
            s.load_workflow("repair", 9)
        moved = s.migrate_tickets("repair", 1, 2, state_map={"fixing": "checking"}, actor="admin")
        self.assertEqual(moved, 1)
        t = s.get_ticket(t.id)
        self.assertEqual((t.workflow_version, t.state), (2, "checking"))
        self.assertEqual(s.migrate_tickets("repair", 1, 2), 0)
        with self.assertRaises(csvc.InvalidArgument):
            s.migrate_tickets("repair", 2, 2)
        with self.assertRaises(TypeError):
            s.migrate_tickets("repair", 1, 2, state_map={"a": 1})
