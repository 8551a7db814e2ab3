# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                # supervision and accountability
                ('sushi.supervision.candidate|propose',
                    "Propose Supervision Candidates"),
                ('sushi.supervision.fact|detect',
                    "Record Overdue Supervision Opinions"),
                ('sushi.accountability|propose',
                    "Propose Accountability Candidates"),
                ('sushi.supervision.report|generate_monthly',
                    "Make the Monthly Supervision Report"),
                # 1+X consultation
                ('sushi.consultation.topic|sweep',
                    "Consultation Lights and Missed Duties"),
                ('sushi.consultation.report|compile_due',
                    "Compile the Monthly Consultation Report"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _unit_rule_models(cls):
        return super()._unit_rule_models() | {
                'sushi.accountability',
                'sushi.consultation.fact',
                'sushi.consultation.topic',
                'sushi.supervision',
                'sushi.supervision.action',
                'sushi.supervision.consequence',
                'sushi.supervision.fact',
                'sushi.supervision.opinion',
                }
