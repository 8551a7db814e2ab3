# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A home for every role: after login each user lands on their work."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The first group a user has decides the page sao opens at login: (module
# of the group, group, module of the action, action).  A missing XML id (a
# module not activated) falls through to the next entry.
HOMES = [
    ('sushi_ticket', 'group_sushi_city_leader',
        'sushi_portal', 'act_dashboard_url'),
    ('sushi_ticket', 'group_sushi_intake', 'sushi_ticket', 'act_ticket_intake'),
    ('sushi_ticket', 'group_sushi_dispatcher',
        'sushi_portal', 'act_ticket_dispatch_queue'),
    ('sushi_ticket', 'group_sushi_reviewer', 'sushi_ticket', 'act_reply_review'),
    # the supervision candidates when sushi_supervision is activated, else
    # the work orders
    ('sushi_ticket', 'group_sushi_supervisor',
        'sushi_supervision', 'act_candidate'),
    ('sushi_ticket', 'group_sushi_supervisor', 'sushi_ticket', 'act_ticket_form'),
    # the Office's assessment officer: the assessment periods
    ('sushi_assessment', 'group_assessment_officer',
        'sushi_assessment', 'act_period_form'),
    # the analyst: the analysis reports
    ('sushi_ticket', 'group_sushi_analyst', 'sushi_analysis', 'act_report'),
    ('sushi_ticket', 'group_sushi_unit_leader', 'sushi_ticket', 'act_reply_unit'),
    ('sushi_ticket', 'group_sushi_unit_handler',
        'sushi_ticket', 'act_assignment_unit'),
    ]


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        preferences = super()._get_preferences(
            user, context_only=context_only)
        if 'actions' in preferences and not preferences['actions']:
            preferences['actions'] = cls.role_home(user)
        return preferences

    @classmethod
    def role_home(cls, user):
        "The actions sao opens at login for the user's role."
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        groups = {g.id for g in user.groups}
        for group_module, group, module, action in HOMES:
            try:
                if ModelData.get_id(group_module, group) in groups:
                    return [Action.get_action_id(
                            ModelData.get_id(module, action))]
            except KeyError:
                continue
        return []


class ActionURL(metaclass=PoolMeta):
    __name__ = 'ir.action.url'

    @classmethod
    def read(cls, ids, fields_names):
        "'{database}' in a URL is the current database's name."
        result = super().read(ids, fields_names)
        name = Transaction().database.name
        for row in result:
            if isinstance(row.get('url'), str):
                row['url'] = row['url'].replace('{database}', name)
        return result
