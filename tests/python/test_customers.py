import copy
import datetime
import uuid

import csvc
from csvc_testutil import T0, StoreTestCase


class CustomerRecordTest(StoreTestCase):
    def test_draft_defaults_and_setters(self):
        c = csvc.Customer()
        self.assertIsNone(c.id)
        self.assertEqual(c.revision, 0)
        self.assertIs(c.customer_class, csvc.CustomerClass.ORDINARY)
        self.assertIs(c.lifecycle, csvc.Lifecycle.NEW)
        self.assertIsNone(c.tier)
        self.assertIsNone(c.created_at)
        c.name = "张伟"
        c.address = "上海市黄浦区南京东路 1 号"
        c.notes = "行动不便，需要轮椅"
        c.home_store = "SH01"
        c.birthday = datetime.date(1985, 4, 12)
        c.customer_class = csvc.CustomerClass.VIP
        c.tier = csvc.Tier.TIER_1
        c.lifecycle = csvc.Lifecycle.GROWING
        self.assertEqual((c.name, c.address, c.notes, c.home_store), ("张伟", "上海市黄浦区南京东路 1 号", "行动不便，需要轮椅", "SH01"))
        self.assertEqual(c.birthday, datetime.date(1985, 4, 12))
        self.assertIs(c.customer_class, csvc.CustomerClass.VIP)
        self.assertIs(c.tier, csvc.Tier.TIER_1)
        c.tier = None
        self.assertIsNone(c.tier)
        c.address = None
        del c.notes
        self.assertIsNone(c.address)
        self.assertIsNone(c.notes)
        c.birthday = None
        self.assertIsNone(c.birthday)
        c.customer_class = csvc.CustomerClass.VIP
        c.customer_class = None  # class always has a value: None sets the default
        self.assertIs(c.customer_class, csvc.CustomerClass.ORDINARY)
        with self.assertRaises(csvc.InvalidArgument):
            c.customer_class = 9
        with self.assertRaises(csvc.InvalidArgument):
            c.home_store = "has space"
        with self.assertRaises(TypeError):
            c.birthday = 19850412
        self.assertIn("张伟", repr(c))

    def test_lists(self):
        c = csvc.Customer(phones=["138-0013-8000"], emails=["Wang.Fang@Example.cn"], tags=["会员", "vip"],
                          attributes={"尺码": "M", "color": "红"}, external_ids=[("member_card", "M-10001")])
        c.add_phone("021-6321 0000")
        c.add_phone("021-6321 0000")  # no-op
        self.assertEqual(c.phones, ("138-0013-8000", "021-6321 0000"))
        c.remove_phone("138-0013-8000")
        self.assertEqual(c.phones, ("021-6321 0000",))
        with self.assertRaises(csvc.NotFound):
            c.remove_phone("138-0013-8000")
        c.add_email("b@example.com")
        c.remove_email("Wang.Fang@Example.cn")
        self.assertEqual(c.emails, ("b@example.com",))
        self.assertEqual(c.tags, tuple(sorted(["会员", "vip"], key=lambda s: s.encode())))
        self.assertTrue(c.has_tag("会员"))
        c.remove_tag("会员")
        c.add_tag("常客")
        self.assertFalse(c.has_tag("会员"))
        self.assertEqual(c.attributes, {"尺码": "M", "color": "红"})
        self.assertEqual(c.get_attr("尺码"), "M")
        self.assertEqual(c.get_attr("missing", "?"), "?")
        c.set_attr("尺码", "L")
        c.set_attr("color", None)
        self.assertEqual(c.attributes, {"尺码": "L"})
        c.add_external_id("pos", "C123")
        c.remove_external_id("member_card", "M-10001")
        self.assertEqual(c.external_ids, (("pos", "C123"),))
        with self.assertRaises(csvc.OutOfRange):
            for i in range(40):
                c.add_phone(f"1380013{i:04d}")
        with self.assertRaises(TypeError):
            csvc.Customer(phones="138")

    def test_copy_is_independent(self):
        c = csvc.Customer(name="甲", tags=["a"])
        for d in (c.copy(), copy.copy(c), copy.deepcopy(c)):
            d.name = "乙"
            d.add_tag("b")
            self.assertEqual(c.name, "甲")
            self.assertEqual(c.tags, ("a",))


class CustomerStoreTest(StoreTestCase):
    def test_create_get_update(self):
        c = csvc.Customer(name="王芳", phones=["138-0013-8000"], emails=["Wang.Fang@Example.cn"],
                          external_ids=[("member_card", "M-10001")], birthday=datetime.date(1990, 2, 28),
                          tier=csvc.Tier.TIER_2)
        self.assertIs(self.store.create_customer(c, actor="counter-1"), c)
        self.assertIsInstance(c.id, uuid.UUID)
        self.assertEqual(c.revision, 1)
        self.assertEqual(c.created_at, c.updated_at)
        self.assertGreater(c.created_at, T0)
        got = self.store.get_customer(c.id)
        self.assertEqual((got.id, got.name, got.phones, got.birthday, got.tier),
                         (c.id, "王芳", ("138-0013-8000",), datetime.date(1990, 2, 28), csvc.Tier.TIER_2))
        self.assertEqual(self.store.get_customer(str(c.id)).id, c.id)
        self.assertEqual(self.store.get_customer(c.id.bytes).id, c.id)
        self.assertEqual(self.store.get_customer(c).id, c.id)
        self.assertEqual(self.store.find_customer_by_phone("+86 13800138000").id, c.id)
        self.assertEqual(self.store.find_customer_by_email("wang.fang@example.cn").id, c.id)
        self.assertEqual(self.store.find_customer_by_external_id("member_card", "M-10001").id, c.id)
        with self.assertRaises(csvc.NotFound):
            self.store.find_customer_by_phone("13900000000")
        got.lifecycle = csvc.Lifecycle.GROWING
        got.notes = "喜欢红色"
        self.store.update_customer(got, actor="clerk")
        self.assertEqual(got.revision, 2)
        self.assertEqual([e.stage for e in got.lifecycle_history], [csvc.Lifecycle.NEW, csvc.Lifecycle.GROWING])
        self.assertIsInstance(got.lifecycle_history[0].at, datetime.datetime)
        c.notes = "stale"
        with self.assertRaises(csvc.Conflict):
            self.store.update_customer(c)
        self.assertEqual(c.revision, 1)
        with self.assertRaises(csvc.InvalidArgument):
            self.store.create_customer(got)  # not a draft
        with self.assertRaises(TypeError):
            self.store.create_customer("not a customer")

    def test_set_id_for_imports(self):
        wanted = uuid.UUID("12345678-1234-4321-8765-123456789abc")
        c = csvc.Customer(id=wanted, name="导入")
        self.store.create_customer(c)
        self.assertEqual(c.id, wanted)
        with self.assertRaises(csvc.InvalidTransition):
            c.id = uuid.uuid4()
        with self.assertRaises(csvc.AlreadyExists):
            self.store.create_customer(csvc.Customer(id=wanted))
        with self.assertRaises(csvc.InvalidArgument):
            self.store.get_customer(csvc.Customer())  # a draft has no id

    def test_queries(self):
        names = ["李娜", "王娜娜", "张伟", "赵敏", "Nancy Li"]
        made = [self.customer(n, customer_class=csvc.CustomerClass.VIP if i % 2 else csvc.CustomerClass.ORDINARY,
                              tags=["会员"] if i < 2 else [], home_store="SH01" if i < 3 else "BJ02")
                for i, n in enumerate(names)]
        self.assertEqual([c.name for c in self.store.customers(text="娜")], ["李娜", "王娜娜"])
        self.assertEqual([c.name for c in self.store.customers(text="nancy")], ["Nancy Li"])
        self.assertEqual(self.store.count_customers(text="娜", customer_class=csvc.CustomerClass.VIP), 1)
        self.assertEqual(self.store.count_customers(tag="会员"), 2)
        self.assertEqual(self.store.count_customers(home_store="BJ02"), 2)
        self.assertEqual(self.store.count_customers(lifecycle=csvc.Lifecycle.NEW), 5)
        self.assertEqual(self.store.count_customers(tier=csvc.Tier.TIER_1), 0)
        page1 = list(self.store.customers(limit=2))
        page2 = list(self.store.customers(limit=2, after=page1[-1]))
        page3 = list(self.store.customers(limit=2, after=page2[-1].id))
        self.assertEqual([c.id for c in page1 + page2 + page3], [c.id for c in made])
        mid = made[2].created_at
        self.assertEqual(self.store.count_customers(created_from=mid), 3)
        self.assertEqual(self.store.count_customers(created_to=mid), 2)
        self.assertEqual(self.store.count_customers(updated_from=mid, updated_to=made[3].updated_at), 1)
        micro = int((mid - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) / datetime.timedelta(microseconds=1))
        self.assertEqual(self.store.count_customers(created_from=micro), 3)
        self.assertEqual(self.store.count_customers(phone="13800138000"), 0)
        self.assertEqual(self.store.count_customers(email="x@example.com"), 0)
        with self.assertRaises(TypeError):
            self.store.customers("positional")
        with self.assertRaises(TypeError):
            self.store.customers(bogus=1)
        it = self.store.customers()
        self.assertIs(iter(it), it)
        with it:
            self.assertEqual(next(it).name, "李娜")
        self.assertTrue(it.closed)
        self.assertEqual(list(it), [])

    def test_merge_and_erase(self):
        keep = self.customer("王芳", phones=["13800138000"], attributes={"尺码": "M"})
        absorb = self.customer("王小芳", emails=["f@example.com"], attributes={"尺码": "L"})
        conflicts = self.store.merge_customers(keep, absorb.id, actor="supervisor")
        self.assertEqual(sorted(c.field for c in conflicts), ["attribute", "name"])
        attr = [c for c in conflicts if c.field == "attribute"][0]
        self.assertEqual((attr.key, attr.kept, attr.absorbed), ("尺码", "M", "L"))
        merged = self.store.get_customer(keep.id)
        self.assertEqual(merged.emails, ("f@example.com",))
        self.assertEqual(self.store.get_customer(absorb.id).merged_into, keep.id)
        self.assertEqual(self.store.count_customers(), 1)
        self.assertEqual(self.store.count_customers(include_inactive=True), 2)
        with self.assertRaises(csvc.InvalidTransition):
            self.store.merge_customers(keep, absorb)
        self.store.erase_customer(keep.id, actor="privacy")
        erased = self.store.get_customer(keep.id)
        self.assertIsNone(erased.name)
        self.assertEqual(erased.phones, ())
        self.assertIsNotNone(erased.erased_at)
        with self.assertRaises(csvc.InvalidTransition):
            self.store.erase_customer(keep.id)

    def test_chinese_round_trip(self):
        text = "顾客：欧阳娜娜（𠮷野家会员）—— 备注“特殊需求”，emoji 🙂"
        c = self.customer(text[:40], notes=text, address="北京市朝阳区建国路８８号", tags=["甲乙丙"],
                          attributes={"偏好": text})
        got = self.store.get_customer(c.id)
        self.assertEqual(got.notes, text)
        self.assertEqual(got.name, text[:40])
        self.assertEqual(got.attributes["偏好"], text)
        self.assertEqual(got.address, "北京市朝阳区建国路８８号")
        self.assertEqual([x.id for x in self.store.customers(text="𠮷野家")], [c.id])
        with self.assertRaises(csvc.OutOfRange):  # limits are bytes: 86 CJK characters > 256 bytes
            csvc.Customer(name="汉" * 86)
        csvc.Customer(name="汉" * 85)
