"""Demo data of the 1+X consultation (会商), through proteus: a monthly
theme under implementation with its minutes, a co-unit letter awaiting
reply and its agreed items (the district's done on time with its result,
the bureau's still running to its deadline); a unit's proposal waiting in
the topic pool; an ad-hoc consultation the Office has just accepted; this
month's report.  Every step is the button its user would press."""
import datetime as dt

from proteus import Model
from proteus import config as pconfig


def load():
    cfg = pconfig.get_config()
    Topic = Model.get('sushi.consultation.topic')
    if Topic.find([]):
        return
    User = Model.get('res.user')
    Unit = Model.get('sushi.unit')
    Meeting = Model.get('sushi.consultation')
    Report = Model.get('sushi.consultation.report')
    Ticket = Model.get('sushi.ticket')
    users = {u.login: u.id for u in User.find([])}
    if not {'supervisor', 'handler', 'city_handler'} <= set(users):
        return
    admin = cfg.user
    county, = Unit.find([('code', '=', 'yongqiao_district')])
    city, = Unit.find([('code', '=', 'urban_management_bureau')])
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    # Suzhou's date (from 16:00 UTC it is tomorrow's)
    from history import to_local
    today = to_local(now).date()
    day = dt.timedelta(days=1)

    def as_user(login):
        cfg.user = users[login] if login else admin
        cfg._context = User.get_preferences(True, {})

    from trytond.modules.sushi_ticket.exceptions import (
        CalendarMissingYearError)
    try:
        # the month's theme, set by the Office
        as_user('supervisor')
        theme = Topic(title='老旧小区雨污分流改造', source='office',
            nature='broad_reach', kind='monthly_theme',
            theme_month=today.replace(day=1),
            description='城区多个老旧小区雨污合流,雨季污水漫溢,'
            '群众反映集中。')
        theme.lead_unit = Unit(county.id)
        theme.co_units.append(Unit(city.id))
        theme.save()
        theme.click('accept')

        # the lead convenes, asks for the letter and records the meeting
        as_user('handler')
        theme = Topic(theme.id)
        theme.form = 'one_plus_x'
        theme.planned_at = now - 2 * day
        theme.location = '埇桥区政府第三会议室'
        theme.click('schedule')
        theme.letter_due_at = now + 3 * day
        theme.click('request_letters')
        meeting = Meeting(Topic(theme.id).meeting.id)
        meeting.held_at = now - 2 * day
        meeting.click('hold')
        meeting.participants = '埇桥区:分管副区长、住建局、各街道;市城管局:排水科'
        meeting.proceedings = '听取各街道摸排情况,逐小区研究改造方案和资金来源。'
        meeting.responsibilities = '埇桥区负责组织实施,市城管局负责技术审查。'
        meeting.implementation_deadlines = '首批5个小区本月底前开工。'
        for text, unit, days in [
                ('完成首批5个小区管网摸排', county, 1),
                ('出具雨污分流改造技术审查意见', city, 10)]:
            item = meeting.items.new()
            item.description = text
            item.unit = Unit(unit.id)
            item.deadline = now + days * day
        meeting.click('submit_minutes')
        Topic(theme.id).click('implement')
        # the district reports its first agreed item done, on time, with
        # what followed (CON-03); the bureau's review is still running
        Item = Model.get('sushi.consultation.item')
        for item in Item.find([('topic', '=', theme.id),
                    ('unit', '=', county.id)], limit=1):
            item.result = ('首批5个小区管网摸排完成,形成雨污混接点位清单'
                '(共37处),已报市城管局技术审查,并在小区公示栏公示。')
            item.save()
            item.click('complete')

        # a unit's proposal from an order, waiting in the pool
        proposal = Topic(title='汴河路片区排水管网历史遗留问题',
            source='unit_proposal', nature='legacy',
            description='片区排水管网建设年代久远,权属不清,每逢雨季积水。')
        proposal.proposing_unit = Unit(county.id)
        proposal.suggested_lead = Unit(county.id)
        proposal.suggested_co_units.append(Unit(city.id))
        for ticket in Ticket.find([('title', '=', '小区门口道路积水')]):
            link = proposal.tickets.new()
            link.ticket = Ticket(ticket.id)
        proposal.save()

        # an ad-hoc consultation the city department will lead
        as_user('supervisor')
        adhoc = Topic(title='破产企业老旧小区加装电梯问题', source='office',
            nature='policy_gap', kind='ad_hoc')
        adhoc.lead_unit = Unit(city.id)
        adhoc.co_units.append(Unit(county.id))
        adhoc.save()
        adhoc.click('accept')

        report = Report(month=today)
        report.good_practices = '埇桥区“街道吹哨、部门报到”,摸排一周完成。'
        report.save()
        report.click('generate')
    except CalendarMissingYearError as error:
        # late in December the due times reach next year's calendar
        print('演示会商未创建 (demo consultation skipped):', error.message)
    finally:
        as_user(None)
