# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('sushi.assessment.period|run_bulletins',
                    "Score and Publish the Assessment Bulletins"),
                ('sushi.assessment.event|run_proposals',
                    "Propose the Assessment Candidates"),
                ])


class View(metaclass=PoolMeta):
    __name__ = 'ir.ui.view'

    def view_get(self, model=None):
        """The board of this module names its actions by XML id; the client
        wants their database ids."""
        result = super().view_get(model=model)
        if self.type == 'board' and self.module == 'sushi_assessment':
            from lxml import etree
            ModelData = Pool().get('ir.model.data')
            tree = etree.fromstring(result['arch'])
            for element in tree.xpath('//action[@name]'):
                name = element.get('name')
                if '.' in name:
                    element.set('name', str(
                            ModelData.get_id(*name.split('.', 1))))
            result['arch'] = etree.tostring(tree, encoding='unicode')
        return result


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _unit_rule_models(cls):
        return super()._unit_rule_models() | {
                'sushi.assessment.deduction',
                'sushi.assessment.event',
                'sushi.assessment.objection',
                'sushi.assessment.pivot',
                'sushi.assessment.result',
                'sushi.assessment.review',
                'sushi.assessment.score',
                }
