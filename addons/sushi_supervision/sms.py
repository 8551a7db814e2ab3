# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta


class SMS(metaclass=PoolMeta):
    __name__ = 'sushi.sms'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('supervision', "Supervision Assigned")
        if selection not in cls.kind.selection:
            cls.kind.selection.append(selection)

    @classmethod
    def notify_supervision(cls, cases):
        """SUP-09 (2): tell the requester of each ticket of the cases the
        handling unit, the responsible person and their phone and the
        deadline.  The messages are stored with the assignment and
        delivered by the queue after commit; failures are retried."""
        Supervision = Pool().get('sushi.supervision')
        vlist = []
        for case in cases:
            for ticket in case.tickets:
                if not ticket.requester_phone:
                    continue
                vlist.append({
                        'ticket': ticket.id,
                        'kind': 'supervision',
                        'phone': ticket.requester_phone,
                        'text': gettext('sushi_supervision.msg_sms_assigned',
                            number=ticket.number,
                            unit=case.lead_unit.name,
                            person=case.responsible_person,
                            phone=case.responsible_phone,
                            due=Supervision.local(case.deadline)),
                        })
        messages = cls.create(vlist)
        if messages:
            cls.__queue__.deliver(messages)
        return messages
