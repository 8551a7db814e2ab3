# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The candidates of the semi-automatic items (SCORING §6.2): the system
finds them in the stored facts and proposes them as draft assessment
events; an officer approves (with the evidence) or rejects each one.

- D2.3 (b): units among the slowest of their category in every month of a
  calendar quarter (F2's normalised handling time), for the interview.
- P1: flagged orders (city-leader instruction, provincial) red-carded
  (overdue, not completed) or dissatisfied at the second evaluation.
- P3: a repeat request on a closed order (suspected fake handling).
- D3.1: supervision opinions not answered by their deadline, unless they
  are deducted automatically (overdue_opinions_automatic).
- D4.2 / D4.3: consultation facts (late minutes, late letters) that are
  not deducted automatically.

Each candidate has a key, so proposing again never proposes it twice.
The facts are found by a few set-based queries; Python only handles the
candidates and the per-unit monthly figures."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from trytond.modules.sushi_ticket.ticket import FINISHED_STATES, OPEN_STATES

from . import items as I
from .period import bounds, months

D = Decimal


class Proposer:

    def __init__(self, start_date, end_date):
        pool = Pool()
        self.pool = pool
        self.Calendar = pool.get('sushi.calendar')
        self.config = pool.get(
            'sushi.assessment.configuration').get_values()
        self.start_date, self.end_date = start_date, end_date
        self.start = self.utc(start_date)
        self.end = self.utc(end_date + dt.timedelta(days=1))
        self.cursor = Transaction().connection.cursor()
        Unit = pool.get('sushi.unit')
        unit = Unit.__table__()
        self.cursor.execute(*unit.select(unit.id, unit.assessment_group,
                unit.category, unit.name,
                where=(unit.assessed == Literal(True))
                & (unit.active == Literal(True))))
        self.units = {u: (I.unit_group(g, c), n)
            for u, g, c, n in self.cursor}

    def utc(self, date):
        return self.Calendar.local_datetime(date, dt.time(0))

    def local_date(self, value):
        return self.Calendar.to_local(value).date()

    def in_period(self, column):
        return (column >= self.start) & (column < self.end)

    def candidates(self):
        result = []
        for method in [self.interviews, self.flagged_orders,
                self.repeats, self.opinions, self.consultation_facts]:
            result.extend(c for c in method() if c['unit'] in self.units)
        return result

    # --- D2.3 (b) ------------------------------------------------------

    def slowness(self, first, last):
        """F2: the normalised handling time Σ h/L ÷ n of each unit over the
        eligible orders completed in the month, as exact fractions."""
        pool = self.pool
        a = pool.get('sushi.ticket.assignment').__table__()
        t = pool.get('sushi.ticket').__table__()
        false = Literal(False)
        self.cursor.execute(*a.join(t, condition=t.id == a.ticket).select(
                a.unit, a.limit_days, Sum(a.handling_days),
                Count(Literal(1)),
                where=(a.completed_at >= self.utc(first))
                & (a.completed_at < self.utc(last + dt.timedelta(days=1)))
                & (a.handling_days != Null) & (a.limit_days > 0)
                & (Coalesce(a.for_information, False) == false)
                & (Coalesce(a.statutory, False) == false)
                & (t.urgency != 'sudden') & (t.request_type != 'praise'),
                group_by=[a.unit, a.limit_days]))
        ratio = defaultdict(Fraction)
        count = defaultdict(int)
        for unit, limit, days, n in self.cursor:
            ratio[unit] += Fraction(int(days), limit)
            count[unit] += n
        return {u: ratio[u] / count[u] for u in ratio if u in self.units}

    def bottom(self, speeds):
        """The units among the interview_rank slowest of their category
        (competition ranking: equal figures share the rank, D-27)."""
        by_group = defaultdict(list)
        for unit, speed in speeds.items():
            by_group[self.units[unit][0]].append((speed, unit))
        limit = self.config['interview_rank']
        found = {}
        for rows in by_group.values():
            rows.sort(reverse=True)
            rank = 0
            for i, (speed, unit) in enumerate(rows):
                if not i or speed != rows[i - 1][0]:
                    rank = i + 1
                if rank > limit:
                    break
                found[unit] = rank
        return found

    def interviews(self):
        "D2.3 (b): slowest three of the category in each month of a quarter."
        result = []
        date = bounds('quarter', self.start_date)[0]
        while date <= self.end_date:
            first, last = bounds('quarter', date)
            date = last + dt.timedelta(days=1)
            if last > self.end_date:
                break
            ranks = []
            for month_first, month_last in months(first, last):
                ranks.append(self.bottom(self.slowness(
                            month_first, month_last)))
            label = f'{first.year}Q{(first.month - 1) // 3 + 1}'
            for unit in set.intersection(*(set(r) for r in ranks)):
                result.append({
                        'key': f'D2.3:{label}:{unit}',
                        'unit': unit, 'item': 'D2.3', 'amount': D(1),
                        'date': date,
                        'description': gettext(
                            'sushi_assessment.msg_propose_interview',
                            quarter=label,
                            ranks='、'.join(str(r[unit]) for r in ranks)),
                        })
        return result

    # --- P1, P3 --------------------------------------------------------

    def flagged_orders(self):
        """P1: city-leader instruction and provincial orders red-carded
        (overdue), and those dissatisfied at the second evaluation."""
        pool = self.pool
        a = pool.get('sushi.ticket.assignment').__table__()
        t = pool.get('sushi.ticket').__table__()
        c = pool.get('sushi.ticket.callback').__table__()
        true = Literal(True)
        flagged = (Coalesce(t.provincial, False) == true) | (
            Coalesce(t.leader_instruction, False) == true)
        result = []
        self.cursor.execute(*a.join(t, condition=t.id == a.ticket).select(
                a.id, a.unit, a.ticket, t.number, a.red_card_at,
                where=flagged & (a.red_card == true)
                & self.in_period(a.red_card_at)))
        for aid, unit, ticket, number, when in self.cursor.fetchall():
            result.append({
                    'key': f'P1:overdue:{aid}', 'unit': unit, 'item': 'P1',
                    'amount': D(1), 'date': self.local_date(when),
                    'ticket': ticket,
                    'link': f'sushi.ticket.assignment,{aid}',
                    'description': gettext(
                        'sushi_assessment.msg_propose_p1_overdue',
                        number=number),
                    })
        self.cursor.execute(*c.join(t, condition=t.id == c.ticket).select(
                c.id, t.lead_unit, t.id, t.number, c.recorded_at,
                where=flagged & (c.round == 2)
                & (c.result == 'dissatisfied') & (t.lead_unit != Null)
                & self.in_period(c.recorded_at)))
        for cid, unit, ticket, number, when in self.cursor.fetchall():
            result.append({
                    'key': f'P1:dissatisfied:{cid}', 'unit': unit,
                    'item': 'P1', 'amount': D(1),
                    'date': self.local_date(when), 'ticket': ticket,
                    'link': f'sushi.ticket.callback,{cid}',
                    'description': gettext(
                        'sushi_assessment.msg_propose_p1_dissatisfied',
                        number=number),
                    })
        return result

    def repeats(self):
        """P3: a repeat complaint, received in the period, of a closed
        order (SCP-04 c, `repeat_of`): the unit that led the closed order
        is proposed (verification of fake handling is the officer's).

        附件5 四(三)2(3) charges the order whose result proves untrue when
        the requester complains again (重复投诉, 每件扣1分), the fact 附件2
        四(八)4 holds to account (ACC-04, 造成诉求人再次投诉); a repeat is a
        complaint once the platform accepts it (附件2 四(一): one on the
        same facts after lawful handling is not accepted).  So by default
        (`repeat_candidates` = accepted) a repeat is proposed once accepted
        as a new order, as ACC-04 proposes it; a draft intake (undecided),
        one refused as lawfully closed (SCP-04 b), merged or answered at
        intake is none.  With `any` every repeat not refused as lawfully
        closed is, drafts included (SCORING P3's wider reading).  Either
        way one candidate per closed order: its earliest repeat of the
        period, unless a P3 event on the order is pending or approved."""
        pool = self.pool
        t = pool.get('sushi.ticket').__table__()
        o = pool.get('sushi.ticket').__table__()
        event = pool.get('sushi.assessment.event').__table__()
        where = ((t.repeat_of != Null) & (o.lead_unit != Null)
            & self.in_period(t.received_at)
            & ~Exists(event.select(Literal(1),
                    where=(event.item == 'P3') & (event.ticket == o.id)
                    & (event.state != 'rejected'))))
        if self.config['repeat_candidates'] == 'any':
            where &= Coalesce(t.disposal, '') != 'rejected_repeat'
        else:
            where &= t.state.in_(OPEN_STATES + FINISHED_STATES)
        self.cursor.execute(*t.join(o, condition=o.id == t.repeat_of).select(
                t.id, t.number, t.received_at, o.id, o.number, o.lead_unit,
                where=where, order_by=[t.received_at, t.id]))
        result, seen = [], set()
        for tid, number, when, oid, original, unit in self.cursor.fetchall():
            if oid in seen:
                continue
            seen.add(oid)
            result.append({
                    'key': f'P3:{tid}', 'unit': unit, 'item': 'P3',
                    'amount': D(1), 'date': self.local_date(when),
                    'ticket': oid,
                    'description': gettext(
                        'sushi_assessment.msg_propose_p3',
                        number=number, original=original),
                    })
        return result

    # --- D3.1, D4 ------------------------------------------------------

    def opinions(self):
        "D3.1: opinions not answered by their deadline (when not automatic)."
        if self.config['overdue_opinions_automatic']:
            return []
        from .compute import Engine
        query = Engine.overdue_opinions(self.start, self.end)
        if query is None:
            return []
        self.cursor.execute(*query.select(query.unit, query.origin,
                query.occurred_at, query.description, query.opinion))
        # keyed by the opinion: the same whether the origin is the opinion
        # or, once sushi_supervision stores it, its fact
        return [{
                'key': f'D3.1:opinion:{opinion}', 'unit': unit,
                'item': 'D3.1', 'amount': D('0.5'),
                'date': self.local_date(when), 'link': origin,
                'description': gettext(
                    'sushi_assessment.msg_propose_opinion', case=number),
                } for unit, origin, when, number, opinion
            in self.cursor.fetchall()]

    def consultation_facts(self):
        "D4.2 / D4.3: the facts that are not deducted automatically."
        try:
            Fact = self.pool.get('sushi.consultation.fact')
        except KeyError:
            return []
        kinds = [kind for kind, setting in [
                ('late_minutes', 'late_minutes_automatic'),
                ('late_letter', 'late_letters_automatic')]
            if not self.config[setting]]
        if not kinds:
            return []
        fact = Fact.__table__()
        self.cursor.execute(*fact.select(fact.id, fact.unit, fact.item,
                fact.occurred_at,
                where=fact.kind.in_(kinds) & self.in_period(fact.occurred_at)))
        return [{
                'key': f'{item}:sushi.consultation.fact,{fid}',
                'unit': unit, 'item': item, 'amount': D('0.5'),
                'date': self.local_date(when),
                'link': f'sushi.consultation.fact,{fid}',
                'description': gettext(
                    'sushi_assessment.msg_propose_consultation'),
                } for fid, unit, item, when in self.cursor.fetchall()]
