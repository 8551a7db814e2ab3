# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of sushi_supervision: the scheduled jobs run once (candidates,
accountability candidates, last month's report) and the first level-1
proposal and the first routine proposals, if any, become registered and
assigned cases."""
from proteus import Model


def load():
    from trytond.modules.sushi_ticket.exceptions import (
        CalendarMissingYearError)
    try:
        _load()
    except CalendarMissingYearError as error:
        # next year's official schedule is not entered yet
        print('督办演示数据未创建 (supervision demo skipped):', error.message)


def _load():
    Cron = Model.get('ir.cron')
    for method in ['sushi.ticket.assignment|sweep',
            'sushi.supervision.candidate|propose',
            'sushi.accountability|propose',
            'sushi.supervision.report|generate_monthly']:
        for cron in Cron.find([('method', '=', method)]):
            cron.click('run_once')
    Candidate = Model.get('sushi.supervision.candidate')
    # the first proposal of level 1 and, from the history, the first
    # proposals of routine supervision become registered, assigned cases
    proposals = Candidate.find([
            ('state', '=', 'proposed'), ('level', '=', 'L1')], limit=1)
    proposals += Candidate.find([
            ('state', '=', 'proposed'), ('level', '=', 'routine'),
            ('ticket', '!=', None)], limit=3)
    from trytond.exceptions import UserError
    for proposal in proposals:
        try:
            proposal.click('confirm')
            case = proposal.supervision
            case.instructions = '请承办单位三个工作日内办结，并向诉求人和办公室反馈。'
            case.responsible_person = '李强'
            case.responsible_phone = '0557-3021234'
            case.save()
            case.click('register')
            case.click('assign')
        except UserError as error:
            # a demo case the rules refuse is left to the officer
            print('督办演示案件未登记 (demo case skipped):', error.message)
