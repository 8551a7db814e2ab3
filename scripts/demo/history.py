# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Six months of generated history for the demo, so that the dashboard,
the analysis reports, clusters and hot words, the monthly bulletins and
the supervision ledger have something to show on the first start.

The requests come from bench/generate.py (realistic Chinese requests of
宿州 by topic, region, channel and type).  Their life is decided here,
with the shares of a city hotline: consultations answered at first
contact, a few not accepted, the others dispatched to the unit of their
topic, signed, answered, signed off, reviewed and rated; some sign in
late, some reply after the due time (red card dated at the due time, as
the workflow records it), some are rated dissatisfied and re-handled, and
the newest are still open at their step.  Every fact is written with the
time it would have happened and the event the workflow would have logged,
because the assessment and the reports compute from them.

Speed: the rows are built in Python and written with one multi-row
INSERT per table and batch (no workflow run per ticket); the deadlines
come from the same calendar methods the workflow uses
(`Assignment.deadlines`, `Calendar.working_days_between`).
"""
import datetime as dt
import random
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONTHS = 6
PER_DAY = 30
SEED = 12345
# PUB-02: the orders closed in the last days are disclosed (masked and
# published by the reviewer, yesterday's still awaiting the preview);
# the older ones are marked not for publication.  Masking costs ~30 ms an
# order: the ~4 000 closed orders of the history would add two minutes to
# the first start, or to the first runs of the hourly cron
# (prepare_closed) while a newcomer looks around.
DISCLOSED_DAYS = 7
# CBK-05: the SMS and app answers of the last days that the platform has
# not called back yet (the reviewer's 待电话回访): every "dissatisfied"
# one and, out of UNSURE_PERCENT in a hundred, an answer that cannot be
# read.  Earlier ones were called back at once.
QUEUED_DAYS = 3
UNSURE_PERCENT = 20
UNSURE_ANSWERS = ['一般吧', '还行，再看看', '一般般', '处理了一半']

# Planted matters the clusters and hot words find (ANA-04, ANA-11):
# (days before today, hours between calls, region, address, title, texts)
BURSTS = [
    (150, 5, 'yongqiao_district', '埇桥区汴河街道汴河路{n}号金色家园', '金色家园{b}号楼停电{h}个小时了',
        ['金色家园{b}栋又停电了，家里冰箱的东西都坏了',
            '金色家园小区{b}号楼停电，物业说是线路老化',
            '金色家园{b}号楼一晚上没电，老人热得受不了',
            '金色家园{b}栋停电，电梯也停了，老人下不了楼',
            '金色家园{b}号楼停电好几次了，要求彻底检修线路']),
    (118, 7, 'xiao_county', '萧县龙城镇凤山路{n}号阳光新城', '阳光新城门口道路积水',
        ['阳光新城小区门口下雨就积水，半米深，车都过不去',
            '阳光新城门口积水严重，孩子上学只能蹚水',
            '凤山路阳光新城门口积水，排水口堵了没人疏通',
            '阳光新城小区大门积水好几天，蚊虫滋生']),
    (85, 3, 'lingbi_county*', '灵璧县灵城镇钟馗大道{n}号翡翠城', '翡翠城工地夜间施工噪音',
        ['翡翠城旁边工地晚上十一点以后还在施工，噪音扰民',
            '翡翠城小区旁工地夜间打桩，吵得孩子睡不着',
            '钟馗大道翡翠城附近工地半夜施工，噪音很大',
            '翡翠城北边工地夜里施工，多次反映没人管',
            '翡翠城附近工地凌晨还在施工作业，严重扰民',
            '翡翠城工地夜间渣土车进出，噪音和扬尘都很大']),
    (48, 6, 'si_county', '泗县泗城镇运河路{n}号书香门第', '书香门第小区燃气停供',
        ['书香门第小区燃气停了两天，没有任何通知',
            '书香门第{b}号楼燃气停供，做不了饭',
            '运河路书香门第燃气突然停供，燃气公司电话打不通',
            '书香门第小区停气，问物业也说不清什么时候恢复']),
    (20, 4, 'yongqiao_district', '埇桥区三里街道银河路{n}号银河小区', '银河小区垃圾清运不及时',
        ['银河小区门口垃圾好几天没人清运，臭味很大',
            '银河小区垃圾桶满了没人收，苍蝇乱飞',
            '银河路银河小区垃圾堆在路边好几天了',
            '银河小区{b}号楼下垃圾没人清理，影响居民生活',
            '银河小区垃圾清运不及时，夏天臭得开不了窗']),
    (1, 1, 'yongqiao_district', '埇桥区汴河街道汴河路{n}号汴河花园', '汴河花园5栋停水',
        ['汴河花园5栋停水了，到现在还没来水',
            '汴河花园小区五号楼从昨晚开始没水，做饭都成问题',
            '汴河路汴河花园5号楼断水一天了，也没有停水通知',
            '汴河花园五栋自来水停了，老人孩子吃水困难',
            '汴河花园停水一整天了，物业说不清楚原因']),
    ]
# One requester, many requests (一人多投): days before today of each call,
# and what became of the first calls: 'draft', signed and answered late,
# the reply awaiting the leader's sign-off; 'open', signed, not answered
# yet (埇桥区's handler sees a red and a yellow light at login, its
# leader a reply to sign off)
REPEATS = [
    ('滨河人家楼下烧烤店油烟太大，呛得窗户都不敢开', 'yongqiao_district', '埇桥区道东街道淮海路88号滨河人家',
        [20, 9, 1], ['draft', 'open']),
    ('鞋城大道路灯一直不亮，晚上走路很危险，反映多次没人修', 'shoe_city', '鞋城鞋城社区鞋城大道',
        [96, 82, 70, 61], []),
    ]
# CBK: dissatisfied reasons of requesters
BAD_REASONS = ['问题没有解决，承办单位只是电话解释了一下',
    '说好三天内处理，到现在也没人来', '答复内容和实际情况不符',
    '没有到现场查看就回复已办结']
REPLIES = {
    'resolved': '经现场核查，反映问题属实，已于{d}处理完毕，'
        '具体情况已电话告知诉求人，诉求人表示认可。',
    'partially_resolved': '经核查，已先行采取临时措施，根本解决需纳入{y}年'
        '改造计划，已向诉求人解释说明。',
    'explained_not_resolvable_now': '经核查，该诉求涉及历史遗留问题，'
        '目前暂不具备解决条件，已向诉求人做好政策解释。',
    }
HANDLERS = ['周工', '王科长', '李主任', '张站长', '刘所长', '陈干事', '吴队长']


def local_now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_local(value):
    return value.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI)


def utc(local):
    return local.replace(tzinfo=SHANGHAI).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def first_day(months_back, today):
    "The first day of the month months_back before today's."
    year, month = today.year, today.month - months_back
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def load(database=None, per_day=PER_DAY, months=MONTHS):
    """Generate the history into the database of proteus' configuration
    (or database) as root, in one transaction; return the tickets made."""
    if database is None:
        from proteus import config as pconfig
        database = pconfig.get_config().database_name
    # the configuration singleton is created, if need be, with its table
    # locked, before the long transaction
    from trytond.modules.sushi_ticket.exceptions import (
        CalendarMissingYearError)
    run(database, lambda: History.touch_configuration())
    try:
        return run(database, lambda: History(per_day=per_day,
                months=months).load())
    except CalendarMissingYearError as error:
        # late in December the due times reach next year's calendar
        print('演示历史未创建 (demo history skipped):', error.message)
        return 0


def run(database, function):
    """Run function in a transaction of root (internal: the guard of
    outside callers does not apply), retried like the dispatcher does when
    it needs a table lock; commit and return its result."""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        try:
            with Transaction().start(database, 0, context={
                        'language': 'zh_CN'}, **extras) as transaction:
                result = function()
                transaction.commit()
                return result
        except TransactionError as error:
            error.fix(extras)


class History:
    "Builds and writes the rows of the generated history."

    def __init__(self, per_day=PER_DAY, months=MONTHS, seed=SEED):
        from trytond.pool import Pool
        self.pool = Pool()
        self.rng = random.Random(seed)
        self.per_day = per_day
        self.now = local_now()
        self.today = to_local(self.now).date()
        self.start = first_day(months, self.today)
        self.seed = seed

    @staticmethod
    def touch_configuration():
        from trytond.pool import Pool
        Configuration = Pool().get('sushi.configuration')
        Configuration.write([Configuration(1)], {})

    # --- set-up -------------------------------------------------------

    def ids(self, model, field='code'):
        Model = self.pool.get(model)
        with self.unchecked():
            return {getattr(r, field): r.id for r in Model.search([])}

    def unchecked(self):
        from trytond.transaction import Transaction
        return Transaction().set_context(active_test=False)

    def load(self):
        pool = self.pool
        Ticket = pool.get('sushi.ticket')
        Configuration = pool.get('sushi.configuration')
        if Ticket.search([('received_at', '<', utc(dt.datetime.combine(
                            self.start + dt.timedelta(days=7),
                            dt.time())))], limit=1):
            return 0
        self.config = Configuration.get_values()
        self.units = self.ids('sushi.unit')
        self.channels = {c.code: (c.id, c.number_code)
            for c in pool.get('sushi.channel').search([])}
        self.categories = self.ids('sushi.category')
        self.users = self.ids('res.user', 'login')
        self.reasons = [(r.id, r.code)
            for r in pool.get('sushi.scope.reason').search([
                    ('requires_repeat_of', '=', False)], order=[('id', 'ASC')])]
        from trytond.tools import grouped_slice
        self.build(self.requests())
        self.write()
        # the analysis index, as the ORM writes it at intake
        for ids in grouped_slice(self.ticket_ids, 500):
            Ticket.index_keys(Ticket.browse(list(ids)))
        self.cluster()
        self.disclose()
        print('演示历史 (demo history): %d 件工单 %s 至 %s' % (
                len(self.ticket_ids), self.start,
                self.today - dt.timedelta(days=1)))
        return len(self.ticket_ids)

    def requests(self):
        "The generated requests and the planted bursts and repeat calls."
        sys.path.insert(0, str(ROOT / 'bench'))
        try:
            import generate
        finally:
            sys.path.remove(str(ROOT / 'bench'))
        # the benchmark databases know 2025-2026 only; the demo database
        # knows every year of chinese-calendar
        generate.FIRST_DATE = min(generate.FIRST_DATE, self.start)
        generate.LAST_DATE = max(generate.LAST_DATE, self.today)
        Generator = generate.Generator
        end = self.today - dt.timedelta(days=1)
        days = (end - self.start).days + 1
        generator = Generator(seed=self.seed, ref_start=9_000_000)
        requests = generator.requests(
            self.per_day * days, start=self.start, end=end)
        for request in requests:
            request['channel_ref'] = None
        requests += self.planted_matters(generator)
        requests.sort(key=lambda r: r['received_at'])
        return requests

    def planted_matters(self, generator):
        "The bursts and repeat callers, as requests of the generator."
        rng = self.rng
        planted = []
        base = generator.request(self.now)
        for days, hours, region, place, title, texts in BURSTS:
            # a region marked * keeps its last requests open: a blocking
            # issue (ANA-07) the sweep red-cards
            stuck = region.endswith('*')
            region = region.rstrip('*')
            local = dt.datetime.combine(self.today - dt.timedelta(days=days),
                dt.time(7, 30))
            b, n = rng.randint(2, 18), rng.randint(10, 200)
            for i, text in enumerate(texts):
                phone, name, _, _ = generator.caller()
                planted.append(self.planted_request(base, region,
                        place.format(n=n),
                        title.format(b=b, h=rng.randint(5, 20)),
                        text.format(b=b), utc(local + dt.timedelta(
                                hours=i * hours, minutes=rng.randint(0, 50))),
                        phone, name or '王先生'))
                planted[-1]['stuck'] = stuck and i >= len(texts) - 2
        for text, region, place, days_back, fates in REPEATS:
            phone, name, _, _ = generator.caller()
            for i, days in enumerate(days_back):
                local = dt.datetime.combine(
                    self.today - dt.timedelta(days=days), dt.time(19, 10))
                planted.append(self.planted_request(base, region, place,
                        text[:14],
                        text, utc(local), phone, name or '赵先生'))
                fate = fates[i] if i < len(fates) else None
                planted[-1]['stuck'] = fate == 'open'
                planted[-1]['draft_reply'] = fate == 'draft'
        return planted

    def planted_request(self, base, region, address, title, text, received,
            phone, name):
        return {**base, 'received_at': received, 'channel': 'hotline_12345',
            'channel_ref': None, 'requester_phone': phone,
            'requester_name': name, 'anonymous': False,
            'requester_type': 'individual', 'request_type': 'complaint',
            'complexity': 'general', 'urgency': 'normal',
            'category': 'urban_management', 'region': region,
            'unit': region, 'address': address, 'title': title,
            'description': '来电人反映:' + text + '。诉求:尽快解决。',
            'provincial': False, 'leader_instruction': False,
            'planted': True}

    # --- the life of each request ------------------------------------

    def build(self, requests):
        pool = self.pool
        Sequence = pool.get('ir.sequence')
        Calendar = pool.get('sushi.calendar')
        from trytond.modules.sushi_ticket.ticket import TYPE_CODES
        sequence = Sequence(self.config['ticket_sequence'])
        serials = sequence.get_many(len(requests))
        self.tickets, self.assignments, self.replies = [], [], []
        self.callbacks, self.events = [], []
        self.planted = set()
        for request, serial in zip(requests, serials):
            channel, code = self.channels[request['channel']]
            number = '%s%s%s%s' % (
                to_local(request['received_at']).strftime('%Y%m%d'),
                code, TYPE_CODES[request['request_type']], serial)
            self.life(request, channel, number, Calendar)
            self.disclosure(self.tickets[-1])
            if request.get('planted'):
                self.planted.add(number)

    def disclosure(self, ticket):
        "PUB-02, PUB-05: the configured types, but for the older orders."
        closed = ticket.get('closed_at')
        ticket['disclosure'] = (
            ticket['request_type'] in self.config['disclosed_request_types']
            and (not closed or closed >= self.now - dt.timedelta(
                    days=DISCLOSED_DAYS)))

    def pick(self, *weights):
        "The index of one of the shares."
        roll = self.rng.random() * sum(weights)
        for i, weight in enumerate(weights):
            roll -= weight
            if roll < 0:
                return i
        return len(weights) - 1

    def between(self, start, end, low=0.1, high=0.9):
        return start + (end - start) * self.rng.uniform(low, high)

    def life(self, request, channel, number, Calendar):
        rng = self.rng
        now = self.now
        received = request['received_at']
        hour = dt.timedelta(hours=1)
        window = dt.timedelta(hours=self.config['dispatch_window_hours'])
        ticket = {
            'number': number, 'channel': channel,
            'channel_ref': request['channel_ref'],
            'received_at': received,
            'requester_phone': request['requester_phone'],
            'requester_name': request['requester_name'],
            'anonymous': request['anonymous'],
            'requester_type': request['requester_type'],
            'request_type': request['request_type'],
            'complexity': request['complexity'],
            'urgency': request['urgency'],
            'category': self.categories[request['category']],
            'region': self.units[request['region']],
            'address': request['address'], 'title': request['title'],
            'description': request['description'],
            'provincial': request['provincial'],
            'leader_instruction': request['leader_instruction'],
            'state': 'draft', 'round': 1,
            'dispatch_deadline': received + window,
            'create_date': received, 'create_uid': self.user('intake'),
            }
        self.tickets.append(ticket)
        self.event(number, None, 'intake', received, to_state='draft',
            actor='intake')
        kind = request['request_type']
        if kind == 'consult' and rng.random() < 0.55:
            # TRI-02: answered at first contact from the knowledge base
            at = received + dt.timedelta(minutes=rng.randint(3, 15))
            ticket.update(state='answered', disposal='direct_answer',
                closed_at=at, answer='已按知识库口径向来电人解答相关政策和办理流程。',
                answer_basis='按相关政策文件及知识库答复口径解答。')
            self.event(number, None, 'answer', at, 'draft', 'answered',
                actor='intake', comment=ticket['answer'])
            return
        if kind != 'praise' and rng.random() < 0.025:
            reason, code = rng.choice(self.reasons)
            at = received + dt.timedelta(minutes=rng.randint(3, 20))
            ticket.update(state='rejected', rejection_reason=reason,
                disposal='explain_and_redirect', closed_at=at,
                guidance='已告知来电人通过相应法定途径反映。')
            self.event(number, None, 'reject', at, 'draft', 'rejected',
                actor='intake', comment=code)
            return
        accepted = received + dt.timedelta(minutes=rng.randint(2, 20))
        if accepted > now:
            return
        ticket['state'] = 'accepted'
        self.event(number, None, 'accept', accepted, 'draft', 'accepted',
            actor='intake')
        if rng.random() < 0.02:
            dispatched = received + window + hour * rng.uniform(1, 20)
        else:
            dispatched = accepted + hour * rng.uniform(0.2, 6)
        if dispatched > now:
            return
        if dispatched > ticket['dispatch_deadline']:
            ticket.update(dispatch_late=True,
                dispatch_late_at=ticket['dispatch_deadline'])
            self.event(number, None, 'dispatch_late',
                ticket['dispatch_deadline'])
        unit = self.units.get(request['unit']) or ticket['region']
        ticket.update(state='dispatched', disposal='dispatched',
            dispatched_at=dispatched, lead_unit=unit)
        self.event(number, None, 'dispatch', dispatched, 'accepted',
            'dispatched', actor='dispatcher')
        self.handle(ticket, request, unit, dispatched, 1, Calendar)

    def handle(self, ticket, request, unit, dispatched, round_, Calendar):
        "One round of handling by the lead unit, as far as now."
        Assignment = self.pool.get('sushi.ticket.assignment')
        rng = self.rng
        now = self.now
        number = ticket['number']
        hour = dt.timedelta(hours=1)
        values = Assignment.deadlines(SimpleNamespace(
                request_type=ticket['request_type'],
                complexity=ticket['complexity'],
                urgency=ticket['urgency'], statutory_due_at=None),
            dispatched)
        assignment = {**values, 'ticket': number, 'unit': unit,
            'role': 'lead', 'round': round_, 'dispatched_at': dispatched,
            'dispatched_by': self.user('dispatcher'),
            'dispatch_basis': '按职责派发', 'state': 'dispatched',
            'create_date': dispatched, 'create_uid': self.user('dispatcher')}
        self.assignments.append(assignment)
        key = (number, round_)
        self.event(number, key, 'dispatch', dispatched, to_state='dispatched',
            actor='dispatcher', comment='按职责派发', unit=unit)
        ticket['deadline'] = values.get('due_at')
        if values['for_information']:
            # LIM-03: praise is forwarded and the order closes
            assignment['state'] = 'informed'
            ticket.update(state='closed', closed_at=dispatched)
            self.event(number, None, 'close', dispatched, to_state='closed')
            return
        sign_deadline = values['sign_deadline']
        due = values['due_at']
        # SGN-04: a few sign in late; the fact is dated at the deadline
        if rng.random() < 0.04:
            signed = sign_deadline + hour * rng.uniform(1, 20)
        else:
            signed = self.between(dispatched, sign_deadline, 0.05, 0.8)
        if signed > now:
            return
        assignment.update(state='signed', signed_at=signed,
            signed_by=self.handler(unit))
        ticket['state'] = 'in_progress'
        self.event(number, key, 'sign', signed, 'dispatched', 'signed',
            actor=self.handler(unit), unit=unit)
        if signed > sign_deadline:
            assignment.update(late_sign_in=True,
                late_sign_in_at=sign_deadline)
            self.event(number, key, 'late_sign_in', signed, unit=unit)
        if request.get('stuck'):
            return
        # the reply: most in time, a few after the due time (red card)
        late = rng.random() < 0.045
        if late:
            submitted = due + hour * rng.uniform(2, 96)
        else:
            submitted = self.between(signed, due, 0.15, 0.95)
        if request.get('draft_reply'):
            late, submitted = False, now + hour
        # RPL-04: the newest replies are drafted and await the leader
        drafted = submitted - hour * rng.uniform(4, 30)
        if submitted > now and (late or drafted > now):
            return
        result = ['resolved', 'partially_resolved',
            'explained_not_resolvable_now'][self.pick(80, 13, 7)]
        signed_off = submitted - hour * rng.uniform(0.2, 3)
        leader = self.leader(unit)
        reply = {'assignment': key, 'kind': 'reply', 'round': round_,
            'state': 'submitted',
            'content': REPLIES[result].format(
                d=to_local(submitted).strftime('%m月%d日'),
                y=to_local(submitted).year + 1),
            'result': result, 'no_policy_cited': True,
            'contacted_at': signed_off - hour * rng.uniform(0.5, 5),
            'contact_method': 'phone',
            'contact_summary': '电话联系诉求人，告知处理情况。',
            'requester_satisfaction': 'satisfied'
            if result == 'resolved' else 'basically_satisfied',
            'handler_name': rng.choice(HANDLERS),
            'handler_phone': None if rng.random() < 0.01
            else '0557-30%05d' % rng.randrange(10 ** 5),
            'signed_off_by': leader,
            'signed_off_role': 'deputy_in_charge' if leader else None,
            'signed_off_at': signed_off if leader else None,
            'submitted_at': submitted,
            'create_date': signed_off, 'create_uid': self.handler(unit)}
        if submitted > now:
            reply.update(state='waiting_sign_off', signed_off_by=None,
                signed_off_role=None, signed_off_at=None, submitted_at=None,
                contacted_at=drafted - hour * rng.uniform(0.5, 5),
                create_date=drafted)
            self.replies.append(reply)
            self.event(number, key, 'reply_draft', drafted, 'draft',
                'waiting_sign_off', actor=self.handler(unit), unit=unit)
            return
        if rng.random() < 0.01:
            reply.update(signed_off_by=None, signed_off_role=None,
                signed_off_at=None)
        self.replies.append(reply)
        self.event(number, key, 'reply_submit', submitted, 'signed',
            'replied', actor=self.handler(unit), unit=unit)
        assignment['state'] = 'replied'
        ticket['state'] = 'replied'
        if late:
            # LGT-02, LGT-05, ACC-02: carded at the due time
            assignment.update(late_completion=True, red_card=True,
                red_card_at=due, red_card_cause='overdue',
                light='red', light_changed_at=due,
                overdue_accountability_candidate=True,
                overdue_accountability_candidate_at=due)
            self.event(number, key, 'red_card', submitted, unit=unit,
                comment='late_completion')
        reviewed = submitted + hour * rng.uniform(1, 20)
        if reviewed > now:
            return
        reply.update(state='accepted', reviewed_by=self.user('reviewer'),
            reviewed_at=reviewed)
        assignment.update(state='completed', completed_at=submitted,
            handling_days=Calendar.working_days_between(
                dispatched, submitted), light=None)
        self.event(number, key, 'review_accept', reviewed, 'submitted',
            'accepted', actor='reviewer', unit=unit)
        first = round_ == 1
        ticket['state'] = 'reviewed'
        ticket['first_evaluation' if first else 'second_evaluation'] = (
            'pending')
        ticket['rating_due_at'] = reviewed + dt.timedelta(
            days=self.config['rating_window_days'])
        self.rate(ticket, request, unit, reviewed, result, first, Calendar)

    def rate(self, ticket, request, unit, reviewed, result, first,
            Calendar):
        "CBK: the rating of the reply, and what follows from it."
        rng = self.rng
        number = ticket['number']
        channel = ['phone_callback', 'sms_rating', 'wanshitong_app_rating',
            'default'][self.pick(50, 30, 10, 10)]
        resolution = {'resolved': 'resolved',
            'partially_resolved': 'partially_resolved',
            'explained_not_resolvable_now': 'unresolved'}[result]
        if channel == 'default':
            at = ticket['rating_due_at']
            given = result_ = 'default_satisfied'
        else:
            at = reviewed + dt.timedelta(hours=rng.uniform(2, 60))
            bad = 0.03 if result == 'resolved' else 0.15
            given = 'dissatisfied' if rng.random() < bad else 'satisfied'
            if (given == 'dissatisfied' and at <= self.now
                    and not self.recent(at)):
                # by SMS or app the platform calls back (CBK-05)
                channel = 'phone_callback'
            result_ = given
        if at > self.now:
            return
        if self.queued(ticket, channel, given, at, first):
            return
        callback = {'ticket': number, 'round': 1 if first else 2,
            'channel': channel, 'given': None if channel == 'default'
            else given, 'result': result_, 'reason_clear': False,
            'resolution': None if channel == 'default' else resolution,
            'recorded_by': self.user('intake') if channel == 'phone_callback'
            else None, 'recorded_at': at, 'create_date': at,
            'create_uid': 0}
        self.callbacks.append(callback)
        ticket['rating_due_at'] = None
        name = 'first_evaluation' if first else 'second_evaluation'
        ticket[name] = result_
        if channel == 'default':
            self.event(number, None, 'default_satisfied', at)
        else:
            self.event(number, None, 'callback', at, actor='intake'
                if channel == 'phone_callback' else None, comment=given)
        if given == 'dissatisfied' and first:
            # CBK-03: a first bad rating with a clear reason is verified;
            # the unit at fault handles it again (round 2)
            callback.update(reason=rng.choice(BAD_REASONS),
                reason_clear=True)
            ticket['state'] = 'verifying'
            verified = at + dt.timedelta(hours=rng.uniform(4, 40))
            if verified > self.now:
                return
            ticket.update(unit_at_fault=True, round=2, state='dispatched')
            self.event(number, None, 'verify', verified, 'verifying',
                'dispatched', actor='reviewer', comment='核实存在工作不到位')
            self.event(number, None, 'rework', verified, actor='reviewer')
            self.handle(ticket, request, unit, verified, 2, Calendar)
            return
        ticket['final_evaluation'] = result_
        ticket.update(state='closed', closed_at=at)
        self.event(number, None, 'close', at, to_state='closed')
        if result_ == 'satisfied' and first:
            # CBK-02, ARC-03: good-rated orders are archived at once
            ticket.update(state='archived', archived_at=at)
            self.event(number, None, 'archive', at, 'closed', 'archived')
        else:
            later = at + dt.timedelta(days=self.config['archive_after_days'])
            if later <= self.now:
                ticket.update(state='archived', archived_at=later)
                self.event(number, None, 'archive', later, 'closed',
                    'archived')

    def recent(self, at):
        "Whether an answer at `at` is still in the callback queue."
        return at >= self.now - dt.timedelta(days=QUEUED_DAYS)

    def queued(self, ticket, channel, given, at, first):
        """CBK-05, CBK-06: a recent SMS or app answer that is dissatisfied
        or cannot be read waits in the platform's callback queue (as
        Callback.queue_callback leaves it); return whether it does."""
        if channel not in {'sms_rating', 'wanshitong_app_rating'} or (
                not self.recent(at)):
            return False
        number = ticket['number']
        # a draw of its own, so that the rest of the history is unchanged
        draw = random.Random(number)
        if given != 'dissatisfied' and draw.randrange(100) >= UNSURE_PERCENT:
            return False
        reason = (draw.choice(BAD_REASONS) if given == 'dissatisfied'
            else draw.choice(UNSURE_ANSWERS))
        self.callbacks.append({'ticket': number, 'round': 1 if first else 2,
                'channel': channel,
                'given': 'dissatisfied' if given == 'dissatisfied' else None,
                'result': 'callback', 'reason': reason,
                'reason_clear': False, 'recorded_by': None,
                'recorded_at': at, 'create_date': at, 'create_uid': 0})
        ticket.update(callback_required=True, callback_required_at=at,
            rating_due_at=None)
        self.event(number, None, 'callback_queue', at, comment=reason)
        return True

    def cluster(self):
        """ANA-11: the clusters of the planted matters; the cron takes
        the requests from now on.  (The generated background is left out:
        requests made from one template look like one matter.)"""
        pool = self.pool
        Cluster = pool.get('sushi.analysis.cluster')
        Configuration = pool.get('sushi.configuration')
        Ticket = pool.get('sushi.ticket')
        config = Configuration.get_values()
        planted = Ticket.search([('number', 'in', sorted(self.planted))],
            order=[('received_at', 'ASC'), ('id', 'ASC')])
        touched = set()
        matches = Cluster._batch_matches(planted, config)
        for ticket in planted:
            touched |= Cluster._cluster_ticket(
                ticket, config, matches[ticket.id])
        Cluster.refresh(Cluster.browse(sorted(touched)))
        Configuration.write([Configuration(1)], {
                'cluster_checkpoint': self.now})

    def disclose(self):
        """PUB-02..05: the disclosures of the orders closed in the last
        DISCLOSED_DAYS days, drafted and masked by the portal; the reviewer
        published each the day after it closed, but yesterday's."""
        from trytond.transaction import Transaction
        pool = self.pool
        try:
            Disclosure = pool.get('sushi.portal.disclosure')
        except KeyError:
            return
        Ticket = pool.get('sushi.ticket')
        tickets = Ticket.search([
                ('id', 'in', self.ticket_ids),
                ('disclosure', '=', True),
                ('closed_at', '!=', None),
                ], order=[('closed_at', 'ASC'), ('id', 'ASC')])
        disclosures = Disclosure.prepare(tickets)
        yesterday = utc(dt.datetime.combine(self.today, dt.time())
            ) - dt.timedelta(days=1)
        Disclosure.publish([d for d in disclosures
                if d.closed_at < yesterday])
        table = Disclosure.__table__()
        cursor = Transaction().connection.cursor()
        for disclosure in disclosures:
            if disclosure.closed_at < yesterday:
                cursor.execute(*table.update([table.published_at],
                        [disclosure.closed_at + dt.timedelta(days=1)],
                        where=table.id == disclosure.id))

    # --- who ------------------------------------------------------------

    def user(self, login):
        return self.users.get(login) or self.users.get('admin')

    def handler(self, unit):
        if unit == self.units.get('yongqiao_district'):
            return self.users.get('handler')
        if unit == self.units.get('urban_management_bureau'):
            return self.users.get('city_handler')
        return None

    def leader(self, unit):
        if unit == self.units.get('yongqiao_district'):
            return self.users.get('leader')
        # the units without a demo account: the administrator stands in
        return self.users.get('admin')

    def event(self, number, key, action, at, from_state=None, to_state=None,
            actor=None, comment=None, unit=None):
        if isinstance(actor, str):
            actor = self.user(actor)
        self.events.append((number, key, unit, action, actor, at,
                from_state, to_state, comment))

    # --- writing --------------------------------------------------------

    def insert(self, model, rows, returning=None):
        """INSERT the dicts rows into the table of model in batches; return
        the values of the column `returning` in row order."""
        from trytond.transaction import Transaction
        table = self.pool.get(model).__table__()
        cursor = Transaction().connection.cursor()
        names = sorted({n for r in rows for n in r})
        columns = [getattr(table, n) for n in names]
        batch = max(1, 30000 // len(names) // 2)
        result = []
        for i in range(0, len(rows), batch):
            values = [[r.get(n) for n in names] for r in rows[i:i + batch]]
            if returning:
                cursor.execute(*table.insert(columns, values,
                        returning=[getattr(table, returning)]))
                result.extend(r for r, in cursor)
            else:
                cursor.execute(*table.insert(columns, values))
        return result

    def write(self):
        from trytond.transaction import Transaction
        pool = self.pool
        Ticket = pool.get('sushi.ticket')
        Assignment = pool.get('sushi.ticket.assignment')
        cursor = Transaction().connection.cursor()
        t = Ticket.__table__()
        for ticket in self.tickets:
            ticket.setdefault('write_date', ticket['create_date'])
        self.insert('sushi.ticket', self.tickets)
        # the rows are found again by their keys: the number of a ticket,
        # (number, round) of an assignment (one lead per round here)
        first = min(r['received_at'] for r in self.tickets)
        cursor.execute(*t.select(t.number, t.id,
                where=t.received_at >= first))
        numbers = dict(cursor)
        self.ticket_ids = [numbers[r['number']] for r in self.tickets]
        for row in self.assignments:
            row['ticket'] = numbers[row['ticket']]
        a = Assignment.__table__()
        self.insert('sushi.ticket.assignment', self.assignments)
        # issue #14: the order's copies on its assignments (title, number,
        # state, ticket_open), as Assignment.create keeps them: without
        # them a unit's lists show the history's orders without title and
        # its search bar does not find them
        Assignment.sync_ticket_copy(self.ticket_ids)
        by_id = {v: k for k, v in numbers.items()}
        cursor.execute(*a.select(a.ticket, a.round, a.id,
                where=(a.dispatched_at >= first) & (a.role == 'lead')))
        keys = {(by_id.get(ticket), round_): id_
            for ticket, round_, id_ in cursor}
        for row in self.replies:
            row['assignment'] = keys[row['assignment']]
        self.insert('sushi.ticket.reply', self.replies)
        for row in self.callbacks:
            row['ticket'] = numbers[row['ticket']]
        self.insert('sushi.ticket.callback', self.callbacks)
        rows = []
        for number, key, unit, action, actor, at, from_, to, comment in (
                self.events):
            rows.append({'ticket': numbers[number],
                    'assignment': keys[key] if key else None,
                    'unit': unit, 'action': action, 'actor': actor,
                    'at': at, 'from_state': from_, 'to_state': to,
                    'comment': comment, 'create_uid': actor or 0,
                    'create_date': at})
        self.insert('sushi.ticket.event', rows)
