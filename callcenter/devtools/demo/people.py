"""Deterministic, realistic demo records: customers of an appliance hotline and their history.

Each customer is drawn from its own random stream (seeded by the run's seed and the
customer's index), so a customer's name, numbers and products do not depend on how many
others are made or in which chunks. Dates are placed relative to the day of the run (the
demo is meant to show current work: open orders, due complaints, recent calls), so one seed
on one day always gives the same data set.

Numbers are valid Chinese numbers in E.164: mobiles from a few prefixes, and Beijing fixed
lines (area 10); about 3% of customers share a home line with the previous customer (a
family), which the lookup must show as ambiguous. Prefix 135 is never used, so benchmarks
can make unknown numbers from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from callcenter.calls.sla import rings
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.deadlines import (
    ServiceZone,
    complaint_case_due,
    order_deadlines,
    renewal_notice_due,
)
from callcenter.rules.numbering import complaint_number, period_key

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
            "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国红梅文斌鹏飞婷雪琳浩宇欣怡子涵"
DISTRICTS = [("朝阳区", "city"), ("海淀区", "city"), ("东城区", "city"), ("西城区", "city"),
             ("丰台区", "city"), ("石景山区", "city"), ("通州区", "suburb"),
             ("顺义区", "suburb"), ("昌平区", "suburb"), ("大兴区", "suburb"),
             ("房山区", "suburb"), ("怀柔区", "suburb")]
STREETS = ["建国路", "中关村大街", "长安街", "望京西路", "学院路", "安立路", "双井街",
           "回龙观东大街", "亦庄路", "新华大街"]
MODELS = ["KFR-35GW/BpR3", "KFR-72LW/NhZ", "BCD-470WDPG", "BCD-603WGHSS", "XQG100-HBD14126L",
          "EG10014B39GU1", "JSQ25-13WT5", "CXW-258-E900C2", "LED55K300", "GR-Q20P"]
MOBILE_PREFIXES = ["138", "139", "136", "150", "151", "186", "187"]
UNUSED_MOBILE_PREFIX = "135"
OVERSEAS_ZONES = ["Europe/Berlin", "America/Los_Angeles", "Asia/Singapore", "Australia/Sydney"]
LANGUAGES = [("zh", 85), ("yue", 8), ("wuu", 4), ("en", 3)]
ORDER_FLOW = ["registered", "dispatched", "on_site", "completed", "returned", "closed"]
ORDER_KINDS = [("repair", 60), ("installation", 20), ("maintenance", 15), ("consultation", 5)]
SUBJECTS = ["空调不制冷", "冰箱噪音大", "洗衣机漏水", "热水器点不着火", "师傅迟到", "维修后又坏了",
            "安装费用不合理", "客服态度差", "配件迟迟不到", "油烟机吸力弱"]


DEMO_NOTE = "演示数据 · demo"
"""Every demo customer carries this note: it is how a second run sees the demo is loaded,
and how `--reset` finds the rows to take away (and a card on screen says what it is)."""

# A hotline's day in the site's zone: (peak hour, spread in hours, share of the calls); what
# is left is the evening and the night, which go to the duty mobile after 20:00 (R2).
DAY_PEAKS = ((10.0, 1.3, 0.50), (15.0, 1.6, 0.46))
OPEN_FROM, OPEN_UNTIL = 8.0, 20.0
# How unanswered calls end, and how often (answered calls: the rest).
UNANSWERED = (("queue_hangup", 0.045), ("ringing_hangup", 0.02), ("queue_timeout", 0.01))
TIMEOUT_S = 60.0
MAX_RINGS, RING_CYCLE_S = 3, 5.0  # R1 as the demo's queue has it


def mobile(index: int) -> str:
    """The `index`-th demo mobile number, E.164; distinct for every index below 7×10⁸."""
    prefix = MOBILE_PREFIXES[index % len(MOBILE_PREFIXES)]
    return f"+86{prefix}{((index // len(MOBILE_PREFIXES)) * 7919 + 12345) % 10**8:08d}"


def landline(index: int) -> str:
    """The `index`-th demo Beijing fixed line, E.164 (+8610 6xxxxxxx)."""
    return f"+86106{(index * 7919 + 4321) % 10**7:07d}"


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


@dataclass
class Batch:
    """Rows for a chunk of customers, table by table, ready for bulk insertion."""

    customers: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Ids:
    """Next explicit id per table (rows are linked before they reach the database)."""

    customer: int = 1
    product: int = 1
    order: int = 1
    complaint: int = 1


class DemoMaker:
    """Makes customers `index` by `index` with their products, orders, complaints and calls."""

    def __init__(self, seed: int, today: datetime, calendar: WorkingCalendar,
                 ids: Ids, serials: dict[str, int], *, now: datetime | None = None) -> None:
        self.seed = seed
        self.today = today
        self.now = now or today + timedelta(days=1)  # nothing after it is made
        self.calendar = calendar
        self.ids = ids
        self.serials = serials
        self._shared_line: str | None = None
        self._shared: set[str] = set()

    def batch(self, start: int, count: int) -> Batch:
        out = Batch()
        for index in range(start, start + count):
            self._customer(out, index)
        return out

    def _customer(self, out: Batch, index: int) -> None:
        rng = random.Random(f"{self.seed}:{index}")
        cid = self.ids.customer
        self.ids.customer += 1
        district, zone = rng.choice(DISTRICTS)
        overseas = rng.random() < 0.02
        out.customers.append({
            "id": cid, "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))),
            "address": f"北京市{district}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            "zone": zone, "overseas": overseas,
            "time_zone": rng.choice(OVERSEAS_ZONES) if overseas else "Asia/Shanghai",
            "vip": rng.random() < 0.05, "language": _weighted(rng, LANGUAGES),
            "do_not_call": rng.random() < 0.02, "notes": DEMO_NOTE, "created_at": self.today,
            "updated_at": self.today})
        numbers = [mobile(index)]
        if rng.random() < 0.03 and self._shared_line is not None:
            numbers.append(self._shared_line)  # the family's home line: an ambiguous number
            self._shared.add(self._shared_line)
        elif rng.random() < 0.35:
            numbers.append(landline(index))
            self._shared_line = numbers[-1]
        for number in numbers:
            out.phones.append({"customer_id": cid, "e164": number,
                               "label": "mobile" if number[3] == "1" else "home"})
        products = [self._product(out, rng, cid) for _ in range(rng.choices([1, 2, 3],
                                                                             [60, 30, 10])[0])]
        if rng.random() < 0.1:
            self._contract(out, rng, cid, products[0])
        for _ in range(rng.choices([0, 1, 2], [50, 40, 10])[0]):
            self._order(out, rng, cid, ServiceZone(zone), rng.choice(products))
        if rng.random() < 0.1:
            self._complaint(out, rng, cid, overseas, numbers[0])
        self._calls(out, rng, cid, index, numbers)

    def _product(self, out: Batch, rng: random.Random, cid: int) -> int:
        pid = self.ids.product
        self.ids.product += 1
        delivered = self.today - timedelta(days=rng.randint(5, 4 * 365), hours=rng.randint(0, 8))
        out.products.append({
            "id": pid, "customer_id": cid, "model": rng.choice(MODELS),
            "serial": f"SN{rng.randint(10**9, 10**10 - 1)}",
            "purchased_on": (delivered - timedelta(days=rng.randint(0, 7))).date(),
            "delivered_at": delivered,
            "warranty_end": delivered + timedelta(days=365 * rng.choice([1, 2, 3]))})
        return pid

    def _contract(self, out: Batch, rng: random.Random, cid: int, pid: int) -> None:
        starts = self.today - timedelta(days=rng.randint(0, 700))
        ends = starts + timedelta(days=365 * rng.choice([1, 2]))
        out.contracts.append({
            "customer_id": cid, "product_id": pid, "starts_at": starts, "ends_at": ends,
            "renewal_state": "pending" if ends > self.today else rng.choice(
                ["renewed", "declined"]),
            "renewal_notice_due": renewal_notice_due(ends, self.calendar.zone)})

    def _order(self, out: Batch, rng: random.Random, cid: int, zone: ServiceZone,
               pid: int) -> None:
        oid = self.ids.order
        self.ids.order += 1
        at = self.today - timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600))
        kind = _weighted(rng, ORDER_KINDS)
        steps = rng.choices(range(1, len(ORDER_FLOW) + 1), [10, 10, 10, 15, 15, 40])[0]
        age = self.today - at
        if age < timedelta(days=3):
            steps = min(steps, 3)  # recent orders are still open: the demo has live work
        elif age > timedelta(days=10) and rng.random() < 0.97:
            steps = max(steps, 5)  # old ones are done, but for a few stuck ones (overdue)
        due = order_deadlines(at, zone, self.calendar)
        technician = f"tech{rng.randint(1, 40):02d}" if steps > 1 else None
        stamps: dict[str, datetime | None] = {"on_site_at": None, "completed_at": None,
                                              "returned_at": None, "closed_at": None}
        clock = at
        for n, status in enumerate(ORDER_FLOW[:steps]):
            clock = clock + timedelta(hours=rng.randint(1, 20)) if n else clock
            out.transitions.append({"order_id": oid, "from_status": ORDER_FLOW[n - 1] if n
                                    else None, "to_status": status, "at": clock,
                                    "by": "agent01" if n == 0 else (technician or "sup01"),
                                    "note": ""})
            if f"{status}_at" in stamps:
                stamps[f"{status}_at"] = clock
        contacted = at + timedelta(hours=rng.randint(1, 30)) if steps > 1 else None
        out.orders.append({
            "id": oid, "customer_id": cid, "product_id": pid, "call_id": None, "kind": kind,
            "service_class": rng.choice("AABCCCD"), "zone": zone.value,
            "status": ORDER_FLOW[steps - 1], "description": rng.choice(SUBJECTS),
            "technician": technician, "registered_by": "agent01", "units": None,
            "registered_at": at, "first_response_due": due.first_response,
            "handling_plan_due": due.handling_plan, "on_site_due": due.on_site,
            "solved_due": due.solved, "priority_dispatch_at": due.priority_dispatch_at,
            "workshop_due": None, "first_contact_at": contacted, "plan_sent_at": contacted,
            "on_site_at": stamps["on_site_at"], "completed_at": stamps["completed_at"],
            "returned_at": stamps["returned_at"], "closed_at": stamps["closed_at"],
            "updated_at": clock})
        if steps >= 5 and rng.random() < 0.5:
            self._survey(out, rng, cid, oid, technician, clock)
        returned = stamps["returned_at"]
        if returned is not None and self.today - returned < timedelta(days=4):
            self._follow_up(out, rng, cid, "technician_survey", returned, timedelta(days=3),
                            order_id=oid, technician=technician)

    def _survey(self, out: Batch, rng: random.Random, cid: int, oid: int,
                technician: str | None, after: datetime) -> None:
        outcome = rng.choices(["complete", "partial", "refused"], [85, 10, 5])[0]
        answered = {"complete": 4, "partial": 2, "refused": 0}[outcome]
        items = ["attitude", "skill", "arrival_time", "promises_kept"]
        ratings = {item: (rng.choices([4, 3, 2, 1], [60, 32, 6, 2])[0] if i < answered else None)
                   for i, item in enumerate(items)}
        at = after + timedelta(days=rng.randint(1, 3))
        out.surveys.append({
            "customer_id": cid, "order_id": oid, "complaint_id": None,
            "technician": technician, "surveyed_at": at, "period_day": at.date(),
            "outcome": outcome, **ratings,
            "product_works": None if outcome == "refused" else rng.random() < 0.95,
            "suggestions": "", "call_id": None})

    def _complaint(self, out: Batch, rng: random.Random, cid: int, overseas: bool,
                   contact: str) -> None:
        zone = self.calendar.zone
        at = self.today - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 900))
        period = period_key(at, zone)
        self.serials[period] = serial = self.serials.get(period, 0) + 1
        status = rng.choices(["pending", "in_progress", "resolved", "closed"],
                             [15, 25, 20, 40])[0]
        if self.today - at > timedelta(days=12) and rng.random() < 0.95:
            status = "closed"  # most old cases are closed; the rest are the overdue list
        major = rng.random() < 0.05
        complaint_id = self.ids.complaint
        self.ids.complaint += 1
        out.complaints.append({
            "id": complaint_id, "number": complaint_number(at, serial, zone), "period": period,
            "serial": serial, "registered_at": at, "kind": "complaint",
            "severity": "major" if major else "general",
            "major_reasons": ["crisis"] if major else [],
            "crises": ["property_loss"] if major else [], "subject": rng.choice(SUBJECTS),
            "content": "", "complainant": "本人", "contact": contact, "customer_id": cid,
            "order_id": None, "call_id": None, "owner": "manager01" if status != "pending"
            else None, "registered_by": "agent01", "status": status, "resolution": "",
            "follow_up": "", "overseas": overseas,
            "case_due": complaint_case_due(at, overseas, zone), "answer_due": None,
            "escalated_at": at if major else None,
            "resolved_at": at + timedelta(days=3) if status in ("resolved", "closed") else None,
            "closed_at": at + timedelta(days=5) if status == "closed" else None,
            "updated_at": at, "detail": {}})
        resolved = at + timedelta(days=3)
        if status == "resolved" and self.today - resolved < timedelta(days=8):
            self._follow_up(out, rng, cid, "complaint_callback", resolved, timedelta(days=7),
                            complaint_id=complaint_id)

    def _follow_up(self, out: Batch, rng: random.Random, cid: int, kind: str,
                   opens: datetime, within: timedelta, **links: Any) -> None:
        """A follow-up call the rules ask for (R14 after a repair, R15 after a complaint):
        most recent ones done, the rest due, some of them at risk of missing the rule."""
        due = opens + within
        done = opens < self.today - timedelta(days=1) and rng.random() < 0.7
        pending_at = max(self.today + timedelta(hours=rng.randint(1, 9)), opens)
        out.jobs.append({
            "kind": kind, "mode": "auto", "state": "done" if done else "pending",
            "result": "complete" if done else None, "customer_id": cid,
            "order_id": links.get("order_id"), "complaint_id": links.get("complaint_id"),
            "technician": links.get("technician"), "subject": kind, "opens_at": opens,
            "due_at": due, "next_attempt_at": None if done else pending_at,
            "attempts": 1 if done else rng.choice([0, 0, 1, 2]), "max_attempts": 3,
            "at_risk": not done and due - self.today < timedelta(days=1),
            "finished_at": opens + timedelta(hours=rng.randint(2, 20)) if done else None,
            "note": "", "payload": {}, "created_at": opens, "updated_at": opens})

    def _call_start(self, rng: random.Random) -> datetime | None:
        """When a call came in: a day of the last half year, an hour of the hotline's day in
        the site's zone (morning and afternoon peaks, quiet nights); None if that is later
        than now."""
        day = (self.today - timedelta(days=rng.randint(0, 180))).astimezone(
            self.calendar.zone).date()
        roll = rng.random()
        for peak, spread, share in DAY_PEAKS:
            if roll < share:
                hour = rng.gauss(peak, spread)
                while not OPEN_FROM <= hour < OPEN_UNTIL:
                    hour = rng.gauss(peak, spread)
                break
            roll -= share
        else:
            hour = rng.uniform(0.0, 24.0)
        local = datetime.combine(day, time(), tzinfo=self.calendar.zone) + timedelta(hours=hour)
        entered = local.astimezone(self.today.tzinfo)
        return entered if entered < self.now else None

    def _calls(self, out: Batch, rng: random.Random, cid: int, index: int,
               numbers: list[str]) -> None:
        for n in range(rng.choices([0, 1, 2, 3, 5, 8], [10, 25, 25, 20, 15, 5])[0]):
            number = rng.choice(numbers)
            entered = self._call_start(rng)
            if entered is None:
                continue
            exit_reason, wait = "answered", rng.lognormvariate(1.7, 0.55)  # mostly 3-12 s
            roll = rng.random()
            for reason, share in UNANSWERED:
                if roll < share:
                    exit_reason = reason
                    wait = TIMEOUT_S if reason == "queue_timeout" else rng.uniform(1.5, 45.0)
                    break
                roll -= share
            answered = exit_reason == "answered"
            talk = rng.uniform(30.0, 600.0) if answered else None
            ended = entered + timedelta(seconds=wait + (talk or 0.0))
            if ended > self.now:
                continue
            wait = round(wait, 3)
            caller_rings = rings(wait, RING_CYCLE_S)
            shared = number in self._shared
            out.calls.append({
                "call_id": f"demo-{self.seed}-{index}-{n}", "caller_num_raw": number[3:],
                "caller_num_e164": number, "caller_name": "", "queue": "hotline",
                "entered_at": entered, "queued_at": entered,
                "answered_at": entered + timedelta(seconds=wait) if answered else None,
                "ended_at": ended, "menu_s": 0.0, "wait_s": wait,
                "caller_rings": caller_rings, "within_rule": answered and caller_rings <= MAX_RINGS,
                "rule_max_rings": MAX_RINGS, "rule_ring_cycle_s": RING_CYCLE_S,
                "answered_by_agent": f"agent{rng.randint(1, 30):02d}" if answered else None,
                "answered_interface": None, "talk_s": talk, "exit_reason": exit_reason,
                "abandon_position": 1 if exit_reason.endswith("hangup") else None,
                "interrupted": False, "outcome": None,
                "customer_id": None if shared else cid})


def day_start(moment: datetime) -> datetime:
    """Midnight (UTC) of the run's day: the anchor that makes one seed repeatable per day."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
