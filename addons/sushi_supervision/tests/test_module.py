# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import ast
import datetime as dt
import io
import unittest
import zipfile
from pathlib import Path
from unittest.mock import patch

from lxml import etree
from sql import Table

from trytond.exceptions import UserError
from trytond.model import ModelSQL
from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.modules.sushi_ticket.tests.test_notification import Gateway
from trytond.modules.sushi_ticket.tests.test_rights import (
    MODES, ROLES, as_user, rights, role_users)
from trytond.modules.sushi_ticket.tests.test_year_end import (
    import_2027, write_reply)
from trytond.modules.sushi_ticket.tests.tools import (
    DBTestCase, TranslationTestMixin, as_local, at, create_ticket,
    dispatch_ticket, load_chinese, local, run_queue, setup_network,
    sushi_config)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import report as report_module
from ..supervision import trigger_level
from .tools import click


# The rights of a user who has only one role's group, per stored model of
# the module (r w c d, in the order of sushi_ticket's ROLES): supervisors
# and the Office create and escalate; units read and answer their own
# (record rules); city leaders read all; candidates are the Office's.
ACCESS = {
    #                         intk disp revw supv admn hndl lead city anly
    'sushi.supervision':     'r--- r--- r--- rwc- rwcd rw-- rw-- r--- r---',
    'sushi.supervision-sushi.ticket':
                             'r--- r--- r--- rwcd rwcd r--- r--- r--- r---',
    'sushi.supervision-co_unit':
                             'r--- r--- r--- rwcd rwcd r--- r--- r--- r---',
    'sushi.supervision-responsible_unit':
                             'r--- r--- r--- rwcd rwcd r--- r--- r--- r---',
    'sushi.supervision.opinion':
                             'r--- r--- r--- rwcd rwcd rw-- rw-- r--- r---',
    'sushi.supervision.action':
                             'r--- r--- r--- rwc- rwcd r--- r--- r--- r---',
    'sushi.supervision.consequence':
                             'r--- r--- r--- rwcd rwcd r--- r--- r--- r---',
    'sushi.supervision.candidate':
                             'r--- r--- r--- rw-- rwcd ---- ---- r--- r---',
    # D3.1 facts: stored by the platform, read by all, written by none
    'sushi.supervision.fact':
                             'r--- r--- r--- r--- r--- r--- r--- r--- r---',
    # ACC-12: accountability is not for other platform staff
    'sushi.accountability':  '---- ---- ---- rwc- rwcd r--- r--- r--- ----',
    'sushi.accountability-sushi.ticket':
                             '---- ---- ---- rwcd rwcd r--- r--- r--- ----',
    'sushi.accountability-sushi.supervision':
                             '---- ---- ---- rwcd rwcd r--- r--- r--- ----',
    'sushi.supervision.report':
                             '---- ---- ---- rw-- rwcd ---- ---- r--- r---',
    'sushi.supervision.report.line':
                             '---- ---- ---- r--- r--- ---- ---- r--- r---',
    'sushi.supervision.report-sushi.supervision':
                             '---- ---- ---- r--- r--- ---- ---- r--- r---',
    }
OFFICE = {'admin', 'supervisor'}
UNITS = {'unit_handler', 'unit_leader'}
BUTTONS = {
    ('sushi.supervision', 'register'): OFFICE,
    ('sushi.supervision', 'assign'): OFFICE,
    ('sushi.supervision', 'remind'): OFFICE,
    ('sushi.supervision', 'submit_feedback'): OFFICE | UNITS,
    ('sushi.supervision', 'confirm_verification'): OFFICE,
    ('sushi.supervision', 're_supervise'): OFFICE,
    ('sushi.supervision', 'escalate'): OFFICE,
    ('sushi.supervision', 'cancel'): OFFICE,
    ('sushi.supervision.opinion', 'answer_opinion'): OFFICE | UNITS,
    ('sushi.supervision.consequence', 'record_done'): OFFICE,
    ('sushi.supervision.candidate', 'confirm'): OFFICE,
    ('sushi.supervision.candidate', 'dismiss'): OFFICE,
    ('sushi.accountability', 'investigate'): OFFICE,
    ('sushi.accountability', 'decide'): OFFICE,
    ('sushi.accountability', 'dismiss'): OFFICE,
    ('sushi.supervision.report', 'regenerate'): OFFICE,
    }


class SushiSupervisionTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_supervision module"
    module = 'sushi_supervision'
    # the views of the SUP-02 (3) cluster candidates need it
    extras = ['sushi_analysis']

    def test_buttons_return_no_records(self):
        """A button answers sao with nothing, an action id or an action,
        never with records: sao could not read them (HTTP 400, as the
        confirm and 请求函复 buttons once did).  Every @ModelView.button
        method of the module's sources; the tests press the buttons as
        sao does through `tools.click`."""
        found = []
        for path in sorted(Path(__file__).parent.parent.glob('*.py')):
            tree = ast.parse(path.read_text(encoding='utf-8'))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef) or not any(
                        ast.unparse(d) == 'ModelView.button'
                        for d in node.decorator_list):
                    continue
                found.append(node.name)
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return) and inner.value:
                        self.fail(f'{path.name}: button {node.name} '
                            f'returns {ast.unparse(inner.value)}')
        self.assertIn('request_letters', found)


def sql_write(model, ids, **values):
    "Set stored facts the way sushi_ticket records them, bypassing checks."
    table = Table(Pool().get(model)._table)
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update(
            [getattr(table, k) for k in values], list(values.values()),
            where=table.id.in_(ids)))
    from trytond.modules.sushi_ticket import clock
    clock.forget(model)


def dispatched(ns, unit=None, **values):
    "A complaint dispatched on Monday 3 March 2025 at 9:00, due 12 March."
    ticket = create_ticket(**values)
    with at(2025, 3, 3, 9):
        assignment, = dispatch_ticket(ticket, unit or ns.county,
            basis='属地管理')
    return ticket, assignment


class SupervisionTestCase(DBTestCase, unittest.TestCase):
    "Supervision cases, candidates, accountability and the monthly report"
    module = 'sushi_supervision'

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        super(DBTestCase, cls).setUpClass()
        drop_db()
        # the users read Chinese, as in production; with the analysis
        # module, whose clusters supervision reads (SUP-02 3)
        activate_module([cls.module, 'sushi_analysis'], lang='zh_CN')

    def case(self, ns, ticket, **values):
        "A registered level-1 case on the ticket against 埇桥区."
        Supervision = Pool().get('sushi.supervision')
        defaults = {
            'level': 'L1', 'trigger': 'l1_not_handled',
            'tickets': [('add', [ticket.id])],
            'lead_unit': ns.county.id,
            'registered_on': dt.date(2025, 3, 13),
            'content': '汴河路积水超期未办理',
            'instructions': '三个工作日内疏通排水管道并回复诉求人',
            'deadline': local(2025, 3, 18, 17, 30),
            'responsible_person': '李主任',
            'responsible_phone': '0557-3021234',
            }
        defaults.update(values)
        case, = Supervision.create([defaults])
        return case

    def graph(self, action):
        """What sao's graph of the action shows: the records of the
        action's domain searched and read as sao reads them (the view's
        x field's name, its y fields), the y values summed per x label."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        action = ActWindow(ModelData.get_id('sushi_supervision', action))
        Model = pool.get(action.res_model)
        view, = [v.view for v in action.act_window_views
            if v.view.type == 'graph']
        arch = etree.fromstring(
            Model.fields_view_get(view.id, 'graph')['arch'])
        x, = arch.xpath('//x/field/@name')
        ys = arch.xpath('//y/field/@name')
        shown = {}
        with Transaction().set_context(_check_access=True):
            records = Model.search(
                PYSONDecoder().decode(action.pyson_domain))
            for row in Model.read([r.id for r in records],
                    [x, f'{x}.rec_name', *ys]):
                sums = shown.setdefault(row[f'{x}.']['rec_name'],
                    dict.fromkeys(ys, 0))
                for y in ys:
                    sums[y] += row[y]
        return shown

    # --- the case and its steps ---------------------------------------

    @with_transaction()
    def test_register_requires_mandatory_fields(self):
        "SUP-09 (1): registration date, content, lead unit, deadline, instructions"
        Supervision = Pool().get('sushi.supervision')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        case = self.case(ns, ticket, instructions=None, deadline=None)
        with self.assertRaises(UserError) as cm:
            Supervision.register([case])
        self.assertIn('办结时限', cm.exception.message)
        self.assertIn('办理意见', cm.exception.message)
        self.assertEqual(Supervision(case.id).state, 'draft')
        self.assertFalse(ticket.__class__(ticket.id).is_supervised)
        # the Office drops the draft instead (the button as sao presses it)
        self.assertIsNone(click([case], 'cancel'))
        self.assertEqual(Supervision(case.id).state, 'cancelled')

    @with_transaction()
    def test_trigger_belongs_to_level(self):
        "SUP-05..07: a level-2 trigger cannot start a level-1 case"
        ns = setup_network()
        ticket, _ = dispatched(ns)
        self.assertEqual([trigger_level(t) for t in [
                    'scope_knowledge', 'l1_not_handled',
                    'l2_important_order', 'l3_major']],
            ['routine', 'L1', 'L2', 'L3'])
        with self.assertRaises(UserError):
            self.case(ns, ticket, trigger='l2_important_order')

    @with_transaction()
    def test_seven_steps(self):
        "SUP-09, SUP-11, ARC-04: register, assign, track, feed back, archive"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Ticket = pool.get('sushi.ticket')
        SMS = pool.get('sushi.sms')
        Event = pool.get('sushi.ticket.event')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        other, _ = dispatched(ns, title='另一件')
        case = self.case(ns, ticket)
        with at(2025, 3, 13, 10), Transaction().set_user(ns.supervisor.id):
            click([case], 'register')
        case = Supervision(case.id)
        self.assertEqual((case.state, case.registered_at),
            ('registered', local(2025, 3, 13, 10)))
        self.assertEqual(case.registered_by, ns.supervisor)
        self.assertEqual(case.body, 'office')
        self.assertEqual(case.method, 'notice')
        # responsible units default to the lead unit (D3.2)
        self.assertEqual(list(case.responsible_units), [ns.county])
        # SUP-11: the linked ticket is supervised, the other is not (RPL-04)
        # a boolean on both backends, also as the client reads it
        self.assertIs(Ticket(ticket.id).is_supervised, True)
        self.assertEqual(Ticket.read([ticket.id], ['is_supervised']),
            [{'id': ticket.id, 'is_supervised': True}])
        self.assertFalse(Ticket(other.id).is_supervised)
        self.assertTrue(Event.search([('ticket', '=', ticket.id),
                    ('action', '=', 'supervise')]))

        with at(2025, 3, 13, 11):
            click([case], 'assign')
        sms, = SMS.search([('ticket', '=', ticket.id),
                ('kind', '=', 'supervision')])
        # SUP-09 (2): unit, person, contact and deadline (local time)
        for part in ['埇桥区', '李主任', '0557-3021234', '2025-03-18 17:30',
                ticket.number]:
            self.assertIn(part, sms.text)
        self.assertEqual(sms.phone, '13805571234')
        self.assertEqual(Supervision(case.id).assigned_at,
            local(2025, 3, 13, 11))

        with at(2025, 3, 14, 9):
            click([case], 'remind')
        case = Supervision(case.id)
        self.assertEqual(case.tracked_at, local(2025, 3, 14, 9))
        self.assertEqual([a.kind for a in case.actions], ['reminder'])

        case.feedback = '已疏通排水管道，并电话告知诉求人'
        case.save()
        # nothing is drawn for a re-check: archived at once (step 7)
        with at(2025, 3, 17, 15), \
                patch.object(Supervision, 'draw', return_value=False), \
                Transaction().set_user(ns.handler.id), \
                Transaction().set_context(_check_access=True):
            click([Supervision(case.id)], 'submit_feedback')
        case = Supervision(case.id)
        self.assertEqual(case.state, 'archived')
        self.assertEqual(case.fed_back_at, local(2025, 3, 17, 15))
        self.assertEqual(case.archived_at, local(2025, 3, 17, 15))
        self.assertEqual(case.fed_back_by, ns.handler)
        self.assertFalse(case.fed_back_late)
        # a closed case still makes the ticket supervised (SUP-11)
        self.assertTrue(Ticket(ticket.id).is_supervised)

    @with_transaction()
    def test_feedback_by_lead_unit_only(self):
        "SUP-09 (4): a co-unit does not feed back; the lead unit does"
        Supervision = Pool().get('sushi.supervision')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        case = self.case(ns, ticket, co_units=[('add', [ns.city.id])])
        Supervision.register([case])
        Supervision.assign([case])
        with as_user(ns.city_handler):
            mine, = Supervision.search([('id', '=', case.id)])
            Supervision.write([mine], {'feedback': '已配合'})
            with self.assertRaises(UserError) as cm:
                Supervision.submit_feedback([mine])
            self.assertIn('主办单位', cm.exception.message)
            # a unit writes its feedback, not the Office's fields
            with self.assertRaises(UserError):
                Supervision.write([mine], {'deadline': local(2025, 4, 1)})
        self.assertEqual(Supervision(case.id).state, 'assigned')

    @with_transaction()
    def test_verification_draw(self):
        "SUP-09 (5): a reproducible draw of the configured share"
        Supervision = Pool().get('sushi.supervision')
        cases = [Supervision(number='DB2025-%05d' % i) for i in range(2000)]
        drawn = [c for c in cases if Supervision.draw(c, 0.3, 'sushi')]
        self.assertTrue(500 <= len(drawn) <= 700, msg=len(drawn))
        self.assertEqual(drawn,
            [c for c in cases if Supervision.draw(c, 0.3, 'sushi')])
        self.assertFalse([c for c in cases if Supervision.draw(c, 0, 'x')])
        self.assertEqual(len([c for c in cases
                    if Supervision.draw(c, 1, 'x')]), 2000)

    @with_transaction()
    def test_verification_and_re_supervision(self):
        "SUP-09 (5): a drawn case is re-checked; untrue feedback goes back"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        case = self.case(ns, ticket)
        Supervision.register([case])
        Supervision.assign([case])
        case.feedback = '已处理'
        case.save()
        with at(2025, 3, 19, 9), patch.object(
                Supervision, 'draw', return_value=True):
            Supervision.submit_feedback([case])
        case = Supervision(case.id)
        # fed back after the deadline of 18 March 17:30
        self.assertEqual((case.state, case.verification_drawn,
                case.fed_back_late), ('fed_back', True, True))
        with self.assertRaises(UserError):
            Supervision.re_supervise([case])
        case.verification_note = '现场复核仍有积水'
        case.save()
        with at(2025, 3, 19, 15):
            click([case], 're_supervise')
        case = Supervision(case.id)
        self.assertEqual((case.state, case.verification_result),
            ('assigned', 're_supervise'))
        opinion, = case.opinions
        self.assertEqual((opinion.unit, opinion.text),
            (ns.county, '现场复核仍有积水'))
        # fed back again and drawn again: this time the re-check confirms
        # it, and the case is archived at once (step 7)
        case.feedback = '已清淤，复查无积水'
        case.save()
        with at(2025, 3, 21, 9), patch.object(
                Supervision, 'draw', return_value=True):
            Supervision.submit_feedback([case])
        case = Supervision(case.id)
        with self.assertRaises(UserError):
            Supervision.confirm_verification([case])
        case.verification_note = '现场复核：积水已排除'
        case.save()
        with at(2025, 3, 21, 15), Transaction().set_user(ns.supervisor.id):
            click([case], 'confirm_verification')
        case = Supervision(case.id)
        self.assertEqual((case.state, case.verification_result,
                case.verified_at, case.verified_by, case.archived_at),
            ('archived', 'confirmed', local(2025, 3, 21, 15), ns.supervisor,
                local(2025, 3, 21, 15)))

    @with_transaction()
    def test_escalation_keeps_history(self):
        "SUP-11, SUP-14, SUP-08: escalation is a new case; the old one stays"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Consequence = pool.get('sushi.supervision.consequence')
        ns = setup_network()
        ticket, _ = dispatched(ns, leader_instruction=True)
        case = self.case(ns, ticket)
        Supervision.register([case])
        # the button 提级督办 opens the escalation wizard in sao (its
        # action's id)
        wizard = pool.get('ir.action.wizard')(pool.get(
                'ir.model.data').get_id('sushi_supervision',
                'wizard_escalate'))
        self.assertEqual(click([case], 'escalate'), wizard.action.id)
        with self.assertRaises(UserError):
            Supervision.escalate_to([case], 'L2', 'l2_important_order', '')
        with self.assertRaises(UserError):
            Supervision.escalate_to([case], 'L1', 'l1_not_handled', '再督')
        with at(2025, 3, 20, 9):
            new, = Supervision.escalate_to([case], 'L2',
                'l2_important_order', '市领导批示件超期，办公室决定提请二级督办')
        old = Supervision(case.id)
        self.assertEqual((old.state, old.level, old.escalated_to),
            ('escalated', 'L1', new))
        self.assertEqual((new.state, new.level, new.previous, new.body),
            ('draft', 'L2', old, 'inspection_office'))
        self.assertEqual(list(new.tickets), [ticket])
        Supervision.register([new])
        # SUP-08: level 2: the deputy in charge commits publicly and is
        # interviewed by the Office
        planned = {(c.kind, c.leader_role, c.interviewer, c.person)
            for c in Consequence.search([('supervision', '=', new.id)])}
        self.assertEqual(planned, {
                ('public_commitment', 'deputy_in_charge', None, 'leader'),
                ('interview', 'deputy_in_charge', 'office', 'leader')})
        self.assertFalse(Consequence.search([('supervision', '=', old.id)]))
        # the consequence is recorded when done, by whom it concerns
        commitment, = Consequence.search([('supervision', '=', new.id),
                ('kind', '=', 'public_commitment')])
        self.assertEqual(commitment.programme, '《直播宿州》“宿事速办在行动”')
        with at(2025, 3, 25, 20):
            click([commitment], 'record_done')
        commitment = Consequence(commitment.id)
        self.assertEqual((commitment.state, commitment.done_at),
            ('done', local(2025, 3, 25, 20)))
        # SUP-07, SUP-08: level 3 is the city leaders'; the principal
        # leader commits publicly and is interviewed by 市委督查办
        with at(2025, 4, 1, 9):
            top, = Supervision.escalate_to([new], 'L3', 'l3_major',
                '二级督办后仍未解决，报请市领导挂牌督办')
        self.assertEqual((top.level, top.body, top.method, top.previous),
            ('L3', 'city_leaders', 'thematic', Supervision(new.id)))
        Supervision.register([top])
        planned = {(c.kind, c.leader_role, c.interviewer, c.person)
            for c in Consequence.search([('supervision', '=', top.id)])}
        self.assertEqual(planned, {
                ('public_commitment', 'principal', None, 'principal'),
                ('interview', 'principal', 'inspection_office', 'principal')})
        # nobody named: nothing recorded as done
        interview, = Consequence.search([('supervision', '=', top.id),
                ('kind', '=', 'interview')])
        interview.person = None
        interview.save()
        with self.assertRaises(UserError):
            Consequence.record_done([interview])

    @with_transaction()
    def test_ledger_lights(self):
        """SUP-09 3, LGT-01: the ledger's light of a case follows its
        deadline and its open opinions' deadlines; the opinions overdue
        are counted"""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Opinion = pool.get('sushi.supervision.opinion')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        # due Tuesday 18 March 17:30; an opinion due Monday 17 March 12:00
        case = self.case(ns, ticket)
        Supervision.register([case])
        Supervision.assign([case])
        opinion, = Opinion.create([{'supervision': case.id,
                    'unit': ns.county.id, 'text': '请于3月17日中午前反馈进展',
                    'deadline': local(2025, 3, 17, 12)}])

        def light(*when):
            with at(*when):
                row, = Supervision.read([case.id],
                    ['light', 'overdue_opinions'])
            return row['light'], row['overdue_opinions']
        # Thursday: both deadlines after the next working day's close
        self.assertEqual(light(2025, 3, 13, 9), ('green', 0))
        # Friday: the opinion is due by Monday's close, the next working
        # day (the weekend does not count)
        self.assertEqual(light(2025, 3, 14, 9), ('yellow', 0))
        # Monday 13:00: the opinion is overdue
        self.assertEqual(light(2025, 3, 17, 13), ('red', 1))
        # answered (late): Tuesday 9:00, the case itself is due by the
        # next working day's close
        Opinion.write([opinion], {'answer': '已完成管道疏通'})
        with at(2025, 3, 17, 14):
            click([opinion], 'answer_opinion')
        self.assertEqual(light(2025, 3, 18, 9), ('yellow', 0))
        # past the case's deadline
        self.assertEqual(light(2025, 3, 18, 18), ('red', 0))

    # --- SMS at the gateway -------------------------------------------

    @with_transaction()
    def test_assignment_sms_through_gateway(self):
        "SUP-09 (2): the requester's SMS reaches the gateway after assignment"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        SMS = pool.get('sushi.sms')
        ns = setup_network()
        gateway = Gateway()
        self.addCleanup(gateway.close)
        ticket, _ = dispatched(ns)
        case = self.case(ns, ticket)
        Supervision.register([case])
        with sushi_config(sms_provider='http', sms_url=gateway.url):
            Supervision.assign([case])
            run_queue()
        sms, = SMS.search([('kind', '=', 'supervision')])
        request = gateway.request_for(sms)
        self.assertEqual(request['body']['phone'], '13805571234')
        self.assertIn('李主任', request['body']['text'])
        self.assertEqual(SMS(sms.id).state, 'sent')

    # --- candidates (SUP-14) ------------------------------------------

    def facts(self, ns):
        """Tickets with the facts of each trigger, at 13 March 2025 9:00
        (one day after their due time of 12 March 17:30)."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Request = pool.get('sushi.knowledge.request')
        tickets = {}
        # overdue and never signed in: not handled (SUP-05 1)
        tickets['idle'], _ = dispatched(ns)
        # overdue, signed and reported on: in routine scope (SUP-02 1)
        tickets['slow'], slow = dispatched(ns, title='进展缓慢')
        with at(2025, 3, 4, 9):
            Assignment.sign([slow])
            slow.progress_note = '已现场查看'
            slow.save()
            Assignment.report_progress([slow])
        # a city leader's instruction, overdue (SUP-06 1)
        tickets['leader'], _ = dispatched(ns, title='市领导批示件',
            leader_instruction=True)
        # second evaluation dissatisfied, unit at fault (SUP-05 3)
        tickets['second'], _ = dispatched(ns, title='二次不满意')
        # a provincial repeat order (SUP-05 5)
        tickets['provincial'], _ = dispatched(ns, title='省级重复件')
        # first evaluation dissatisfied (SUP-02 2, SUP-12)
        tickets['first'], _ = dispatched(ns, title='首次不满意')
        # handled in time: nothing
        tickets['fine'], fine = dispatched(ns, title='按时办理')
        with at(2025, 3, 10, 9):
            Assignment.sign([fine])
        ids = [t.id for t in tickets.values()]
        # the bad ratings are past the units' part: no red card there
        for name in ['second', 'provincial', 'first', 'fine']:
            sql_write('sushi.ticket.assignment', [
                    a.id for a in tickets[name].assignments],
                state='completed', completed_at=local(2025, 3, 10, 9))
        sql_write('sushi.ticket', [tickets['second'].id],
            state='closed', first_evaluation='dissatisfied',
            second_evaluation='dissatisfied', final_evaluation='dissatisfied',
            unit_at_fault=True, closed_at=local(2025, 3, 12, 9))
        sql_write('sushi.ticket', [tickets['provincial'].id],
            provincial=True, repeat_of=tickets['fine'].id)
        sql_write('sushi.ticket', [tickets['first'].id],
            state='verifying', first_evaluation='dissatisfied')
        request, = Request.create([{'subject': '新出台的公积金提取政策',
                    'unit': ns.city.id}])
        sql_write('sushi.knowledge.request', [request.id],
            state='requested', due_at=local(2025, 3, 10, 17, 30))
        Assignment.sweep(now=local(2025, 3, 13, 9))
        return tickets, request, ids

    def proposed(self, tickets, request):
        Candidate = Pool().get('sushi.supervision.candidate')
        names = {t.id: n for n, t in tickets.items()}
        return {(c.trigger, names.get(c.ticket.id) if c.ticket else
                ('request' if c.knowledge_request == request else None),
                c.level, c.unit.code)
            for c in Candidate.search([])}

    @with_transaction()
    def test_candidates_from_facts(self):
        "SUP-14, SUP-05 1/2/3/5, SUP-06 1, SUP-12, LGT-04, KB-07: proposals"
        pool = Pool()
        Candidate = pool.get('sushi.supervision.candidate')
        Action = pool.get('sushi.supervision.action')
        Callback = pool.get('sushi.ticket.callback')
        Event = pool.get('sushi.ticket.event')
        ns = setup_network()
        tickets, request, _ = self.facts(ns)
        # a provincial order handled in time but rated badly at the second
        # callback, 11 March 15:40 (SUP-06 1, SUP-13; the unit not at
        # fault: no SUP-05 3), and an order whose
        # verifier proposed escalated supervision on 11 March 10:00
        # (CBK-05)
        tickets['rated'], rated = dispatched(ns, title='省级交办件办理不满意',
            provincial=True)
        tickets['callback'], escalated = dispatched(ns, title='回访提请督办')
        sql_write('sushi.ticket.assignment', [rated.id, escalated.id],
            state='completed', completed_at=local(2025, 3, 10, 9))
        sql_write('sushi.ticket', [tickets['rated'].id], state='closed',
            first_evaluation='dissatisfied', second_evaluation='dissatisfied',
            final_evaluation='dissatisfied',
            closed_at=local(2025, 3, 11, 15, 40))
        Callback.create([{'ticket': tickets['rated'].id, 'round': 2,
                    'channel': 'phone_callback', 'given': 'dissatisfied',
                    'result': 'dissatisfied', 'reason': '路面仍有积水',
                    'reason_clear': True,
                    'recorded_at': local(2025, 3, 11, 15, 40)}])
        sql_write('sushi.ticket', [tickets['callback'].id],
            state='verifying', escalation_requested=True)
        with at(2025, 3, 11, 10):
            Event.log([tickets['callback']], 'escalate',
                comment='核实：承办单位未实际处理')
        county, city = ns.county.code, ns.city.code
        Candidate.propose(now=local(2025, 3, 13, 9))
        expected = {
            ('l2_important_order', 'rated', 'L2', county),
            ('l1_callback', 'callback', 'L1', county),
            ('l1_not_handled', 'idle', 'L1', county),
            ('scope_overdue', 'slow', 'routine', county),
            ('l1_not_handled', 'leader', 'L1', county),
            ('l2_important_order', 'leader', 'L2', county),
            ('l1_second_dissatisfied', 'second', 'L1', county),
            ('l1_provincial_repeat', 'provincial', 'L1', county),
            ('scope_dissatisfied', 'first', 'routine', county),
            ('scope_knowledge', 'request', 'routine', city),
            }
        self.assertEqual(self.proposed(tickets, request), expected)
        # each dated when its fact happened: the red card at the due time
        # of 12 March 17:30 (7 working days from 3 March 9:00, LGT-05), the
        # second rating's closing, the bad rating's callback, the
        # verifier's proposal, the answer scripts' due time
        dated = {(c.trigger, c.ticket or c.knowledge_request): c.fact_at
            for c in Candidate.search([])}
        for trigger, subject, when in [
                ('l1_not_handled', tickets['idle'], (2025, 3, 12, 17, 30)),
                ('l2_important_order', tickets['leader'],
                    (2025, 3, 12, 17, 30)),
                ('l1_second_dissatisfied', tickets['second'],
                    (2025, 3, 12, 9)),
                ('l2_important_order', tickets['rated'],
                    (2025, 3, 11, 15, 40)),
                ('l1_callback', tickets['callback'], (2025, 3, 11, 10)),
                ('scope_knowledge', request, (2025, 3, 10, 17, 30)),
                ]:
            self.assertEqual(dated[trigger, subject], local(*when),
                msg=trigger)
        # the same facts are not proposed twice
        Candidate.propose(now=local(2025, 3, 13, 10))
        self.assertEqual(Candidate.search_count([]), len(expected))

        # SUP-05 (2): the Office phoned; a day later it is still overdue
        with at(2025, 3, 13, 10):
            Action.create([{'ticket': tickets['slow'].id,
                        'unit': ns.county.id, 'kind': 'phone',
                        'at': local(2025, 3, 13, 10),
                        'note': '电话督促尽快办结'}])
        Candidate.propose(now=local(2025, 3, 13, 15))
        self.assertEqual(self.proposed(tickets, request), expected)
        Candidate.propose(now=local(2025, 3, 14, 11))
        self.assertEqual(self.proposed(tickets, request) - expected,
            {('l1_overdue_after_routine', 'slow', 'L1', county)})

    @with_transaction()
    def test_first_dissatisfaction_switch(self):
        "SUP-12, D-03: the switch makes a first dissatisfaction level 1"
        pool = Pool()
        Candidate = pool.get('sushi.supervision.candidate')
        Configuration = pool.get('sushi.configuration')
        ns = setup_network()
        tickets, request, _ = self.facts(ns)
        config = Configuration(1)
        config.l1_on_first_dissatisfaction = True
        config.save()
        Candidate.propose(now=local(2025, 3, 13, 9))
        first = {(trigger, level) for trigger, name, level, _
            in self.proposed(tickets, request) if name == 'first'}
        self.assertEqual(first, {('l1_first_dissatisfied', 'L1')})

    @with_transaction()
    def test_confirm_and_dismiss(self):
        "SUP-14: an officer confirms (one case) or dismisses with a reason"
        pool = Pool()
        Candidate = pool.get('sushi.supervision.candidate')
        Supervision = pool.get('sushi.supervision')
        Ticket = pool.get('sushi.ticket')
        ns = setup_network()
        tickets, request, _ = self.facts(ns)
        Candidate.propose(now=local(2025, 3, 13, 9)
            + dt.timedelta(microseconds=654321))
        idle, = Candidate.search([('ticket', '=', tickets['idle'].id)])
        # stored in whole seconds, as the ORM stores times: sao shows
        # seconds and took a sub-second time for a change of the form
        self.assertEqual(idle.proposed_at, local(2025, 3, 13, 9))
        with at(2025, 3, 13, 10), as_user(ns.supervisor):
            # a button: nothing for the client but the saved candidate
            self.assertIsNone(click([Candidate(idle.id)], 'confirm'))
        idle = Candidate(idle.id)
        case = idle.supervision
        self.assertEqual((idle.state, idle.supervision, idle.decided_by,
                idle.decided_at),
            ('confirmed', case, ns.supervisor, local(2025, 3, 13, 10)))
        case = Supervision(case.id)
        self.assertEqual((case.state, case.level, case.trigger,
                case.lead_unit, list(case.tickets)),
            ('draft', 'L1', 'l1_not_handled', ns.county, [tickets['idle']]))
        # a second confirmation of the same candidate is refused
        with self.assertRaises(UserError):
            Candidate.confirm([idle])
        self.assertEqual(Supervision.search_count([]), 1)
        # once registered, no new level-1 proposal for the same order
        case.instructions = '立即办理'
        case.save()
        Supervision.register([case])
        self.assertTrue(Ticket(tickets['idle'].id).is_supervised)

        slow, = Candidate.search([('ticket', '=', tickets['slow'].id)])
        with self.assertRaises(UserError):
            Candidate.dismiss([slow])
        slow.reason = '已电话督促，承办单位正在办理'
        slow.save()
        click([slow], 'dismiss')
        self.assertEqual(Candidate(slow.id).state, 'dismissed')
        # units neither see nor decide candidates
        with as_user(ns.handler):
            with self.assertRaises(AccessError):
                Candidate.search([])

    # --- accountability -----------------------------------------------

    @with_transaction()
    def test_accountability_candidates(self):
        "ACC-02, ACC-03, ACC-11, ACC-12: proposed from facts, decided by the Office"
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        Extension = pool.get('sushi.ticket.extension')
        ns = setup_network()
        overdue, a_overdue = dispatched(ns)
        extended, a_extended = dispatched(ns, title='已延期')
        twice, a_twice = dispatched(ns, title='两次退回')
        Extension.create([{'assignment': a_extended.id, 'days': 5,
                    'reason': '需多部门协调', 'basis': '涉及管网改造',
                    'application': '申请延期5个工作日',
                    'requester_informed_at': local(2025, 3, 10, 9)}])
        ext, = Extension.search([('assignment', '=', a_extended.id)])
        sql_write('sushi.ticket.extension', [ext.id], state='approved')
        sql_write('sushi.ticket.assignment', [a_twice.id],
            accountability_candidate=True,
            accountability_candidate_at=local(2025, 3, 11, 15),
            due_at=local(2025, 3, 30, 17, 30))
        sql_write('sushi.ticket.assignment', [a_extended.id],
            red_card=True, red_card_at=local(2025, 3, 13, 9),
            red_card_cause='overdue')
        pool.get('sushi.ticket.assignment').sweep(now=local(2025, 3, 13, 9))
        Accountability.propose(now=local(2025, 3, 13, 9))
        Accountability.propose(now=local(2025, 3, 14, 9))
        found = {(r.case_type, r.tickets[0].id, r.state, r.automatic,
                r.fact_at) for r in Accountability.search([])}
        self.assertEqual(found, {
                # the card is a fact of the due time (LGT-05): 12 March 17:30
                ('acc02_overdue', overdue.id, 'candidate', True,
                    local(2025, 3, 12, 17, 30)),
                # dated at the second return (ACC-03), not at a later write
                ('acc03_returned_twice', twice.id, 'candidate', True,
                    local(2025, 3, 11, 15)),
                })
        record, = Accountability.search([('case_type', '=', 'acc02_overdue')])
        click([record], 'investigate')
        with self.assertRaises(UserError):
            Accountability.decide([record])
        record.fault_tolerance_applied = True
        record.deciding_body = 'office'
        record.decided_on = dt.date(2025, 3, 20)
        record.evidence = '红牌记录，无延期申请'
        record.persons = '王某某（办公室科员）'
        record.save()
        click([record], 'decide')
        # ACC-12: the staff concerned are for the Office's eyes only
        with as_user(ns.handler):
            mine, = Accountability.search([('id', '=', record.id)])
            with self.assertRaises(AccessError):
                Accountability.read([record.id], ['persons'])
        with as_user(ns.other_handler):
            self.assertEqual(Accountability.search([]), [])
        # ACC-01 and ACC-08: the Office records a manual case and decides
        # it with a method; ACC-03's candidate is dismissed with the reason
        manual, = Accountability.create([{'unit': ns.county.id,
                    'case_type': 'acc01_refusal',
                    'tickets': [('add', [overdue.id])],
                    'description': '无正当理由拒不办理转办工单'}])
        # recorded by the Office: under investigation from the start
        self.assertEqual((manual.automatic, manual.state), (False, 'open'))
        manual.method = 'warning'
        manual.deciding_body = 'office'
        manual.decided_on = dt.date(2025, 3, 21)
        manual.evidence = '承办单位书面答复拒绝办理，无法律依据'
        manual.save()
        Accountability.decide([manual])
        self.assertEqual(Accountability(manual.id).state, 'decided')
        returned, = Accountability.search([
                ('case_type', '=', 'acc03_returned_twice')])
        with self.assertRaises(UserError):
            Accountability.dismiss([returned])
        returned.decision = '第二次退回系诉求人补充新诉求所致，不予追责'
        returned.save()
        click([returned], 'dismiss')
        self.assertEqual(Accountability(returned.id).state, 'dismissed')

    def _signed_before_2027(self, orders):
        """(network, calendar administrator, {name: assignment}): 2027
        not entered (provisional deadlines), each order {name: (request
        type, leader's instruction)} dispatched to the county Thursday 31
        December 2026 10:00 and signed at 11:00."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        Year = pool.get('sushi.calendar.year')
        Configuration = pool.get('sushi.configuration')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Year.delete(Year.search([('year', '=', 2027)]))
        config = Configuration(1)
        config.missing_year_policy = 'provisional'
        config.save()
        ns = setup_network()
        calendar_admin, = User.create([{'login': 'calendar_admin',
                    'name': 'calendar_admin', 'groups': [('add', [
                                ModelData.get_id('sushi_ticket',
                                    'group_sushi_admin')])]}])
        parts = {}
        for name, (request_type, leader) in orders.items():
            ticket = create_ticket(request_type=request_type,
                title=f'咨询{name}', leader_instruction=leader)
            with at(2026, 12, 31, 10):
                parts[name], = dispatch_ticket(ticket, ns.county,
                    basis='属地管理')
            with at(2026, 12, 31, 11), Transaction().set_user(
                    ns.handler.id):
                Assignment.sign([parts[name]])
        return ns, calendar_admin, parts

    @staticmethod
    def _reply_on_4_january(ns, assignments):
        "Each assignment replied Monday 4 January 2027 10:00, signed off."
        Reply = Pool().get('sushi.ticket.reply')
        for part in assignments:
            with at(2027, 1, 4, 9, 59), Transaction().set_user(
                    ns.handler.id):
                reply = write_reply(part, local(2027, 1, 4, 9, 59))
                Reply.request_sign_off([reply])
            with at(2027, 1, 4, 10), Transaction().set_user(ns.leader.id):
                Reply.sign_off([reply])

    @staticmethod
    def _import_2027(user, day):
        """The official 2027 schedule imported by user on day January
        2027 at 10:00, the queue run."""
        with Transaction().set_user(user.id):
            import_2027((2027, 1, day, 10))

    @staticmethod
    def _acc02(part):
        "The ACC-02 record of the assignment part."
        record, = Pool().get('sushi.accountability').search([
                ('case_type', '=', 'acc02_overdue'),
                ('assignment', '=', part.id)])
        return record

    @staticmethod
    def _candidate(part, trigger):
        "The supervision candidate of part's order for trigger."
        candidate, = Pool().get('sushi.supervision.candidate').search([
                ('ticket', '=', part.ticket.id), ('trigger', '=', trigger)])
        return candidate

    @with_transaction()
    def test_red_card_withdrawn_with_2027(self):
        """CONV-03, LGT-02, ACC-02, SUP-14: three consultations (1 working
        day) dispatched Thursday 31 December 2026 10:00 while 2027 is not
        entered are due Friday 1 January 2027 17:30 counting the weekends
        only; the sweep of Saturday 2 January gives each a red card and
        the crons propose an ACC-02 candidate and a level-1 candidate
        (signed, nothing reported: 未办理) for each.  On Tuesday 5 January
        10:00 2027 is entered (1 January a holiday): due Monday 4 January
        17:30.  A and B replied on Monday 4 January 10:00, in time: their
        cards are withdrawn, and with them A's undecided candidates
        (withdrawn, dated, by whom, why; nothing deleted) while B's, which
        the Office had taken up, are kept and flagged, and the supervisors
        told.  A being a leader's instruction (SUP-06 1), its level-2
        candidate goes too.  C never replied: its card stands, dated 4 January 17:30,
        and so do its candidates, dated anew"""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        Candidate = pool.get('sushi.supervision.candidate')
        Assignment = pool.get('sushi.ticket.assignment')
        Notification = pool.get('res.notification')
        ns, calendar_admin, parts = self._signed_before_2027(
            {n: ('consult', n == 'A') for n in 'ABC'})
        provisional_due = local(2027, 1, 1, 17, 30)
        self.assertEqual(parts['A'].due_at, provisional_due)
        with at(2027, 1, 2, 10):
            Assignment.sweep()
            run_queue()
        Accountability.propose(now=local(2027, 1, 2, 10))
        Candidate.propose(now=local(2027, 1, 2, 10))

        def acc02(name):
            return self._acc02(parts[name])

        def l1(name, trigger='l1_not_handled'):
            return self._candidate(parts[name], trigger)
        for name in 'ABC':
            self.assertEqual((acc02(name).state, acc02(name).fact_at),
                ('candidate', provisional_due))
            self.assertEqual(
                (l1(name).trigger, l1(name).state, l1(name).fact_at),
                ('l1_not_handled', 'proposed', provisional_due))
        # the Office takes up B: the candidate confirmed (a draft case),
        # the ACC-02 record under investigation
        with at(2027, 1, 4, 9), as_user(ns.supervisor):
            click([l1('B')], 'confirm')
            click([acc02('B')], 'investigate')
        self.assertEqual((l1('A', 'l2_important_order').state,
                l1('A', 'l2_important_order').fact_at),
            ('proposed', provisional_due))
        case = l1('B').supervision
        self.assertTrue(case)
        # A and B reply on Monday 4 January 10:00
        self._reply_on_4_january(ns, [parts[n] for n in 'AB'])

        # Tuesday 5 January 10:00: the administrator imports 2027
        self._import_2027(calendar_admin, 5)
        due = local(2027, 1, 4, 17, 30)
        for name in 'AB':
            part = Assignment(parts[name].id)
            self.assertEqual((part.due_at, part.red_card), (due, False))
        withdrawn_at = local(2027, 1, 5, 10)

        def withdrawal(record):
            return (record.basis_withdrawn_at, record.basis_withdrawn_by)
        # A: both candidates withdrawn with the card, on record
        record, candidate = acc02('A'), l1('A')
        self.assertEqual((record.state, record.key),
            ('withdrawn', None))
        important = l1('A', 'l2_important_order')
        self.assertEqual((candidate.state, important.state),
            ('withdrawn', 'withdrawn'))
        for item in [record, candidate, important]:
            self.assertEqual(withdrawal(item),
                (withdrawn_at, calendar_admin))
            # why: the order, the year and the real due time
            for text in [parts['A'].rec_name, '2027', '2027-01-04 17:30']:
                self.assertIn(text, item.basis_withdrawn_reason)
        # B: decided by a person: kept as decided, flagged
        record, candidate = acc02('B'), l1('B')
        self.assertEqual((record.state, candidate.state,
                candidate.supervision),
            ('open', 'confirmed', case))
        for item in [record, candidate]:
            self.assertEqual(withdrawal(item),
                (withdrawn_at, calendar_admin))
            self.assertIn(parts['B'].rec_name, item.basis_withdrawn_reason)
        told, = Notification.search([('user', '=', ns.supervisor.id),
                ('icon', '=', 'tryton-warning')])
        # the two records of B, by its number; not A's
        self.assertIn('2027', told.description)
        number = parts['B'].ticket.number
        self.assertEqual(told.description.count(number), 2)
        self.assertNotIn(parts['A'].ticket.number, told.description)
        # C: the card stands, dated at the real due time, and so do its
        # candidates (LGT-05)
        part = Assignment(parts['C'].id)
        self.assertEqual((part.red_card, part.red_card_at), (True, due))
        record, candidate = acc02('C'), l1('C')
        self.assertEqual((record.state, record.fact_at, withdrawal(record)),
            ('candidate', due, (None, None)))
        self.assertEqual(
            (candidate.state, candidate.fact_at, withdrawal(candidate)),
            ('proposed', due, (None, None)))
        # nothing deleted, nothing proposed again for A and B
        Accountability.propose(now=local(2027, 1, 5, 11))
        Candidate.propose(now=local(2027, 1, 5, 11))
        self.assertEqual(Accountability.search_count([]), 3)
        self.assertEqual(Candidate.search_count([]), 4)

    @with_transaction()
    def test_red_cards_recomputed_together(self):
        """CONV-03, LGT-02, LGT-05, ACC-02, SUP-14: the red cards of one
        year entered are recomputed together, each record with its own
        order's reason and date.  Consultations A, B, C, D (1 working
        day) and suggestion E (3 working days) are dispatched Thursday 31
        December 2026 10:00 and signed, 2027 not entered: A-D are due
        Friday 1 January 17:30 and E Tuesday 5 January 17:30, counting
        the weekends only.  The sweeps of Saturday 2 and Wednesday 6
        January card them; the crons propose an ACC-02 candidate and a
        level-1 candidate (未办理) for each, and a level-2 one for A and C
        (a leader's instruction, SUP-06 1).  The Office takes up B.  A, B
        and C reply Monday 4 January 10:00.  Thursday 7 January 10:00
        2027 is entered (1 January a holiday): A-D are due Monday 4
        January 17:30, E Wednesday 6 January 17:30.  The three cards of
        A, B, C are withdrawn at once: the undecided records of A and C
        (ACC-02, level 1, level 2: six) withdrawn, each explained by its
        own order, key freed; B's two, taken up, kept and flagged, key
        freed too.  D and E keep their cards, re-dated to 4 January 17:30
        and 6 January 17:30, and so do their candidates, each to its
        own."""
        pool = Pool()
        Accountability = pool.get('sushi.accountability')
        Candidate = pool.get('sushi.supervision.candidate')
        Assignment = pool.get('sushi.ticket.assignment')
        Notification = pool.get('res.notification')
        ns, calendar_admin, parts = self._signed_before_2027(
            {n: ('suggestion' if n == 'E' else 'consult', n in 'AC')
                for n in 'ABCDE'})
        self.assertEqual(
            [as_local(parts[n].due_at) for n in 'ADE'],
            [dt.datetime(2027, 1, 1, 17, 30)] * 2
            + [dt.datetime(2027, 1, 5, 17, 30)])
        for day in [2, 6]:
            with at(2027, 1, day, 10):
                Assignment.sweep()
                run_queue()
            Accountability.propose(now=local(2027, 1, day, 10))
            Candidate.propose(now=local(2027, 1, day, 10))

        def acc02(name):
            return self._acc02(parts[name])

        def cand(name, trigger='l1_not_handled'):
            return self._candidate(parts[name], trigger)
        self.assertEqual(Accountability.search_count([]), 5)
        self.assertEqual(Candidate.search_count([]), 7)
        # the Office takes up B: candidate confirmed, ACC-02 investigated
        with at(2027, 1, 4, 9), as_user(ns.supervisor):
            click([cand('B')], 'confirm')
            click([acc02('B')], 'investigate')
        self._reply_on_4_january(ns, [parts[n] for n in 'ABC'])
        keys = {(n, t): cand(n, t).key
            for n, t in [('A', 'l1_not_handled'), ('A', 'l2_important_order'),
                ('B', 'l1_not_handled'), ('C', 'l1_not_handled'),
                ('C', 'l2_important_order')]}

        self._import_2027(calendar_admin, 7)
        withdrawn_at = local(2027, 1, 7, 10)
        for name in 'ABC':
            self.assertEqual(Assignment(parts[name].id).red_card, False)
        # A and C: six undecided records withdrawn at once, each with the
        # why of its own order, its key freed
        for name, other in [('A', 'C'), ('C', 'A')]:
            items = [acc02(name), cand(name),
                cand(name, 'l2_important_order')]
            self.assertEqual([i.state for i in items], ['withdrawn'] * 3)
            self.assertEqual(items[0].key, None)
            self.assertEqual(items[1].key, '%s:withdrawn:%s' % (
                    keys[(name, 'l1_not_handled')], items[1].id))
            self.assertEqual(items[2].key, '%s:withdrawn:%s' % (
                    keys[(name, 'l2_important_order')], items[2].id))
            for item in items:
                self.assertEqual(
                    (item.basis_withdrawn_at, item.basis_withdrawn_by),
                    (withdrawn_at, calendar_admin))
                for text in [parts[name].rec_name, '2027',
                        '2027-01-04 17:30']:
                    self.assertIn(text, item.basis_withdrawn_reason)
                self.assertNotIn(parts[other].rec_name,
                    item.basis_withdrawn_reason)
                self.assertNotIn(parts['B'].rec_name,
                    item.basis_withdrawn_reason)
        # B: taken up by the Office, kept in its state, flagged
        record, candidate = acc02('B'), cand('B')
        self.assertEqual((record.state, candidate.state),
            ('open', 'confirmed'))
        # their keys freed too
        self.assertEqual((record.key, candidate.key),
            (None, '%s:withdrawn:%s' % (keys[('B', 'l1_not_handled')],
                    candidate.id)))
        for item in [record, candidate]:
            self.assertEqual(
                (item.basis_withdrawn_at, item.basis_withdrawn_by),
                (withdrawn_at, calendar_admin))
            self.assertIn(parts['B'].rec_name, item.basis_withdrawn_reason)
            self.assertNotIn(parts['A'].rec_name,
                item.basis_withdrawn_reason)
        told, = Notification.search([('user', '=', ns.supervisor.id),
                ('icon', '=', 'tryton-warning')])
        self.assertEqual(told.description.count(parts['B'].ticket.number), 2)
        for name in 'ACDE':
            self.assertNotIn(parts[name].ticket.number, told.description)
        # D and E: cards kept, each re-dated to its own real due time, and
        # so are their candidates (LGT-05)
        for name, due in [('D', local(2027, 1, 4, 17, 30)),
                ('E', local(2027, 1, 6, 17, 30))]:
            part = Assignment(parts[name].id)
            self.assertEqual((part.red_card, part.red_card_at), (True, due))
            record, candidate = acc02(name), cand(name)
            self.assertEqual(
                (record.state, record.fact_at, record.basis_withdrawn_at,
                    record.key),
                ('candidate', due, None, 'acc02_overdue:%s' % part.id))
            self.assertEqual(
                (candidate.state, candidate.fact_at,
                    candidate.basis_withdrawn_at),
                ('proposed', due, None))
        # nothing deleted
        self.assertEqual(Accountability.search_count([]), 5)
        self.assertEqual(Candidate.search_count([]), 7)

    # --- rights -------------------------------------------------------

    @with_transaction()
    def test_access_matrix(self):
        "PLT-05: each role has the rights of the matrix on the new models"
        pool = Pool()
        Model = pool.get('ir.model')
        ModelAccess = pool.get('ir.model.access')
        Button = pool.get('ir.model.button')
        ModelData = pool.get('ir.model.data')
        stored = {m.name for m in Model.search([
                        ('module', '=', 'sushi_supervision')])
            if issubclass(pool.get(m.name), ModelSQL)
            # the consultation models have their matrix in
            # test_consultation.test_rights_matrix
            and not m.name.startswith('sushi.consultation')}
        self.assertEqual(stored, set(ACCESS),
            msg="every stored model of the module has a row in ACCESS")
        users = role_users(setup_network())
        wrong = []
        for model, row in ACCESS.items():
            for role, cell in zip(ROLES, row.split()):
                with as_user(users[role]):
                    got = {mode for mode in MODES if ModelAccess.check(
                            model, mode, raise_exception=False)}
                if got != rights(cell):
                    wrong.append('%s on %s: expected %s, got %s' % (
                            role, model, sorted(rights(cell)), sorted(got)))
        self.assertFalse(wrong, msg='\n'.join(wrong))
        group_role = {ModelData.get_id('sushi_ticket', 'group_sushi_' + r): r
            for r in ROLES}
        for (model, name), expected in BUTTONS.items():
            got = {group_role.get(g) for g in Button.get_groups(model, name)}
            self.assertEqual(got, expected, msg='%s.%s' % (model, name))

    @with_transaction()
    def test_units_see_own_cases(self):
        "PLT-05, SUP-09: units see and answer their own cases; leaders read"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Opinion = pool.get('sushi.supervision.opinion')
        Fact = pool.get('sushi.supervision.fact')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        other_ticket, _ = dispatched(ns, ns.other, title='萧县')
        case = self.case(ns, ticket)
        other = self.case(ns, other_ticket, lead_unit=ns.other.id)
        Supervision.register([case, other])
        Supervision.assign([case, other])
        opinion, = Opinion.create([{'supervision': case.id,
                    'unit': ns.county.id, 'text': '请于3月17日前反馈',
                    'deadline': local(2025, 3, 17, 17, 30)}])
        with as_user(ns.handler):
            self.assertEqual(Supervision.search([]), [case])
            with self.assertRaises(AccessError):
                Supervision.read([other.id], ['content'])
            with self.assertRaises(AccessError):
                Supervision.create([{'level': 'L1',
                            'trigger': 'l1_not_handled'}])
            with self.assertRaises(AccessButtonError):
                Supervision.escalate([case])
            mine, = Opinion.search([])
            with self.assertRaises(UserError):
                Opinion.write([mine], {'deadline': local(2025, 4, 1)})
            Opinion.write([mine], {'answer': '已落实'})
            with at(2025, 3, 18, 9):
                Opinion.answer_opinion([mine])
        opinion = Opinion(opinion.id)
        self.assertEqual((opinion.state, opinion.answered_late),
            ('answered', True))
        # D3.1: answered after its deadline, the opinion is a fact dated
        # at the deadline (17 March 17:30), which the unit reads
        with as_user(ns.handler):
            fact, = Fact.search([])
            self.assertEqual((fact.unit, fact.opinion, fact.occurred_at,
                    fact.answered_at),
                (ns.county, opinion, local(2025, 3, 17, 17, 30),
                    local(2025, 3, 18, 9)))
        with as_user(ns.other_handler):
            self.assertEqual(Supervision.search([]), [other])
            self.assertEqual(Opinion.search([]), [])
            self.assertEqual(Fact.search([]), [])
        with as_user(ns.city_leader):
            self.assertEqual(set(Supervision.search([])), {case, other})
            with self.assertRaises(AccessError):
                Supervision.write([case], {'content': '改'})
        with as_user(ns.supervisor):
            self.assertEqual(set(Supervision.search([])), {case, other})

    @with_transaction()
    def test_overdue_opinions_are_facts(self):
        "SCORING D3.1, SUP-09 3: an opinion unanswered by its deadline is a fact"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Opinion = pool.get('sushi.supervision.opinion')
        Fact = pool.get('sushi.supervision.fact')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        case = self.case(ns, ticket)
        Supervision.register([case])
        Supervision.assign([case])
        late, kept = Opinion.create([{'supervision': case.id,
                    'unit': ns.county.id, 'text': '请于3月17日前反馈整改情况',
                    'deadline': local(2025, 3, 17, 17, 30)}, {
                    'supervision': case.id, 'unit': ns.county.id,
                    'text': '请于3月20日前提交办理报告',
                    'deadline': local(2025, 3, 20, 17, 30)}])
        # before the deadline, nothing; one minute after it, the fact
        Fact.detect(now=local(2025, 3, 17, 17, 29))
        self.assertEqual(Fact.search([]), [])
        Fact.detect(now=local(2025, 3, 17, 17, 31))
        fact, = Fact.search([])
        self.assertEqual((fact.item, fact.kind, fact.unit, fact.supervision,
                fact.opinion, fact.due_at, fact.occurred_at,
                fact.detected_at, fact.answered_at),
            ('D3.1', 'opinion_overdue', ns.county, case, late,
                local(2025, 3, 17, 17, 30), local(2025, 3, 17, 17, 30),
                local(2025, 3, 17, 17, 31), None))
        self.assertIn('请于3月17日前反馈整改情况', fact.evidence)
        self.assertIn(case.number, fact.evidence)
        # the next sweeps store it once
        Fact.detect(now=local(2025, 3, 18, 9))
        self.assertEqual(Fact.search_count([]), 1)
        # the late answer completes it; the answer in time is no fact
        Opinion.write([late, kept], {'answer': '已整改'})
        with at(2025, 3, 18, 10):
            Opinion.answer_opinion([late, kept])
        Fact.detect(now=local(2025, 3, 21, 9))
        fact, = Fact.search([])
        self.assertEqual(fact.answered_at, local(2025, 3, 18, 10))
        # the facts are evidence: nobody writes or deletes them
        with self.assertRaises(AccessError):
            Fact.write([fact], {'evidence': '改'})
        with self.assertRaises(AccessError):
            Fact.delete([fact])

    @with_transaction()
    def test_cluster_candidates(self):
        "SUP-02 3, SUP-14: a cluster of repeated requests is proposed once"
        pool = Pool()
        Candidate = pool.get('sushi.supervision.candidate')
        Cluster = pool.get('sushi.analysis.cluster')
        Supervision = pool.get('sushi.supervision')
        ns = setup_network()
        first, _ = dispatched(ns, title='小区噪音扰民')
        second, _ = dispatched(ns, title='小区夜间施工噪音')
        third, _ = dispatched(ns, ns.city, title='夜间施工噪音')
        active, forming = Cluster.create([{
                    'name': '汴河路小区夜间施工噪音', 'kind': 'many_to_one',
                    'state': 'active', 'ticket_count': 3,
                    'requester_count': 3, 'open_count': 3,
                    'first_at': local(2025, 3, 3, 9),
                    'last_at': local(2025, 3, 5, 9),
                    # the analysis cron recorded when the third requester
                    # made it active
                    'activated_at': local(2025, 3, 4, 14),
                    'region': ns.county.id,
                    'tickets': [('add', [first.id, second.id, third.id])],
                    }, {
                    'name': '路灯不亮', 'kind': 'one_to_many',
                    'state': 'forming', 'ticket_count': 1,
                    'requester_count': 1, 'open_count': 1,
                    'region': ns.county.id,
                    }])
        Candidate.propose(now=local(2025, 3, 6, 9))
        candidate, = Candidate.search([('cluster', '!=', None)])
        # routine supervision (SUP-02 3) against the unit most of its
        # requests went to, dated when the cluster became active
        self.assertEqual((candidate.trigger, candidate.level, candidate.unit,
                candidate.cluster, candidate.ticket, candidate.fact_at),
            ('scope_repeated', 'routine', ns.county, active, None,
                local(2025, 3, 4, 14)))
        # the analysts' button on a cluster the cron proposed already gives
        # back the cron's candidate: nothing is proposed twice
        self.assertEqual(Candidate.propose_clusters([active]), [candidate])
        # a forming cluster is no matter for supervision yet
        with self.assertRaises(UserError):
            Candidate.propose_clusters([forming])
        with at(2025, 3, 6, 10), as_user(ns.supervisor):
            Candidate.confirm([candidate])
        case = Candidate(candidate.id).supervision
        case = Supervision(case.id)
        self.assertEqual((case.level, case.trigger, case.lead_unit,
                set(case.tickets)),
            ('routine', 'scope_repeated', ns.county, {first, second, third}))
        self.assertEqual(Cluster(active.id).proposed_as, case)
        # proposed once: a cluster made into a case is not proposed again
        Candidate.propose(now=local(2025, 3, 7, 9))
        self.assertEqual(Candidate.search_count([('cluster', '!=', None)]), 1)

    @with_transaction()
    def test_cluster_button_proposes(self):
        """SUP-02 3, SUP-14: the analysts' button 提请督办 on a cluster makes
        the candidate the cron would, once"""
        pool = Pool()
        Candidate = pool.get('sushi.supervision.candidate')
        Cluster = pool.get('sushi.analysis.cluster')
        ns = setup_network()
        first, _ = dispatched(ns, ns.city, title='烧烤油烟扰民')
        second, _ = dispatched(ns, ns.city, title='烧烤店油烟大')
        cluster, = Cluster.create([{
                    'name': '滨河人家楼下烧烤油烟', 'kind': 'one_to_many',
                    'state': 'active', 'ticket_count': 2,
                    'requester_count': 1, 'open_count': 2,
                    'first_at': local(2025, 3, 3, 9),
                    'last_at': local(2025, 3, 3, 9),
                    'activated_at': local(2025, 3, 3, 9),
                    'region': ns.county.id,
                    'tickets': [('add', [first.id, second.id])],
                    }])
        with at(2025, 3, 6, 10), as_user(ns.analyst):
            Cluster.propose_supervision([cluster])
        candidate, = Candidate.search([])
        # both requests went to the city bureau: the candidate is its
        self.assertEqual((candidate.key, candidate.trigger, candidate.level,
                candidate.state, candidate.unit, candidate.cluster,
                candidate.fact_at, candidate.proposed_at),
            ('scope_repeated:cluster:%d' % cluster.id, 'scope_repeated',
                'routine', 'proposed', ns.city, cluster,
                local(2025, 3, 3, 9), local(2025, 3, 6, 10)))
        self.assertEqual(Cluster(cluster.id).proposed_as, candidate)
        # the cron does not propose the cluster a second time
        Candidate.propose(now=local(2025, 3, 7, 9))
        self.assertEqual(Candidate.search([]), [candidate])
        # nor does a second press (the button is gone once proposed)
        with self.assertRaises(UserError), as_user(ns.analyst):
            Cluster.propose_supervision([Cluster(cluster.id)])

    # --- the monthly report -------------------------------------------

    @with_transaction()
    def test_monthly_report_day_after_national_day(self):
        """SUP-10 on the configured first working day of October 2026:
        1 to 7 October are National Day, so Thursday 8 October, from
        00:00 in Suzhou (16:00 UTC on the 7th); September's report"""
        Report = Pool().get('sushi.supervision.report')
        with patch.object(report_module, 'send_message_transactional'):
            self.assertEqual(Report.generate_monthly(
                    now=local(2026, 10, 1, 9)), [])
            self.assertEqual(Report.generate_monthly(
                    now=dt.datetime(2026, 10, 7, 15, 59)), [])
            report, = Report.generate_monthly(
                now=dt.datetime(2026, 10, 7, 16, 0))
        self.assertEqual((report.period_start, report.period_end),
            (dt.date(2026, 9, 1), dt.date(2026, 9, 30)))
        # a cron stopped from 1 November (before its first working day,
        # Monday 2 November) to Wednesday 2 December: October's report
        # is made late with November's, each once
        with patch.object(report_module, 'send_message_transactional'):
            self.assertEqual(Report.generate_monthly(
                    now=local(2026, 11, 1, 9)), [])
            reports = Report.generate_monthly(now=local(2026, 12, 2, 9))
            self.assertEqual(Report.generate_monthly(
                    now=local(2026, 12, 2, 9)), [])
        self.assertEqual([(r.period_start, r.period_end) for r in reports], [
                (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
                (dt.date(2026, 11, 1), dt.date(2026, 11, 30))])

    @with_transaction()
    def test_monthly_report_in_year_without_calendar(self):
        """SUP-10, CONV-03: in January of a year with no official
        schedule yet (2027 here) December's report is not held back: it is
        made on the configured n-th calendar day (the 1st, from 00:00 in
        Suzhou, 16:00 UTC on 31 December), once, and the refusal of the
        calendar is logged"""
        pool = Pool()
        Report = pool.get('sushi.supervision.report')
        Year = pool.get('sushi.calendar.year')
        Year.delete(Year.search([('year', '=', 2027)]))
        with patch.object(report_module, 'send_message_transactional'), \
                self.assertLogs(report_module.logger, 'WARNING') as logs:
            report, = Report.generate_monthly(
                now=dt.datetime(2026, 12, 31, 16, 0))
            self.assertEqual(Report.generate_monthly(
                    now=local(2027, 1, 4, 9)), [])
        self.assertEqual((report.period_start, report.period_end),
            (dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
        self.assertIn('2027', logs.output[0])

    @with_transaction()
    def test_levels_read_in_chinese(self):
        """SUP-09, SUP-10: a case's level and a candidate's trigger are
        written as the user reads them (一级督办), not as the code names
        them (Level 1), in the order's log, the units' notices and the
        monthly workbook."""
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Candidate = pool.get('sushi.supervision.candidate')
        Event = pool.get('sushi.ticket.event')
        Notification = pool.get('res.notification')
        Report = pool.get('sushi.supervision.report')
        load_chinese(['sushi_ticket', 'sushi_supervision'])
        ns = setup_network()
        ticket, _ = dispatched(ns)
        case = self.case(ns, ticket)
        with Transaction().set_context(language='zh_CN'):
            with at(2025, 3, 13, 10):
                Supervision.register([case])
            with at(2025, 3, 13, 11):
                Supervision.assign([case])
            event, = Event.search([('ticket', '=', ticket.id),
                    ('action', '=', 'supervise')])
            self.assertEqual(event.comment, f'{case.number} 一级督办')
            notices = Notification.search([
                    ('model', '=', 'sushi.supervision')])
            self.assertTrue(notices)
            for notice in notices:
                self.assertIn('（一级督办）', notice.description)
                self.assertNotIn('Level', notice.description)
            candidate = Candidate(trigger='l1_not_handled', ticket=ticket,
                knowledge_request=None, cluster=None)
            self.assertEqual(candidate.get_rec_name(None),
                f'一级：超出规定办理时限未办理 {ticket.rec_name}')
            with patch.object(report_module, 'send_message_transactional'):
                report, = Report.generate_monthly(now=local(2025, 4, 1, 9))
            strings = zipfile.ZipFile(io.BytesIO(report.workbook)).read(
                'xl/sharedStrings.xml').decode('utf-8')
            self.assertIn('一级督办', strings)
            self.assertNotIn('Level 1', strings)

    @with_transaction()
    def test_monthly_report(self):
        "SUP-10, SUP-09 (6): figures per unit, bulletin date, delivery"
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Action = pool.get('sushi.supervision.action')
        Report = pool.get('sushi.supervision.report')
        Notification = pool.get('res.notification')
        ns = setup_network()
        ticket, _ = dispatched(ns)
        second, _ = dispatched(ns, title='第二件')
        l1 = self.case(ns, ticket)
        routine = self.case(ns, second, level='routine',
            trigger='scope_overdue')
        with at(2025, 3, 13, 10):
            Supervision.register([l1, routine])
        with at(2025, 3, 20, 10):
            l2, = Supervision.escalate_to([l1], 'L2', 'l2_important_order',
                '办公室决定提级')
            Supervision.register([l2])
            Action.create([{'ticket': ticket.id, 'unit': ns.county.id,
                        'kind': 'on_site', 'at': local(2025, 3, 20, 9),
                        'note': '现场督办', 'non_cooperation':
                        'no_on_site_cooperation',
                        'evidence': '现场无人接待，照片为证'}])
        # an opinion of 25 March still unanswered, one answered in time
        Opinion = pool.get('sushi.supervision.opinion')
        late, kept = Opinion.create([{'supervision': routine.id,
                    'unit': ns.county.id, 'text': '请于3月25日前反馈',
                    'deadline': local(2025, 3, 25, 17, 30)}, {
                    'supervision': routine.id, 'unit': ns.county.id,
                    'text': '请于3月28日前报送整改方案',
                    'deadline': local(2025, 3, 28, 17, 30)}])
        Opinion.write([kept], {'answer': '整改方案已报送'})
        with at(2025, 3, 27, 9):
            Opinion.answer_opinion([kept])
        # not March: a case registered in April is left out
        april, _ = dispatched(ns, title='四月')
        with at(2025, 4, 2, 9):
            Supervision.register([self.case(ns, april,
                        lead_unit=ns.city.id)])
        # 1 April 2025, a Tuesday, is the first working day of the month:
        # the cron makes the March report, once
        with patch.object(report_module, 'send_message_transactional') as send:
            reports = Report.generate_monthly(now=local(2025, 4, 1, 9))
            self.assertEqual(Report.generate_monthly(
                    now=local(2025, 4, 2, 9)), [])
        report, = reports
        self.assertEqual((report.period_start, report.period_end),
            (dt.date(2025, 3, 1), dt.date(2025, 3, 31)))
        line, = report.lines
        self.assertEqual((line.unit, line.routine, line.level_1,
                line.level_2, line.level_3, line.non_cooperation,
                line.overdue_opinions),
            (ns.county, 1, 1, 1, 0, 1, 1))
        # D3.2 and D3.1 as written: 1 + 2 + 0.5
        self.assertEqual(line.deduction, 3.5)
        self.assertEqual(len(report.cases), 3)
        self.assertTrue(all(c.bulletined_at == local(2025, 4, 1, 9)
                for c in report.cases))
        self.assertIn('埇桥区', report.problems)
        # the workbook opens: two sheets, the unit's row
        book = zipfile.ZipFile(io.BytesIO(report.workbook))
        self.assertIn('xl/worksheets/sheet2.xml', book.namelist())
        self.assertIn('埇桥区',
            book.read('xl/sharedStrings.xml').decode('utf-8'))
        # delivered: in the client and by e-mail to leaders and supervisors
        self.assertEqual({n.user for n in Notification.search([
                        ('model', '=', 'sushi.supervision.report')])},
            {ns.supervisor, ns.city_leader})
        self.assertEqual(send.call_count, 2)
        message = send.call_args[0][0]
        self.assertEqual(
            [p.get_filename() for p in message.iter_attachments()],
            [report.workbook_name])
        # and printed
        Document = pool.get('sushi.supervision.report.document',
            type='report')
        ext, content, _, name = Document.execute([report.id], {})
        self.assertEqual(ext, 'html')
        text = content.decode('utf-8') if isinstance(content, bytes) \
            else content
        self.assertIn('埇桥区', text)
        self.assertIn('<svg', text)
        # compiled again from the client: the same figures
        self.assertIsNone(click([report], 'regenerate'))
        line, = Report(report.id).lines
        self.assertEqual((line.level_1, line.level_2, line.overdue_opinions),
            (1, 1, 1))
        # the board's graph by level and unit shows, as sao draws it, the
        # cases past their draft: 埇桥区's L1 (escalated, kept), its L2 and
        # its routine case, 市城管局's L1 of April; not a draft
        self.case(ns, second, lead_unit=ns.city.id, level='L2',
            trigger='l2_important_order')
        with as_user(ns.city_leader):
            self.assertEqual(self.graph('act_supervision_graph'), {
                    '埇桥区': {'count_l1': 1, 'count_l2': 1, 'count_l3': 0,
                        'count_routine': 1},
                    '市城管局': {'count_l1': 1, 'count_l2': 0,
                        'count_l3': 0, 'count_routine': 0},
                    })
        # SUP-04, D3.1: a non-cooperation finding needs its evidence (the
        # client's transaction is rolled back; this test's goes on)
        with self.assertRaises(UserError):
            Action.create([{'ticket': second.id, 'unit': ns.county.id,
                        'kind': 'phone', 'at': local(2025, 3, 21, 9),
                        'note': '电话督办', 'non_cooperation':
                        'no_on_site_cooperation'}])

    @with_transaction()
    def test_isolation_on_every_path(self):
        """#16, PUB-06, ORG-11: every model guarded; another unit gets no
        case on any path (read, export_data, nested, the ledger and its
        workbook); requesters only through the ticket's own rules, logged
        for units; what the form locks the server refuses"""
        from trytond.modules.sushi_ticket.exceptions import (
            ReportSelectionError)
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            assert_guarded, assert_states_enforced, assert_values_checked)
        pool = Pool()
        Supervision = pool.get('sushi.supervision')
        Report = pool.get('sushi.supervision.report')
        Access = pool.get('sushi.ticket.pii_access')
        Spreadsheet = pool.get('sushi.supervision.report.xlsx',
            type='report')
        Document = pool.get('sushi.supervision.report.document',
            type='report')
        assert_guarded(self, 'sushi_supervision')
        ns = setup_network()
        assert_values_checked(self, 'sushi_supervision', ns.supervisor)
        ticket, _ = dispatched(ns)
        draft = self.case(ns, ticket)
        case = self.case(ns, ticket)
        Supervision.register([case])
        with patch.object(report_module, 'send_message_transactional'):
            report, = Report.generate_monthly(now=local(2025, 4, 1, 9))
        with as_user(ns.other_handler):
            for call in [
                    lambda: Supervision.read([case.id], ['content']),
                    lambda: Supervision.export_data([Supervision(case.id)],
                        ['content', 'responsible_phone']),
                    lambda: Supervision.read([case.id],
                        ['tickets.requester_phone']),
                    lambda: Report.read([report.id], ['problems']),
                    lambda: Spreadsheet.execute([report.id], {}),
                    lambda: Document.execute([report.id], {}),
                    ]:
                with self.assertRaises(AccessError):
                    call()
            self.assertEqual(Supervision.export_data_domain(
                    [('id', '=', case.id)], ['content']), [])
        # the workbook of no report is a clear error, not a crash
        with as_user(ns.supervisor), self.assertRaises(ReportSelectionError):
            Spreadsheet.execute([], {})
        # city leaders read the cases, not the requesters behind them
        with as_user(ns.city_leader):
            Supervision.read([case.id], ['content', 'tickets.title'])
            for call in [
                    lambda: Supervision.read([case.id],
                        ['tickets.requester_phone']),
                    lambda: Supervision.export_data([Supervision(case.id)],
                        ['tickets/requester_name']),
                    ]:
                with self.assertRaises(AccessError):
                    call()
        # the lead unit reads its requester through the case: logged
        before = Access.search_count([('ticket', '=', ticket.id)])
        with as_user(ns.handler):
            row, = Supervision.export_data([Supervision(case.id)],
                ['tickets/requester_phone'])
        self.assertEqual(row, [ticket.requester_phone])
        self.assertGreater(
            Access.search_count([('ticket', '=', ticket.id)]), before)
        assert_states_enforced(self, [draft, Supervision(case.id)],
            ns.supervisor)


del ModuleTestCase
