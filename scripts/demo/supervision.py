# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of sushi_supervision: the scheduled jobs run once (candidates,
accountability candidates, last month's report), then the supervision
story, each step the button its user would press (SUP-09, SUP-14):

- a level-1 case of 埇桥区 registered a few working days ago, answered by
  the district's handler and re-checked (if the draw picks it) and
  archived;
- the longest-overdue level-1 matter of another county registered a few
  days ago, a second proposal of the same matter merged into it and
  dismissed with the reason, then escalated today to level 3 (SUP-07 1,
  listed supervision by the city leaders) with its commitments planned;
- routine cases still running with their deadline, one reminded;
- a level-1 proposal dismissed because the unit is not at fault
  (SUP-05 3);
- three accountability candidates (ACC-02) decided: two with a measure
  (ACC-08, ACC-09), one dismissed with the reason.

The older steps (proposal, registration, assignment) are dated on the day
they would have happened; the newest ones carry the time they are made.
A step the rules refuse prints a line and the demo goes on."""
import datetime as dt

from proteus import Model, Wizard
from proteus import config as pconfig

# the demo accounts' units: their handler can answer there
HANDLER_UNIT = 'yongqiao_district'
# working days before today of the older cases' registration
REGISTERED_DAYS_AGO = 3


def load():
    from trytond.modules.sushi_ticket.exceptions import (
        CalendarMissingYearError)
    try:
        _load()
    except CalendarMissingYearError as error:
        # next year's official schedule is not entered yet
        print('督办演示数据未创建 (supervision demo skipped):', error.message)


def skipped(what, error):
    "A demo step the rules refuse is left to the user: say so."
    print(f'督办演示：{what}未完成，已跳过 (demo step skipped):',
        getattr(error, 'message', error))


class Roles:
    "Act as the demo accounts, as consultation.py does."

    def __init__(self):
        self.cfg = pconfig.get_config()
        self.admin = self.cfg.user
        User = Model.get('res.user')
        self.users = {u.login: u.id for u in User.find([])}

    def __call__(self, login):
        User = Model.get('res.user')
        self.cfg.user = self.users.get(login, self.admin) if login else (
            self.admin)
        self.cfg._context = User.get_preferences(True, {})


def _load():
    from trytond.exceptions import UserError
    Cron = Model.get('ir.cron')
    for method in ['sushi.ticket.assignment|sweep',
            'sushi.supervision.candidate|propose',
            'sushi.accountability|propose',
            'sushi.supervision.report|generate_monthly']:
        for cron in Cron.find([('method', '=', method)]):
            cron.click('run_once')
    from history import run
    Candidate = Model.get('sushi.supervision.candidate')
    Supervision = Model.get('sushi.supervision')
    database = pconfig.get_config().database_name
    as_user = Roles()
    if 'supervisor' not in as_user.users:
        return
    try:
        as_user('supervisor')
        proposed = Candidate.find([('state', '=', 'proposed')],
            order=[('fact_at', 'ASC'), ('id', 'ASC')])

        def pick(test):
            for candidate in proposed:
                if test(candidate):
                    proposed.remove(candidate)
                    return candidate

        def level1(candidate, mine):
            return (candidate.level == 'L1' and candidate.ticket
                and candidate.unit
                and (candidate.unit.code == HANDLER_UNIT) == mine)
        # the handler's district answers its level-1 case
        answered = pick(lambda c: level1(c, True))
        # the longest-overdue matter of another unit goes up to level 3
        escalated = pick(lambda c: level1(c, False)
            and c.trigger == 'l1_not_handled')
        # the same matter proposed again (another order of the burst)
        same = [c for c in proposed if escalated and c.level == 'L1'
            and c.unit and c.unit.id == escalated.unit.id and c.ticket
            and c.ticket.title == escalated.ticket.title]
        for candidate in same:
            proposed.remove(candidate)
        # the unit is not at fault for the second dissatisfaction
        no_fault = pick(lambda c: c.trigger == 'l1_second_dissatisfied')
        routine = [c for c in proposed if c.level == 'routine'
            and c.ticket][:3]

        cases = {}
        older = {'answered': [], 'escalated': same}
        for key, proposal in [('answered', answered),
                ('escalated', escalated)] + [
                ('routine%s' % i, c) for i, c in enumerate(routine)]:
            if not proposal:
                continue
            try:
                case = register(proposal, [c.ticket for c in
                        older.get(key, [])])
                if key in older:
                    # merged proposals are dismissed at the registration
                    for candidate in older[key]:
                        dismiss(candidate, '与督办件%s为同一事项（%s），相关工单'
                            '已并入该件一并督办。' % (
                                case.number, candidate.ticket.title))
                    # registered some working days ago (SUP-09 1)
                    run(database, lambda: backdate(case.id, [
                                c.id for c in older[key]]))
                case = Supervision(case.id)
                case.click('assign')
                if key in older:
                    run(database, lambda: backdate_assignment(case.id))
                cases[key] = case
            except UserError as error:
                # a demo case the rules refuse is left to the officer
                skipped('登记督办件', error)
        if no_fault:
            dismiss(no_fault, '经核实，二次办理已按政策答复到位，诉求人不满意系对政策'
                '本身有异议，不属承办单位责任（附件3第四条(一)3），转日常性督办跟踪解释。')

        if 'answered' in cases:
            answer(as_user, cases['answered'])
        if 'escalated' in cases:
            as_user('supervisor')
            escalate(cases['escalated'])
        if 'routine0' in cases:
            as_user('supervisor')
            try:
                cases['routine0'].click('remind')
            except UserError as error:
                skipped('提醒承办单位', error)
        as_user('supervisor')
        accountability()
    finally:
        as_user(None)


def register(proposal, tickets=()):
    """The Office confirms a proposal (SUP-14) and registers the case
    (SUP-09 1) with the person the assignment names (2); other orders of
    the same matter join it."""
    Ticket = Model.get('sushi.ticket')
    proposal.click('confirm')
    case = proposal.supervision
    for ticket in tickets:
        case.tickets.append(Ticket(ticket.id))
    if case.level == 'routine':
        case.instructions = '请承办单位三个工作日内办结，并向诉求人和办公室反馈。'
    else:
        case.instructions = ('请承办单位按督办单要求，五个工作日内办结，'
            '向诉求人反馈办理结果，并书面报告热线办。')
    case.responsible_person = '李强'
    case.responsible_phone = '0557-3021234'
    case.save()
    case.click('register')
    return case


def dismiss(candidate, reason):
    "The officer dismisses a proposal; the reason is kept on record."
    from trytond.exceptions import UserError
    try:
        candidate.reason = reason
        candidate.save()
        candidate.click('dismiss')
    except UserError as error:
        skipped('驳回督办建议', error)


def backdate(case_id, merged_ids):
    """Date the proposal and registration of an older case, and the
    dismissal of the proposals merged into it, on the working day they
    happened, REGISTERED_DAYS_AGO working days ago at 09:00 in Suzhou, with
    the deadline the registration gave then; run in the pool
    (history.run), as the history writes its facts.  A case whose fact is
    newer is left as it is, registered now."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.modules.sushi_ticket import clock
    pool = Pool()
    Calendar = pool.get('sushi.calendar')
    Configuration = pool.get('sushi.configuration')
    Supervision = pool.get('sushi.supervision')
    Candidate = pool.get('sushi.supervision.candidate')
    Event = pool.get('sushi.ticket.event')
    record = Supervision(case_id)
    today = Calendar.to_local(clock.now()).date()
    day = Calendar.next_working_day(today, -REGISTERED_DAYS_AGO)
    registered = Calendar.local_datetime(day, dt.time(9, 0))
    proposed = registered - dt.timedelta(hours=1)
    candidates = Candidate.browse(merged_ids + (
            [record.candidate.id] if record.candidate else []))
    if any(c.fact_at and c.fact_at > proposed for c in candidates):
        return
    case = Supervision.__table__()
    candidate = Candidate.__table__()
    event = Event.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*case.update(
            [case.registered_on, case.registered_at, case.deadline],
            [day, registered, Calendar.add_working_days(registered,
                    Configuration.get_values()['supervision_days'])],
            where=case.id == case_id))
    if candidates:
        cursor.execute(*candidate.update(
                [candidate.proposed_at, candidate.decided_at],
                [proposed, registered],
                where=candidate.id.in_([c.id for c in candidates])))
    ticket_ids = [t.id for t in record.tickets]
    if ticket_ids:
        cursor.execute(*event.update([event.at], [registered],
                where=event.ticket.in_(ticket_ids)
                & (event.action == 'supervise')
                & event.comment.like(record.number + ' %')))
    clock.forget(Supervision.__name__, Candidate.__name__, Event.__name__)


def backdate_assignment(case_id):
    """The assignment of a backdated case half an hour after its
    registration, and its SMS to the requesters (SUP-09 2) then."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.modules.sushi_ticket import clock
    pool = Pool()
    Supervision = pool.get('sushi.supervision')
    SMS = pool.get('sushi.sms')
    record = Supervision(case_id)
    if not record.registered_at or record.registered_at.date() >= (
            record.assigned_at.date()):
        return
    assigned = record.registered_at + dt.timedelta(minutes=30)
    case = Supervision.__table__()
    sms = SMS.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*case.update([case.assigned_at], [assigned],
            where=case.id == case_id))
    ticket_ids = [t.id for t in record.tickets]
    if ticket_ids:
        cursor.execute(*sms.update(
                [sms.create_date, sms.sent_at], [assigned, assigned],
                where=sms.ticket.in_(ticket_ids)
                & (sms.kind == 'supervision')
                & (sms.create_date >= record.assigned_at)))
    clock.forget(Supervision.__name__, SMS.__name__)


def answer(as_user, case):
    """The lead unit's handler feeds back (SUP-09 4); when the draw picks
    the case for a re-check, the Office confirms it (5); it is archived
    (7)."""
    from trytond.exceptions import UserError
    Supervision = Model.get('sushi.supervision')
    try:
        as_user('handler')
        mine = Supervision(case.id)
        mine.feedback = ('已会同属地街道和执法中队现场核查，责令当事商户限期整改并'
            '跟踪复查，整改已完成；已电话告知诉求人办理结果，诉求人表示认可。')
        mine.save()
        mine.click('submit_feedback')
        if mine.state == 'fed_back':
            as_user('supervisor')
            mine = Supervision(case.id)
            mine.verification_note = ('电话回访诉求人并抽查现场，整改情况属实，'
                '反馈与实际一致。')
            mine.save()
            mine.click('confirm_verification')
    except UserError as error:
        skipped('承办单位反馈督办件', error)


def escalate(case):
    """SUP-07 1, SUP-14: the matter is still unresolved after level 1; the
    Office reports it and the city leaders list it (level 3), recorded as
    that decision; the new case is registered and assigned, its
    commitments planned (SUP-08)."""
    from trytond.exceptions import UserError
    Supervision = Model.get('sushi.supervision')
    try:
        wizard = Wizard('sushi.supervision.escalate', [case])
        wizard.form.level = 'L3'
        wizard.form.trigger = 'l3_hot_difficult'
        wizard.form.reason = ('一级督办后仍未解决，周边群众集中反映、影响面广；'
            '经热线办专报，市委市政府负责同志同意挂牌督办（三级督办）。')
        wizard.execute('escalate')
        new = Supervision(case.id).escalated_to
        new = Supervision(new.id)
        new.instructions = ('市领导挂牌督办：请主要负责同志牵头，十个工作日内'
            '拿出整治方案并组织实施，每周向热线办报告进展。')
        new.deadline = new.deadline + dt.timedelta(days=14)
        new.save()
        new.click('register')
        new.click('assign')
    except UserError as error:
        skipped('升级督办', error)


def accountability():
    """ACC-08, ACC-09, ACC-12: the Office takes up the oldest ACC-02
    candidates: two decided with a measure, one dismissed with its
    reason."""
    from trytond.exceptions import UserError
    from history import local_now, to_local
    Accountability = Model.get('sushi.accountability')
    # Suzhou's date (from 16:00 UTC it is tomorrow's)
    today = to_local(local_now()).date()
    # facts of some weeks ago: the investigation took its time
    candidates = Accountability.find([('state', '=', 'candidate'),
            ('fact_at', '<', local_now() - dt.timedelta(days=14))],
        order=[('fact_at', 'DESC'), ('id', 'DESC')], limit=3)
    decisions = [
        ('circulated_criticism', 'office',
            '工单超时未办结，未按规定申请延期，予以通报批评。'),
        ('named_circular', 'office',
            '逾期未办且未申请延期，约谈分管负责同志并在全市通报。'),
        ]
    for record, decision in zip(candidates, decisions + [None]):
        try:
            record.click('investigate')
            record.evidence = '工单流转记录、红牌记录及延期申请记录（无获批延期）。'
            if decision:
                record.method, record.deciding_body, record.decision = (
                    decision)
                record.decided_on = today
                record.save()
                record.click('decide')
            else:
                record.decision = ('经核查，承办单位在到期前已书面申请延期，'
                    '因平台延期审批未及时办理致逾期，不属承办单位责任，不予追责。')
                record.save()
                record.click('dismiss')
        except UserError as error:
            skipped('责任追究决定', error)
