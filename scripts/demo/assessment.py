# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of the assessment: last month's events of 埇桥区 and 市城管局
(supervision, a commendation, a late consolidation); every month of the
generated history (scripts/demo/history.py) scored and published with its
bulletin, as the monthly cron does; the current month scored as a
draft."""
import datetime as dt


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
    today = dt.date.today()
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
