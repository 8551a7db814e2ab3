# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.modules.sushi_ticket.guard import external
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .exceptions import EvidenceError

# The states in which the evidence of an assessment record is still open:
# an objection's while it awaits the decision, an event's until it is
# approved (SCORING §6: the evidence of what counted stays as it was).
EVIDENCE_OPEN = {
    'sushi.assessment.objection': {'submitted'},
    'sushi.assessment.event': {'draft', 'rejected'},
    }


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
            # a copy: the view cache's answer is immutable
            result = dict(result)
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


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def check_access(cls, ids, mode='read'):
        """From the client, the evidence of an objection or an event is
        added, changed or removed only while the record is open (issue #11
        items 2 and 4)."""
        super().check_access(ids, mode=mode)
        if mode == 'read' or not external():
            return
        with without_check_access():
            for attachment in cls.browse(ids):
                resource = attachment.resource
                open_ = EVIDENCE_OPEN.get(getattr(resource, '__name__', None))
                if (open_ is not None and resource.id is not None
                        and resource.id >= 0 and resource.state not in open_):
                    raise EvidenceError(gettext(
                            'sushi_assessment.msg_evidence_locked',
                            record=resource.rec_name))
