# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'sushi.configuration'

    # KB-01
    knowledge_policy_days = fields.Integer(
        "New Policy Submission Days", required=True,
        domain=[('knowledge_policy_days', '>', 0)],
        help="Working days after its issuing date within which a unit "
        "submits a new policy to the knowledge base.")
    # KB-02
    knowledge_script_days = fields.Integer(
        "Answer Script Submission Days", required=True,
        domain=[('knowledge_script_days', '>', 0)],
        help="Working days after the platform's request within which a "
        "unit submits the answer script.")

    @classmethod
    def default_knowledge_policy_days(cls):
        return 7

    @classmethod
    def default_knowledge_script_days(cls):
        return 2
