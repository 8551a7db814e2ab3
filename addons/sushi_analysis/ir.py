# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('sushi.analysis.cluster|update_clusters',
                    "Cluster New Requests"),
                ('sushi.analysis.report|generate_due',
                    "Generate and Send Due Analysis Reports"),
                ('sushi.analysis.suggest.word|refresh',
                    "Learn the Smart Suggestion from Closed Orders"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _unit_rule_models(cls):
        # unit heads read the report sections tagged to their units (ANA-09)
        return super()._unit_rule_models() | {
                'sushi.analysis.report.section',
                }
