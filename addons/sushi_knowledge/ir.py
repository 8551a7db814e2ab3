# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('sushi.knowledge.entry|expire_entries',
                "Expire Knowledge Entries"))
        cls.method.selection.append(
            ('sushi.knowledge.entry|refresh_search_statistics',
                "Count the Words of the Knowledge Search"))


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _unit_rule_models(cls):
        return super()._unit_rule_models() | {
                'sushi.knowledge.correction',
                'sushi.knowledge.coverage',
                'sushi.knowledge.duty',
                'sushi.knowledge.entry',
                'sushi.knowledge.request',
                }
