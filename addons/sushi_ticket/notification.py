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

from sql import Literal, Union

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import Model
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

KINDS = {
    'dispatched': 'sushi_ticket.msg_notify_dispatched',
    'sign_reminder': 'sushi_ticket.msg_notify_sign_reminder',
    'near_due': 'sushi_ticket.msg_notify_near_due',
    'overdue': 'sushi_ticket.msg_notify_overdue',
    'red_card_withdrawn': 'sushi_ticket.msg_notify_red_card_withdrawn',
    'rework': 'sushi_ticket.msg_notify_rework',
    }


class Notification(Model):
    "The notification helper every module uses to reach unit staff."
    __name__ = 'sushi.notification'
    __string__ = "Notification"

    @classmethod
    def unit_staff(cls, unit_ids):
        """Return {unit id: [(user id, e-mail, name)]}: the active handlers
        and leaders of each unit, in one query."""
        pool = Pool()
        UnitUser = pool.get('sushi.unit-res.user')
        Leader = pool.get('sushi.unit.leader')
        User = pool.get('res.user')
        uu = UnitUser.__table__()
        ul = Leader.__table__()
        u = User.__table__()
        cursor = Transaction().connection.cursor()
        staff = {unit: [] for unit in unit_ids}
        unit_ids = list(unit_ids)
        for i in range(0, len(unit_ids), 1000):
            ids = unit_ids[i:i + 1000]
            members = Union(
                uu.select(uu.unit, uu.user, where=uu.unit.in_(ids)),
                ul.select(ul.unit, ul.user, where=ul.unit.in_(ids)))
            cursor.execute(*members.join(u,
                    condition=u.id == members.user).select(
                    members.unit, u.id, u.email, u.name,
                    where=u.active == Literal(True),
                    order_by=[members.unit, u.id]))
            for unit, user, email, name in cursor:
                staff[unit].append((user, email, name))
        return staff

    @classmethod
    def notify_units(cls, notices):
        """Tell the staff of units: notices are (unit id, label, text,
        model, record ids); each person gets one in-app notice per notice
        and one e-mail per label listing the texts."""
        ResNotification = Pool().get('res.notification')
        staff = cls.unit_staff({n[0] for n in notices})
        vlist = []
        mails = defaultdict(list)
        for unit, label, text, model, ids in notices:
            for user, email, name in staff.get(unit, []):
                values = {
                    'user': user,
                    'label': label,
                    'description': text,
                    'icon': 'tryton-notification',
                    }
                if model and ids:
                    values['model'] = model
                    values['records'] = json.dumps(sorted(ids))
                vlist.append(values)
                if email:
                    mails[(email, name, label)].append(text)
        if vlist:
            with without_check_access():
                ResNotification.create(vlist)
        if config.getboolean('sushi', 'email_notifications', default=True):
            for (email, name, label), lines in mails.items():
                send_mail(email, name, label, lines)

    @classmethod
    def notify_assignments(cls, assignment_ids, kind):
        """Tell the staff of each assignment's unit about it (dispatch,
        sign-in reminder, near due, overdue, re-handling); only the
        assignments of units with staff are read."""
        Assignment = Pool().get('sushi.ticket.assignment')
        if not assignment_ids:
            return
        a = Assignment.__table__()
        cursor = Transaction().connection.cursor()
        units = {}
        assignment_ids = list(assignment_ids)
        for i in range(0, len(assignment_ids), 1000):
            cursor.execute(*a.select(a.id, a.unit,
                    where=a.id.in_(assignment_ids[i:i + 1000])))
            units.update(cursor)
        staffed = {u for u, s in cls.unit_staff(set(units.values())).items()
            if s}
        wanted = [i for i, u in units.items() if u in staffed]
        if not wanted:
            return
        label = gettext(KINDS[kind])
        # the lines from one query per slice of assignments, not from
        # browsed records (issue #14: the first sweep notifies tens of
        # thousands)
        pool = Pool()
        t = pool.get('sushi.ticket').__table__()
        u = pool.get('sushi.unit').__table__()
        notices = []
        for sub_ids in grouped_slice(wanted, backend.MAX_QUERY_PARAMS):
            cursor.execute(*a.join(t, condition=a.ticket == t.id
                    ).join(u, condition=a.unit == u.id
                    ).select(a.id, a.unit, a.due_at, t.number, t.title,
                    u.name, where=a.id.in_(list(sub_ids)),
                    order_by=[a.id]))
            for id_, unit, due_at, number, title, name in cursor:
                notices.append((unit, label,
                        notice_line(number, title, name, due_at),
                        Assignment.__name__, [id_]))
        cls.notify_units(notices)


def assignment_line(assignment):
    return notice_line(assignment.ticket.number, assignment.ticket.title,
        assignment.unit.name, assignment.due_at)


def notice_line(number, title, unit_name, due_at):
    Calendar = Pool().get('sushi.calendar')
    # a provisional due time says so (CONV-03)
    due = Calendar.format_due(due_at) or '-'
    return gettext('sushi_ticket.msg_notify_line',
        number=number, title=title or '', unit=unit_name, due=due)


def send_mail(email, name, subject, lines):
    "Send after commit through the configured SMTP server ([email] uri)."
    message = EmailMessage()
    sender = config.get('email', 'from')
    message['From'] = sender
    message['To'] = formataddr((name, email))
    message['Subject'] = '[宿事速办] %s' % subject
    message.set_content('\n'.join(lines) + '\n')
    send_message_transactional(message)
