# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
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
                'sushi.consultation.fact',
                'sushi.consultation.topic',
                }
