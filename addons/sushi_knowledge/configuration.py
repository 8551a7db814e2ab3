# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


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

    # KB-08, TRI-02: how sure the knowledge search is of its best answer
    knowledge_confident_score = fields.Float(
        "Confident Answer Score", required=True, digits=(3, 2),
        domain=[
            ('knowledge_confident_score', '>', 0),
            ('knowledge_confident_score', '<=', 1),
            ],
        help="A knowledge search result scoring at least this (0 to 1) is "
        "shown as a confident answer.")
    knowledge_possible_score = fields.Float(
        "Possible Answer Score", required=True, digits=(3, 2),
        domain=[
            ('knowledge_possible_score', '>', 0),
            ('knowledge_possible_score', '<=',
                Eval('knowledge_confident_score', 1)),
            ],
        help="A knowledge search result scoring below this is shown as a "
        "weak match: the call-taker sees that no confident answer was "
        "found.")

    @classmethod
    def default_knowledge_confident_score(cls):
        return 0.65

    @classmethod
    def default_knowledge_possible_score(cls):
        return 0.45

    @classmethod
    def default_knowledge_policy_days(cls):
        return 7

    @classmethod
    def default_knowledge_script_days(cls):
        return 2
