# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of the assessment: last month's events of 埇桥区 and 市城管局
(supervision, a commendation, a late consolidation); every month of the
generated history (scripts/demo/history.py) scored and published with its
bulletin, as the monthly cron does; the current month scored as a
draft. Before scoring, the leaders' reviews (领导阅批, D1.4) of the
history's orders."""
import datetime as dt

ANNOTATIONS = [
    '阅。请抓紧办理，按期回复群众。',
    '已阅，请分管科室核实情况后依法依规答复。',
    '阅。此件请分管负责同志督促落实，办结后报我。',
    '请认真调查处理，做好解释工作，防止矛盾激化。',
    '已阅，同意承办科室的办理意见。',
    ]


def load():
    from proteus import Model
    Period = Model.get('sushi.assessment.period')
    if Period.find([]):
        return
    Unit = Model.get('sushi.unit')
    Event = Model.get('sushi.assessment.event')
    Attachment = Model.get('ir.attachment')
    county, = Unit.find([('code', '=', 'yongqiao_district')])
    city, = Unit.find([('code', '=', 'urban_management_bureau')])
    # Suzhou's date, as the history's (from 16:00 UTC it is tomorrow's)
    from history import local_now, to_local
    today = to_local(local_now()).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    day = last.replace(day=12)
    for unit, item, amount, quantity, text in [
            (county, 'D3.2', 1, None, '一级督办:小区积水问题超期未办结'),
            (county, 'B3', '0.5', None, '在全市“宿事速办”工作会议上交流发言'),
            (city, 'K2', 0, 3, '专业热线归并超期3个工作日完成'),
            (city, 'D2.6', 1, None, '回复中泄露诉求人电话,经查属实')]:
        event = Event(unit=unit, item=item, date=day,
            amount=__import__('decimal').Decimal(str(amount)),
            quantity=quantity, description=text)
        event.save()
        Attachment(resource=event, name='证明材料.pdf', type='data',
            data=b'%PDF-1.4 demo').save()
        event.click('approve')
    from proteus import config as pconfig
    from history import run
    run(pconfig.get_config().database_name, lambda: score(today))


def score(today):
    "Score and publish the months of the history, score the current one."
    from trytond.pool import Pool
    from history import MONTHS, first_day
    pool = Pool()
    Period = pool.get('sushi.assessment.period')
    Bulletin = pool.get('sushi.assessment.bulletin')
    # the history inserts its replies in SQL: record the first reply on
    # each order as the sign-off does (ASM-02 on-time feedback)
    pool.get('sushi.ticket.assignment').sync_first_reply()
    reviews()
    periods = [Period.get_or_create('month', first_day(months, today))
        for months in range(MONTHS, 0, -1)]
    periods = [p for p in periods if p.state != 'published']
    for period in periods:
        Period.compute([period])
        Period.publish([period])
    Bulletin.send(periods)
    current = Period.get_or_create('month', today)
    if current.state != 'published':
        Period.compute([current])


def reviews():
    """D1.4: the leaders' reviews of the orders dispatched so far, written
    with one multi-row INSERT per batch (as the history is): the 督办件
    and 省级件 nearly all, the other orders by a share that differs from
    unit to unit (20–80 %), reviewed 20 hours after the dispatch. The
    units without a leader get a demo leader account (principal)."""
    from sql import Literal, Null
    from sql.conditionals import Coalesce
    from trytond.modules.sushi_ticket import clock
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Assignment = pool.get('sushi.ticket.assignment')
    Ticket = pool.get('sushi.ticket')
    Review = pool.get('sushi.assessment.review')
    Leader = pool.get('sushi.unit.leader')
    Unit = pool.get('sushi.unit')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    a, t = Assignment.__table__(), Ticket.__table__()
    review = Review.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*review.select(review.id, limit=1))
    if cursor.fetchone():
        return
    now = clock.now()
    false = Literal(False)
    cursor.execute(*a.join(t, condition=t.id == a.ticket).select(
            a.id, a.unit, a.dispatched_at,
            Coalesce(t.is_supervised, false) | Coalesce(t.provincial, false),
            where=(a.dispatched_at != Null)
            & (Coalesce(a.for_information, false) == false),
            order_by=[a.id]))
    orders = cursor.fetchall()
    units = {unit for _, unit, _, _ in orders}
    leaders = {}
    for leader in Leader.search([('unit', 'in', list(units))],
            order=[('role', 'ASC'), ('id', 'ASC')]):
        leaders.setdefault(leader.unit.id, leader.id)
    missing = Unit.browse(sorted(units - set(leaders)))
    if missing:
        group = ModelData.get_id('sushi_ticket', 'group_sushi_unit_leader')
        users = User.create([{'login': f'leader_{unit.id}',
                    'name': f'{unit.name}负责同志(演示)',
                    'groups': [('add', [group])]} for unit in missing])
        for leader in Leader.create([{'unit': unit.id, 'user': user.id,
                        'role': 'principal'}
                    for unit, user in zip(missing, users)]):
            leaders[leader.unit.id] = leader.id
    rows = []
    for aid, unit, dispatched, flagged in orders:
        share = 20 + (unit * 37) % 61
        if flagged:
            reviewed = aid % 9 != 0
        else:
            reviewed = (aid * 7919) % 100 < share
        at = dispatched + dt.timedelta(hours=20)
        if reviewed and at < now:
            rows.append([aid, unit, leaders[unit],
                    ANNOTATIONS[aid % len(ANNOTATIONS)], at, 0, at])
    columns = [review.assignment, review.unit, review.leader,
        review.annotation, review.reviewed_at, review.create_uid,
        review.create_date]
    for i in range(0, len(rows), 1000):
        cursor.execute(*review.insert(columns, rows[i:i + 1000]))
