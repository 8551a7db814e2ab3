# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Notices to unit staff: in the web client (res.notification) and by
e-mail, on dispatch, before the sign-in deadline, near due (yellow) and
overdue (red).

E-mail goes through the SMTP server of `[email] uri` unless
`[sushi] email_notifications = False`."""
import json
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr

from sql import Union

from trytond import config
from trytond.i18n import gettext
from trytond.model import Model
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

KINDS = {
    'dispatched': 'sushi_ticket.msg_notify_dispatched',
    'sign_reminder': 'sushi_ticket.msg_notify_sign_reminder',
    'near_due': 'sushi_ticket.msg_notify_near_due',
    'overdue': 'sushi_ticket.msg_notify_overdue',
    'rework': 'sushi_ticket.msg_notify_rework',
    }


class Notification(Model):
    "The notification helper every module uses to reach unit staff."
    __name__ = 'sushi.notification'
    __string__ = "Notification"

    @classmethod
    def staff(cls, assignment_ids):
        """Return {assignment id: [(user id, e-mail, name)]}: the handlers
        and leaders of each assignment's unit, in one query."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        UnitUser = pool.get('sushi.unit-res.user')
        Leader = pool.get('sushi.unit.leader')
        User = pool.get('res.user')
        a = Assignment.__table__()
        uu = UnitUser.__table__()
        ul = Leader.__table__()
        u = User.__table__()
        cursor = Transaction().connection.cursor()
        members = Union(uu.select(uu.unit, uu.user),
            ul.select(ul.unit, ul.user))
        result = defaultdict(list)
        for i in range(0, len(assignment_ids), 1000):
            ids = assignment_ids[i:i + 1000]
            query = a.join(members, condition=members.unit == a.unit
                ).join(u, condition=(u.id == members.user)
                ).select(a.id, u.id, u.email, u.name,
                    where=a.id.in_(ids) & (u.active == True),
                    order_by=[a.id, u.id])
            cursor.execute(*query)
            for assignment, user, email, name in cursor:
                result[assignment].append((user, email, name))
        return result

    @classmethod
    def notify_assignments(cls, assignment_ids, kind):
        """Tell the staff of each assignment's unit: one in-app notice per
        person and assignment, one e-mail per person listing them."""
        pool = Pool()
        Assignment = pool.get('sushi.ticket.assignment')
        ResNotification = pool.get('res.notification')
        if not assignment_ids:
            return
        staff = cls.staff(list(assignment_ids))
        if not staff:
            return
        label = gettext(KINDS[kind])
        assignments = Assignment.browse(list(staff))
        vlist = []
        mails = defaultdict(list)
        for assignment in assignments:
            text = assignment_line(assignment)
            for user, email, name in staff[assignment.id]:
                vlist.append({
                        'user': user,
                        'label': label,
                        'description': text,
                        'icon': 'tryton-notification',
                        'model': 'sushi.ticket.assignment',
                        'records': json.dumps([assignment.id]),
                        })
                if email:
                    mails[(email, name)].append(text)
        ResNotification.create(vlist)
        if config.getboolean('sushi', 'email_notifications', default=True):
            for (email, name), lines in mails.items():
                send_mail(email, name, label, lines)


def assignment_line(assignment):
    Calendar = Pool().get('sushi.calendar')
    due = (Calendar.to_local(assignment.due_at).strftime('%Y-%m-%d %H:%M')
        if assignment.due_at else '-')
    return gettext('sushi_ticket.msg_notify_line',
        number=assignment.ticket.number,
        title=assignment.ticket.title or '',
        unit=assignment.unit.name, due=due)


def send_mail(email, name, subject, lines):
    "Send after commit through the configured SMTP server ([email] uri)."
    message = EmailMessage()
    sender = config.get('email', 'from')
    message['From'] = sender
    message['To'] = formataddr((name, email))
    message['Subject'] = '[宿事速办] %s' % subject
    message.set_content('\n'.join(lines) + '\n')
    send_message_transactional(message)
