# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.sushi_ticket.ir import UNIT_RULE_MODELS
from trytond.pool import PoolMeta

# unit heads read the report sections tagged to their units (ANA-09)
UNIT_RULE_MODELS.add('sushi.analysis.report.section')


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
                ])
