# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Scoring a period from the stored facts (SCORING §2–§5).

Set-based: every AUTO deduction is inserted by one INSERT … SELECT from the
fact tables; the per-unit figures of the formulas come from GROUP BY
queries; only the 106 × 34 score rows and the handful of events are
handled in Python.  Points are Decimal (exact fractions inside the
formulas), so SQLite and PostgreSQL give the same scores."""
import datetime as dt
from collections import defaultdict
from fractions import Fraction

from sql import Column, From, Literal, Null, Table, Union, Values
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp
from sql.operators import And, Concat, Exists, Like, Or
from sql import Cast

from trytond.i18n import gettext
from trytond.modules.sushi_knowledge.common import late_days
from trytond.modules.sushi_ticket.reply import DEFECTS
from trytond.modules.sushi_ticket.ticket import satisfaction_counted
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from . import items as I
from .items import D, ITEM, ITEMS, SUB_ITEMS, quantize
from .period import bounds, months

# RPL-03: the verified defects a reply can carry
DEFECT_CODES = [code for code, _ in DEFECTS]

# Items whose annual score is max − Σ deductions, or the mean of monthly
# scores under aggregation_mode = monthly_mean (SCORING §4).
EVENT_ITEMS = {'D2.1a', 'D2.1b', 'D2.1c', 'D2.2', 'D2.4a', 'D2.4b',
    'D2.4c', 'D2.6', 'D3.1', 'D3.2', 'D4.1', 'D4.2', 'D4.3', 'D5.1',
    'D5.2', 'D5.3'}
FORMULA_ITEMS = {'D2.3', 'D2.5'}
# the deductions of the facts recorded on a reply: an officer's event
# linked to the same reply and item does not count again
REPLY_FACT_KINDS = ['no_sign_off', 'no_real_name', 'review_sign_off',
    'review_real_name', 'reply_defect', 'reply_refused']
HANDLING = {'D2.1a', 'D2.1b', 'D2.1c', 'D2.2', 'D2.3', 'D2.4a', 'D2.4b',
    'D2.4c', 'D2.5', 'D2.6'}


# The columns of a deduction the compute writes; an unchanged deduction
# (the same values) keeps its row on recompute (Engine.merge_staged).
WRITTEN = ['score', 'kind', 'amount', 'origin', 'occurred_at', 'description']
STAGED = 'sushi_assessment_staged'


def _origin(model, column):
    return Concat(model + ',', Cast(column, 'VARCHAR'))


class Engine:

    def __init__(self, period):
        pool = Pool()
        self.pool = pool
        self.period = period
        self.config = pool.get(
            'sushi.assessment.configuration').get_values()
        self.Calendar = pool.get('sushi.calendar')
        self.start, self.end = period.utc_bounds()
        transaction = Transaction()
        self.cursor = transaction.connection.cursor()
        self.user = transaction.user
        self.score = pool.get('sushi.assessment.score').__table__()
        self.deduction = pool.get('sushi.assessment.deduction').__table__()
        self.result = pool.get('sushi.assessment.result').__table__()
        self.staged, self.target, self.changed = False, self.deduction, 0

    def utc(self, date):
        return self.Calendar.local_datetime(date, dt.time(0))

    # --- rows --------------------------------------------------------

    def clear(self, keep=False):
        """Remove the rows of an earlier compute of the period.  With
        keep, on PostgreSQL, a recompute keeps them: the score rows are updated and
        the deductions are computed into a temporary table, then only the
        difference is written (merge_staged), so that recomputing the same
        facts rewrites nothing."""
        from trytond import backend
        score, deduction, result = self.score, self.deduction, self.result
        cursor = self.cursor
        pid = self.period.id
        cursor.execute(*result.delete(where=result.period == pid))
        cursor.execute(*score.select(score.id, where=score.period == pid,
                limit=1))
        self.staged = (keep and bool(cursor.fetchone())
            and backend.name == 'postgresql')
        self.target = deduction
        if self.staged:
            cursor.execute('DROP TABLE IF EXISTS "%s"' % STAGED)
            cursor.execute('CREATE TEMPORARY TABLE "%s" AS SELECT %s FROM '
                '"%s" WHERE false' % (STAGED,
                    ', '.join('"%s"' % c for c in WRITTEN),
                    deduction._name))
            self.target = Table(STAGED)
            return
        cursor.execute(*deduction.delete(where=deduction.score.in_(
                    score.select(score.id, where=score.period == pid))))
        cursor.execute(*score.delete(where=score.period == pid))

    def merge_staged(self):
        """Recompute: write only the difference between the stored
        deductions of the period and the staged ones.  Rows are compared
        on every written column (as multisets): the values whose count
        differs are collected first (two hash aggregates and a join;
        usually none), then the stored rows with such values are deleted
        and the staged ones inserted.  An unchanged deduction keeps its
        row and id."""
        if not self.staged:
            return
        cursor = self.cursor
        # a table object of its own for the reads: the DELETE's target
        # must not share its alias with the subquery
        deduction = self.pool.get('sushi.assessment.deduction').__table__()
        score, staged = self.score, self.target
        names = ['k%d' % i for i in range(len(WRITTEN))]

        def key(table):
            # every written column, NULL as a value, in a form the planner
            # can hash
            return [Coalesce(Column(table, 'origin'), ''),
                Coalesce(Column(table, 'description'), ''),
                Coalesce(Column(table, 'occurred_at'),
                    dt.datetime(1, 1, 1)),
                Column(table, 'score'), Column(table, 'kind'),
                Column(table, 'amount')]

        def counts(query, table):
            # the keys computed below the GROUP BY: PostgreSQL does not
            # match an expression with parameters in both clauses
            rows = query.select(*[c.as_(n)
                    for c, n in zip(key(table), names)])
            columns = [Column(rows, n) for n in names]
            return rows.select(*columns, Count(Literal(1)).as_('n'),
                group_by=columns)
        stored = deduction.join(score, condition=(score.id == deduction.score)
            & (score.period == self.period.id))
        old = counts(stored, deduction)
        new = counts(staged, staged)
        changed = old.join(new, 'FULL', condition=And([
                    Column(old, n) == Column(new, n) for n in names]))
        cursor.execute('DROP TABLE IF EXISTS "%s_changed"' % STAGED)
        query, params = tuple(changed.select(
                *[Coalesce(Column(old, n), Column(new, n)).as_(n)
                    for n in names],
                where=Coalesce(old.n, 0) != Coalesce(new.n, 0)))
        cursor.execute('CREATE TEMPORARY TABLE "%s_changed" AS ' % STAGED
            + query, params)
        self.changed = 0
        cursor.execute('SELECT 1 FROM "%s_changed" LIMIT 1' % STAGED)
        if cursor.fetchone():
            diff = Table(STAGED + '_changed')

            def differs(table):
                return Exists(diff.select(Literal(1), where=And([
                                Column(diff, n) == c
                                for n, c in zip(names, key(table))])))
            target = self.deduction
            cursor.execute(*target.delete(where=target.id.in_(
                        stored.select(deduction.id,
                            where=differs(deduction)))))
            self.changed = cursor.rowcount
            cursor.execute(*target.insert(
                    [Column(target, c) for c in WRITTEN]
                    + [target.cancelled, target.create_uid,
                        target.create_date],
                    staged.select(*[Column(staged, c) for c in WRITTEN],
                        Literal(False), Literal(self.user),
                        CurrentTimestamp(), where=differs(staged))))
            self.changed += cursor.rowcount
        cursor.execute('DROP TABLE "%s_changed"' % STAGED)
        cursor.execute('DROP TABLE "%s"' % STAGED)
        self.target = self.deduction

    def run(self):
        jit = self.jit_off()
        try:
            self._run()
        finally:
            self.jit_restore(jit)

    def jit_off(self):
        """PostgreSQL: no JIT compilation for the compute's statements.
        They run once each, and the fact INSERT … SELECT (a UNION ALL of
        a dozen branches) is costed far above jit_above_cost: at 1.8 M
        orders compiling it took 20 s of a 52 s statement (bench/
        assessment.py --explain).  Returns the setting to restore."""
        from trytond import backend
        if backend.name != 'postgresql':
            return None
        self.cursor.execute("SELECT current_setting('jit')")
        jit, = self.cursor.fetchone()
        self.cursor.execute("SET LOCAL jit = off")
        return jit

    def jit_restore(self, jit):
        if jit is not None:
            self.cursor.execute("SELECT set_config('jit', %s, true)", (jit,))

    def _run(self):
        self.clear(keep=True)
        self.load_units()
        self.insert_scores()
        self.zeroed = set()          # score ids
        self.not_applicable = set()  # score ids
        self.formula_points = {}     # score id → points
        self.formula_periods = {}    # score id → months / quarters averaged
        self.fact_queries = []
        self.auto_deductions()
        self.supervision_deductions()
        self.consultation_deductions()
        self.opinion_deductions()
        self.flush_facts()
        self.event_deductions()
        self.designations()
        self.leader_review()
        self.handling_speed()
        self.satisfaction()
        self.knowledge()
        self.merge_staged()
        self.analyze()
        self.score_points()
        self.results()
        self.pool.get('sushi.assessment.score')._fields  # keep pool warm
        from trytond.modules.sushi_ticket import clock
        clock.forget('sushi.assessment.score', 'sushi.assessment.deduction',
            'sushi.assessment.result')

    def analyze(self):
        """PostgreSQL: refresh the planner's statistics of the score and
        deduction rows just written before reading them back (a period's
        thousands of rows in one transaction; without them the planner
        takes the tables for empty and joins them by nested loops)."""
        from trytond import backend
        if backend.name != 'postgresql':
            return
        names = ['sushi.assessment.score', 'sushi.assessment.deduction']
        if self.staged:
            # the same rows as before, the statistics with them
            names = ['sushi.assessment.deduction'] if self.changed else []
        for name in names:
            self.cursor.execute('ANALYZE "%s"' % self.pool.get(name)._table)

    def load_units(self):
        unit = self.pool.get('sushi.unit').__table__()
        self.cursor.execute(*unit.select(
                unit.id, unit.assessment_group, unit.category,
                unit.has_key_work, unit.requires_expert_seat,
                unit.responsible_section,
                where=(unit.assessed == Literal(True))
                & (unit.active == Literal(True)),
                order_by=[unit.id]))
        self.units = {}
        for uid, group, category, key, expert, section in self.cursor:
            self.units[uid] = {
                'group': I.unit_group(group, category),
                'key': bool(key), 'expert': bool(expert),
                'section': section,
                }

    def insert_scores(self):
        """The period's score rows in one INSERT … SELECT: the assessed
        units × the items of SCORING §2; key items apply to units with key
        work, K4 only to those that also staff the expert seat."""
        score = self.score
        unit = self.pool.get('sushi.unit').__table__()
        item = Values([[i.code, i.component, i.max] for i in ITEMS])
        code, component, maximum = (
            item.column1, item.column2, item.column3)
        true, false = Literal(True), Literal(False)
        pid = self.period.id

        def applicable(unit, code, component):
            return Case((component != 'key', true),
                ((Coalesce(unit.has_key_work, false) == true)
                    & ((code != 'K4')
                        | (Coalesce(unit.requires_expert_seat, false)
                            == true)),
                    true), else_=false)
        assessed = (unit.assessed == true) & (unit.active == true)
        where = assessed
        if self.staged:
            # recompute: keep the rows of the units still assessed (their
            # deductions are merged), add the missing ones
            other = self.pool.get('sushi.unit').__table__()
            self.cursor.execute(*score.delete(where=(score.period == pid)
                    & ~score.unit.in_(other.select(other.id,
                            where=(other.assessed == true)
                            & (other.active == true)))))
            kept = self.pool.get('sushi.assessment.score').__table__()
            where &= ~Exists(kept.select(Literal(1),
                    where=(kept.period == pid) & (kept.unit == unit.id)
                    & (kept.item == code)))
        self.cursor.execute(*score.insert([score.period, score.unit,
                    score.item, score.component, score.max_points,
                    score.points, score.deducted, score.applicable,
                    score.zeroed, score.create_uid, score.create_date],
                From([unit, item]).select(Literal(pid), unit.id,
                    code, component, maximum, maximum, Literal(D(0)),
                    applicable(unit, code, component), false,
                    Literal(self.user), CurrentTimestamp(), where=where)))
        unit = self.pool.get('sushi.unit').__table__()
        self.cursor.execute(*score.join(unit,
                condition=unit.id == score.unit).select(
                score.id, score.unit, score.item,
                applicable(unit, score.item, score.component),
                where=score.period == pid))
        self.ids, self.applicable_at_start = {}, {}
        for sid, u, i, applicable in self.cursor:
            self.ids[u, i] = sid
            self.applicable_at_start[u, i] = bool(applicable)

    def insert_deductions(self, item, kind, query):
        """Queue the deductions of item from query, a select of (unit,
        amount, origin, occurred_at, description) columns (with item None,
        of (unit, item, kind, amount, …)); flush_facts inserts every
        queued query with one INSERT … SELECT."""
        self.fact_queries.append((item, kind, query))

    def flush_facts(self):
        """One INSERT … SELECT of the UNION ALL of the queued fact
        queries, joined to the period's score rows by (unit, item).  Each
        branch keeps its own WHERE on a fact date, so each reads its own
        partial index (ticket.py)."""
        queries, self.fact_queries = self.fact_queries, []
        if not queries:
            return
        branches = [q.select(q.unit.as_('unit'),
                (q.item if item is None
                    else Cast(Literal(item), 'VARCHAR')).as_('item'),
                (q.kind if item is None
                    else Cast(Literal(kind), 'VARCHAR')).as_('kind'),
                q.amount.as_('amount'),
                Cast(q.origin, 'VARCHAR').as_('origin'),
                q.occurred_at.as_('occurred_at'),
                Cast(q.description, 'VARCHAR').as_('description'))
            for item, kind, q in queries]
        union = branches[0] if len(branches) == 1 else Union(
            *branches, all_=True)
        # the score rows of the queued items as a VALUES list, not the
        # score table: the planner cannot know how many facts a branch
        # gives (at 1.8 M orders it expected 38 k for 195 k) and probed
        # the score index once per fact; on a list it builds one hash
        items = {item for item, _, _ in queries}
        if None in items:
            # a query of several items (auto_deductions)
            items = {item for _, item in self.ids}
        score = Values([[unit, item, sid]
                for (unit, item), sid in sorted(self.ids.items())
                if item in items] or [[-1, '', -1]])
        select = union.join(score, condition=(score.column1 == union.unit)
            & (score.column2 == union.item)).select(
            score.column3, union.kind, union.amount, union.origin,
            union.occurred_at, union.description, *self.stamp())
        self.cursor.execute(*self.target.insert(self.columns(), select))

    def columns(self):
        "The columns written into the target (the table or the staging)."
        target = self.target
        columns = [Column(target, c) for c in WRITTEN]
        if not self.staged:
            columns += [target.cancelled, target.create_uid,
                target.create_date]
        return columns

    def stamp(self):
        "The values of the columns after WRITTEN."
        if self.staged:
            return []
        return [Literal(False), Literal(self.user), CurrentTimestamp()]

    def insert_rows(self, rows):
        "Insert deductions given as (score id, kind, amount, origin, at, text)."
        stamp = [] if self.staged else [
            False, self.user, CurrentTimestamp()]
        rows = [[sid, kind, D(amount), origin, at, (text or '')[:250]]
            + stamp for sid, kind, amount, origin, at, text in rows]
        for sub in grouped_slice(rows, 500):
            self.cursor.execute(*self.target.insert(self.columns(),
                    values=list(sub)))

    def in_period(self, column):
        return (column >= self.start) & (column < self.end)

    # --- AUTO items from the facts ------------------------------------

    def auto_deductions(self):
        pool = self.pool
        a = pool.get('sushi.ticket.assignment').__table__()
        t = pool.get('sushi.ticket').__table__()
        r = pool.get('sushi.ticket.reply').__table__()
        c = pool.get('sushi.knowledge.correction').__table__()
        true = Literal(True)

        # D2.1a, D2.1b, D2.2: the orders with any of these facts in the
        # period are read once — the facts' partial indexes (ticket.py)
        # OR'd into one bitmap, so that each page of the orders, and of
        # their tickets for the numbers, is read once and not once per
        # kind of fact — and each fact becomes a deduction by a join to
        # the list of the kinds.  The dates sushi_ticket stores with each
        # fact (LGT-05) are read as they are.
        kinds = [
            # D2.1a 及时签收: −0.5 per order signed late (SGN), dated when
            # the sign-in deadline passed (late_sign_in_at)
            ('D2.1a', 'late_sign_in', a.late_sign_in_at,
                a.late_sign_in == true),
            # D2.1b 实时退单: −0.5 per overdue return, dated when the
            # return window ended (return_overdue_at), −0.5 per return
            # without a valid reason (RET-03, RET-04)
            ('D2.1b', 'overdue_return', a.return_overdue_at,
                a.return_overdue == true),
            ('D2.1b', 'no_valid_reason', a.return_decided_at,
                (a.return_decision == 'rejected')
                & (a.return_rejection_cause == 'no_valid_reason')),
            # D2.2 按时办结: −0.5 per red card (LGT-02)
            ('D2.2', 'red_card', a.red_card_at, a.red_card == true),
            ]
        happened = [where & self.in_period(when)
            for _, _, when, where in kinds]
        # The orders come sorted by ticket, so that the numbers are read
        # in the tickets' order (each page of the tickets once), whatever
        # the order of the assignments on disk.
        orders = a.select(a.id.as_('id'), a.unit.as_('unit'),
            a.ticket.as_('ticket'),
            *[Case((h, when), else_=Null).as_('at%d' % i)
                for i, (h, (_, _, when, _)) in enumerate(
                    zip(happened, kinds))],
            where=Or(happened), order_by=[a.ticket])
        kind = Values([[i, item, name]
                for i, (item, name, _, _) in enumerate(kinds)])
        at = Case(*[(kind.column1 == i, Column(orders, 'at%d' % i))
                for i in range(len(kinds))], else_=Null)
        self.insert_deductions(None, None, orders.join(t,
                condition=t.id == orders.ticket).join(kind,
                condition=at != Null).select(
                orders.unit.as_('unit'),
                Cast(kind.column2, 'VARCHAR').as_('item'),
                Cast(kind.column3, 'VARCHAR').as_('kind'),
                Literal(D('0.5')).as_('amount'),
                _origin('sushi.ticket.assignment', orders.id).as_('origin'),
                at.as_('occurred_at'), t.number.as_('description')))
        # D2.1c 不当退单: −1 per confirmed improper return (RET-06), dated
        # by the second dispatch to the same unit
        again = pool.get('sushi.ticket.assignment').__table__()
        when = Coalesce(again.dispatched_at, a.return_decided_at)
        query = a.join(t, condition=t.id == a.ticket).join(again, 'LEFT',
            condition=again.id == a.redispatched_as).select(
            a.unit.as_('unit'), Literal(D(1)).as_('amount'),
            _origin('sushi.ticket.assignment', a.id).as_('origin'),
            when.as_('occurred_at'), t.number.as_('description'),
            where=(a.improper_return == 'confirmed') & self.in_period(when))
        self.insert_deductions('D2.1c', 'improper_return', query)
        # RET-06: the same order improperly returned twice and verified as
        # buck-passing (on that order: "同一工单两次出现不当退单,经查实为推诿
        # 行为的"): the item scores 0.
        buck = Case((a.buck_passing == true, 1), else_=0)
        self.cursor.execute(*a.join(again, 'LEFT',
                condition=again.id == a.redispatched_as).select(
                a.unit,
                where=(a.improper_return == 'confirmed')
                & self.in_period(when)
                & a.unit.in_(list(self.units) or [-1]),
                group_by=[a.unit, a.ticket],
                having=(Count(Literal(1)) >= 2) & (Sum(buck) >= 1)))
        for u, in self.cursor:
            self.zeroed.add(self.ids[u, 'D2.1c'])

        def replies(where, amount):
            # the period's replies come from their partial index
            # (ticket.py); unit and number are read by key for each of
            # them: a join lets the planner hash every assignment
            ra = pool.get('sushi.ticket.assignment').__table__()
            rt = pool.get('sushi.ticket').__table__()
            return r.select(
                ra.select(ra.unit, where=ra.id == r.assignment).as_('unit'),
                Literal(D(amount)).as_('amount'),
                _origin('sushi.ticket.reply', r.id).as_('origin'),
                r.submitted_at.as_('occurred_at'),
                ra.join(rt, condition=rt.id == ra.ticket).select(rt.number,
                    where=ra.id == r.assignment).as_('description'),
                where=where & self.in_period(r.submitted_at))
        # D2.4b 压实办理责任: −0.5 per reply submitted without sign-off
        unsigned = r.signed_off_by == Null
        self.insert_deductions('D2.4b', 'no_sign_off', replies(
                unsigned, '0.5'))
        # D2.4c 实名办理: −0.5 per reply without the handler's name or phone
        anonymous = ((r.handler_name == Null) | (r.handler_name == '')
            | (r.handler_phone == Null) | (r.handler_phone == ''))
        self.insert_deductions('D2.4c', 'no_real_name', replies(
                anonymous, '0.5'))
        # REV-01: the elements the platform's review found failed in a
        # submitted reply feed D2.4 — the real-name closing (RPL-02 k)
        # D2.4c, the sign-off (RPL-04) D2.4b — once per reply (a reply
        # already deducted above for the same item is not again); the
        # other elements (RPL-02 a–j) are corrected within the limit and
        # cost nothing by themselves: the seed deducts D2.4a only for the
        # verified defects below (附件5 四(一)2(4)①)
        self.insert_deductions('D2.4b', 'review_sign_off', replies(
                (r.failed_elements != Null)
                & self.has_any(r.failed_elements, ['sign_off'])
                & ~unsigned, '0.5'))
        self.insert_deductions('D2.4c', 'review_real_name', replies(
                (r.failed_elements != Null)
                & self.has_any(r.failed_elements, ['k_real_name'])
                & ~anonymous, '0.5'))
        # D2.4a 实事求是答复 (RPL-03, RPL-07): the findings of a
        # verification recorded on the reply (Reply.record_findings):
        # −0.5 per reply with a verified defect (不符合法规政策, 未沟通,
        # 不真实, 承诺未兑现: "每件扣0.5分", once per reply however many
        # defects), −1 per reply whose unit refused to improve it, dated
        # when the verification recorded them
        for kind, where, amount in [
                ('reply_defect', self.has_any(r.defects, DEFECT_CODES),
                    '0.5'),
                ('reply_refused', r.refused_to_cooperate == true, '1')]:
            ra = pool.get('sushi.ticket.assignment').__table__()
            rt = pool.get('sushi.ticket').__table__()
            self.insert_deductions('D2.4a', kind, r.select(
                    ra.select(ra.unit,
                        where=ra.id == r.assignment).as_('unit'),
                    Literal(D(amount)).as_('amount'),
                    _origin('sushi.ticket.reply', r.id).as_('origin'),
                    r.findings_at.as_('occurred_at'),
                    ra.join(rt, condition=rt.id == ra.ticket).select(
                        rt.number,
                        where=ra.id == r.assignment).as_('description'),
                    where=where & self.in_period(r.findings_at)))
        # D5.3 信息准确: −1 per confirmed correction (KB-06)
        self.insert_deductions('D5.3', 'knowledge_correction', c.select(
                Coalesce(c.assessed_unit, c.unit).as_('unit'),
                Literal(D(1)).as_('amount'),
                _origin('sushi.knowledge.correction', c.id).as_('origin'),
                c.confirmed_at.as_('occurred_at'),
                Literal('').as_('description'),
                where=c.state.in_(['confirmed', 'resolved'])
                & self.in_period(c.confirmed_at)))

    @staticmethod
    def has_any(column, values):
        """A MultiSelection column (a JSON list) holds one of values: the
        JSON key test on PostgreSQL, a LIKE on the text elsewhere (as
        trytond's own domain on the field)."""
        database = Transaction().database
        try:
            return database.json_any_keys_exist(column, list(values))
        except NotImplementedError:
            return Or([Like(column, '%"' + v + '"%') for v in values])

    def _model(self, name):
        try:
            return self.pool.get(name)
        except KeyError:
            return None

    def supervision_deductions(self):
        """D3.2 from the escalated supervision cases (−1/−2/−3 per level-1,
        -2, -3 case against each responsible unit, dated at registration),
        D3.1 from the non-cooperation findings of routine supervision
        (−0.5 each), when sushi_supervision records them."""
        Supervision = self._model('sushi.supervision')
        if Supervision is None:
            return
        from trytond.modules.sushi_supervision.supervision import (
            COUNTED_STATES)
        case = Supervision.__table__()
        responsible = self.pool.get(
            'sushi.supervision-responsible_unit').__table__()
        co_unit = self.pool.get('sushi.supervision-co_unit').__table__()
        amount = Case((case.level == 'L1', Literal(D(1))),
            (case.level == 'L2', Literal(D(2))), else_=Literal(D(3)))
        counted = (case.level.in_(['L1', 'L2', 'L3'])
            & case.state.in_(COUNTED_STATES)
            & self.in_period(case.registered_at))
        named = Exists(responsible.select(Literal(1),
                where=responsible.supervision == case.id))

        queries = [
            responsible.join(case,
                condition=case.id == responsible.supervision).select(
                responsible.unit.as_('unit'), amount.as_('amount'),
                _origin('sushi.supervision', case.id).as_('origin'),
                case.registered_at.as_('occurred_at'),
                case.number.as_('description'), where=counted),
            case.select(
                case.lead_unit.as_('unit'), amount.as_('amount'),
                _origin('sushi.supervision', case.id).as_('origin'),
                case.registered_at.as_('occurred_at'),
                case.number.as_('description'),
                where=counted & ~named & (case.lead_unit != Null)),
            co_unit.join(case,
                condition=case.id == co_unit.supervision).select(
                co_unit.unit.as_('unit'), amount.as_('amount'),
                _origin('sushi.supervision', case.id).as_('origin'),
                case.registered_at.as_('occurred_at'),
                case.number.as_('description'), where=counted & ~named),
            ]
        for query in queries:
            self.insert_deductions('D3.2', 'supervision', query)
        Action = self._model('sushi.supervision.action')
        if Action is not None and 'non_cooperation' in Action._fields:
            action = Action.__table__()
            self.insert_deductions('D3.1', 'supervision', action.select(
                    action.unit.as_('unit'), Literal(D('0.5')).as_('amount'),
                    _origin('sushi.supervision.action', action.id
                        ).as_('origin'),
                    action.at.as_('occurred_at'),
                    Literal('').as_('description'),
                    where=(action.non_cooperation != Null)
                    & self.in_period(action.at)))

    def escalated_orders(self):
        """D-17: {(unit, ticket)} of the escalated supervision cases
        (L1–L3) the period's D3.2 counts against the unit, with the orders
        they link."""
        Supervision = self._model('sushi.supervision')
        if Supervision is None:
            return set()
        from trytond.modules.sushi_supervision.supervision import (
            COUNTED_STATES)
        pool = self.pool
        case = Supervision.__table__()
        link = pool.get('sushi.supervision-sushi.ticket').__table__()
        responsible = pool.get(
            'sushi.supervision-responsible_unit').__table__()
        co_unit = pool.get('sushi.supervision-co_unit').__table__()
        counted = (case.level.in_(['L1', 'L2', 'L3'])
            & case.state.in_(COUNTED_STATES)
            & self.in_period(case.registered_at))
        named = Exists(responsible.select(Literal(1),
                where=responsible.supervision == case.id))
        pairs = set()
        for query in [
                responsible.join(case,
                    condition=case.id == responsible.supervision).join(link,
                    condition=link.supervision == case.id).select(
                    responsible.unit, link.ticket, where=counted),
                case.join(link, condition=link.supervision == case.id
                    ).select(case.lead_unit, link.ticket,
                    where=counted & ~named),
                co_unit.join(case,
                    condition=case.id == co_unit.supervision).join(link,
                    condition=link.supervision == case.id).select(
                    co_unit.unit, link.ticket, where=counted & ~named),
                ]:
            self.cursor.execute(*query)
            pairs.update(self.cursor)
        return pairs

    def consultation_deductions(self):
        """D4 from the facts sushi_supervision stores when a consultation
        duty is missed (sushi.consultation.fact), −0.5 each, dated at the
        due time, the deduction pointing at the fact: D4.3 letters not sent
        on time (未按期函复, automatic by default) and D4.2 minutes late
        (only with late_minutes_automatic: the seed deducts D4.2 after a
        ruling, so by default it is a proposed event)."""
        Fact = self._model('sushi.consultation.fact')
        if Fact is None:
            return
        fact = Fact.__table__()
        for kind, item, setting in [
                ('late_letter', 'D4.3', 'late_letters_automatic'),
                ('late_minutes', 'D4.2', 'late_minutes_automatic')]:
            if not self.config[setting]:
                continue
            self.insert_deductions(item, 'consultation', fact.select(
                    fact.unit.as_('unit'), Literal(D('0.5')).as_('amount'),
                    _origin('sushi.consultation.fact', fact.id
                        ).as_('origin'),
                    fact.occurred_at.as_('occurred_at'),
                    Literal('').as_('description'),
                    where=(fact.kind == kind)
                    & self.in_period(fact.occurred_at)))

    def opinion_deductions(self):
        """D3.1 (不落实督办意见、拖延): a supervision opinion not answered by
        its deadline, −0.5 against the unit it was sent to, dated at the
        deadline; only with overdue_opinions_automatic (by default a
        proposed event, SCORING: ledger plus judgement)."""
        if not self.config['overdue_opinions_automatic']:
            return
        query = self.overdue_opinions(self.start, self.end)
        if query is not None:
            self.insert_deductions('D3.1', 'opinion', query)

    @classmethod
    def overdue_opinions(cls, start, end, now=None):
        """The opinions whose deadline in [start, end) passed unanswered:
        a select of (unit, amount, origin, occurred_at, description,
        opinion).

        sushi_supervision stores them as `sushi.supervision.fact` (kind
        opinion_overdue, dated at the deadline; issue #9): when that model
        is installed the fact is read and is the origin.  Before it, the
        opinion's deadline and answer are read (answered late, or still
        open after the deadline) and the opinion is the origin."""
        pool = Pool()
        try:
            Fact = pool.get('sushi.supervision.fact')
        except KeyError:
            Fact = None
        if Fact is not None:
            fact = Fact.__table__()
            case = pool.get('sushi.supervision').__table__()
            return fact.join(case,
                condition=case.id == fact.supervision).select(
                fact.unit.as_('unit'), Literal(D('0.5')).as_('amount'),
                _origin('sushi.supervision.fact', fact.id).as_('origin'),
                fact.occurred_at.as_('occurred_at'),
                Coalesce(case.number, '').as_('description'),
                fact.opinion.as_('opinion'),
                where=(fact.kind == 'opinion_overdue')
                & (fact.occurred_at >= start) & (fact.occurred_at < end)
                & (case.state != 'cancelled'))
        try:
            Opinion = pool.get('sushi.supervision.opinion')
        except KeyError:
            return None
        from trytond.modules.sushi_ticket import clock
        opinion = Opinion.__table__()
        case = pool.get('sushi.supervision').__table__()
        now = now or clock.now()
        return opinion.join(case,
            condition=case.id == opinion.supervision).select(
            opinion.unit.as_('unit'), Literal(D('0.5')).as_('amount'),
            _origin('sushi.supervision.opinion', opinion.id).as_('origin'),
            opinion.deadline.as_('occurred_at'),
            Coalesce(case.number, '').as_('description'),
            opinion.id.as_('opinion'),
            where=(opinion.deadline >= start) & (opinion.deadline < end)
            & (case.state != 'cancelled')
            & ((opinion.answered_late == Literal(True))
                | ((opinion.state == 'open') & (opinion.deadline < now))))

    # --- events ---------------------------------------------------------

    def automatic_origins(self):
        "(item, origin) of the automatic deductions of facts of the period."
        score, deduction = self.score, self.target
        self.cursor.execute(*deduction.join(score,
                condition=score.id == deduction.score).select(
                score.item, deduction.origin,
                where=(score.period == self.period.id)
                & deduction.kind.in_(['consultation', 'opinion']
                    + REPLY_FACT_KINDS)))
        return set(self.cursor)

    def event_deductions(self):
        Event = self.pool.get('sushi.assessment.event')
        events = Event.search([
                ('state', '=', 'approved'),
                ('date', '>=', self.period.start_date),
                ('date', '<=', self.period.end_date),
                ('unit', 'in', list(self.units)),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        self.review_counts = defaultdict(int)
        escalated = {(e.unit.id, e.ticket.id) for e in events
            if e.item == 'D3.2' and e.ticket}
        if self.config['no_double_count_penalty_vs_escalation']:
            # D-17: the escalated cases of sushi_supervision cost D3.2 as
            # well (supervision_deductions), on the orders they link
            escalated |= self.escalated_orders()
        automatic = self.automatic_origins()
        # the orders whose missing review the records deduct one by one
        flagged_orders = {(unit, ticket)
            for unit, orders in self.flagged_orders().items()
            for _, ticket, supervised, provincial, _ in orders
            if self.charged_per_order(supervised, provincial)}
        rows = []
        for event in events:
            if event.link and (event.score_item, str(event.link)) in automatic:
                # the fact is already deducted automatically
                continue
            unit = event.unit.id
            item = event.score_item
            sid = self.ids[unit, item]
            amount = event.amount
            if event.item == 'D1.4' and event.quantity is not None:
                # the review figures of the period (F3)
                self.review_counts[unit] += event.quantity
                continue
            if (event.item == 'D1.4' and event.ticket
                    and (unit, event.ticket.id) in flagged_orders):
                # the records decide on this 督办件 (deducted there when
                # not reviewed)
                continue
            if event.item == 'K2':
                amount = I.k2_deduction(event.quantity,
                    self.config['k2_zero_days'],
                    self.config['k2_inclusive'])
            if (item.startswith('P')
                    and self.config['no_double_count_penalty_vs_escalation']
                    and event.ticket
                    and (unit, event.ticket.id) in escalated):
                # D-17: the escalation already cost the points
                continue
            if event.zeroing:
                self.zeroed.add(sid)
            if ITEM[item].component == 'bonus':
                amount = -amount
            rows.append((sid, 'event', amount, str(event),
                    self.utc(event.date),
                    event.description.splitlines()[0]
                    if event.description else ''))
        self.insert_rows(rows)

    # --- formula items --------------------------------------------------

    def designations(self):
        "D1.1: −1 per missing designation of the unit profile (ORG-14)."
        pool = self.pool
        leader = pool.get('sushi.unit.leader').__table__()
        member = pool.get('sushi.unit-res.user').__table__()
        self.cursor.execute(*leader.select(leader.unit,
                where=leader.role == 'deputy_in_charge',
                group_by=[leader.unit]))
        deputies = {u for u, in self.cursor}
        self.cursor.execute(*member.select(member.unit,
                group_by=[member.unit]))
        staffed = {u for u, in self.cursor}
        at = self.end - dt.timedelta(seconds=1)
        rows = []
        for uid, unit in self.units.items():
            sid = self.ids[uid, 'D1.1']
            for missing, message in [
                    (uid not in deputies, 'msg_missing_deputy'),
                    (not (unit['section'] or '').strip(),
                        'msg_missing_section'),
                    (uid not in staffed, 'msg_missing_staff')]:
                if missing:
                    rows.append((sid, 'designation', 1, f'sushi.unit,{uid}',
                            at, gettext('sushi_assessment.' + message)))
        self.insert_rows(rows)

    # --- the per-order counters: one GROUP BY per month -----------------

    def month_figures(self, first, completed_only=False):
        """The per-order figures of the calendar month starting on the date
        first, by unit, in one GROUP BY over the orders dispatched,
        completed or due in it (each range read by its index, ticket.py):
        D1.4 (F3: dispatched, reviewed before the period's end), D2.3 (F2:
        Σ handling days and n by request type × limit), D2.5 (F1: N, D2)
        and ASM-02 (due, fed back and completed on time).  Every period
        kind sums its months (figures): one set of conditions for all.
        completed_only reads only the orders completed in the month (an
        earlier month of a quarter to date: D2.5 alone)."""
        cache = self.__dict__.setdefault('_figures', {})
        if first in cache and (completed_only or not cache[first][0]):
            return cache[first][1]
        pool = self.pool
        a = pool.get('sushi.ticket.assignment').__table__()
        t = pool.get('sushi.ticket').__table__()
        review = pool.get('sushi.assessment.review').__table__()
        false, true = Literal(False), Literal(True)
        start = self.utc(first)
        end = self.utc(bounds('month', first)[1] + dt.timedelta(days=1))
        not_info = Coalesce(a.for_information, false) == false
        dispatched = (a.dispatched_at >= start) & (a.dispatched_at < end) \
            & not_info
        completed = (a.completed_at >= start) & (a.completed_at < end)
        due = (a.due_at >= start) & (a.due_at < end) & not_info
        # F2 exclusions: statutory, sudden, information-only, praise
        speed = completed & (a.handling_days != Null) \
            & (a.limit_days != Null) & not_info \
            & (Coalesce(a.statutory, false) == false) \
            & (t.urgency != 'sudden') & (t.request_type != 'praise')
        # F1 exclusions
        # F1 "办理工单数": each order once, by the lead part of its current
        # round (a rework round, CBK-03 / LIM-06, is the same order: its
        # earlier round's completion is not counted again, nor the second
        # evaluation twice); a tier-3 part (ORG-13) is its tier-2 unit's
        satisfied = completed & (a.role == 'lead') & not_info \
            & (a.parent == Null) \
            & (Coalesce(a.round, 1) == Coalesce(t.round, 1)) \
            & satisfaction_counted(t)
        dissatisfied = t.second_evaluation == 'dissatisfied'
        # CBK-07: the setting is the assessment's and, as well, the one
        # the ticket module offers for the same rule (either leaves the
        # objective-cause dissatisfaction out)
        ticket_config = pool.get('sushi.configuration').get_values()
        if (not self.config['count_objective_dissatisfaction']
                or ticket_config.get('exclude_objective_dissatisfaction')):
            dissatisfied &= Coalesce(t.objective_cause, false) == false
        # ASM-02: fed back on time = the statutory order's progress report
        # in time, or else a reply by the due time (the first reply ≤ due
        # ⟺ some reply ≤ due): the first reply's time is recorded on the
        # order when the reply is submitted (ticket.py), so it is counted
        # here, with the other counters, in the one GROUP BY
        progress = (Coalesce(a.statutory, false) == true) \
            & (a.progress_reported_at != Null) \
            & (a.progress_due_at != Null) \
            & (a.progress_reported_at <= a.progress_due_at)
        replied = (a.first_reply_at != Null) & (a.first_reply_at <= a.due_at)
        done = (a.completed_at != Null) & (a.completed_at <= a.due_at)

        def n(condition):
            return Sum(Case((condition, 1), else_=0))
        where = completed
        if not completed_only:
            where |= ((a.dispatched_at >= start) & (a.dispatched_at < end)) \
                | ((a.due_at >= start) & (a.due_at < end))
        self.cursor.execute(*a.join(t, condition=t.id == a.ticket).join(
                review, 'LEFT', condition=(review.assignment == a.id)
                & (review.reviewed_at < self.end)).select(
                a.unit, t.request_type, a.limit_days,
                n(dispatched), n(dispatched & (review.id != Null)),
                Sum(Case((speed, a.handling_days), else_=0)), n(speed),
                n(satisfied), n(satisfied & dissatisfied),
                n(due), n(due & (progress | replied)), n(due & done),
                where=where, group_by=[a.unit, t.request_type, a.limit_days]))
        figures = defaultdict(self._counters)
        for (unit, rtype, limit, n_dispatched, n_reviewed, days, n_speed,
                n_sat, n_d2, n_due, n_fed, n_done) in self.cursor:
            unit = figures[unit]
            unit['dispatched'] += int(n_dispatched or 0)
            unit['reviewed'] += int(n_reviewed or 0)
            if n_speed:
                unit['speed'][rtype, limit] = (int(days), int(n_speed))
            unit['completed'] += int(n_sat or 0)
            unit['dissatisfied'] += int(n_d2 or 0)
            unit['due'] += int(n_due or 0)
            unit['fed'] += int(n_fed or 0)
            unit['done'] += int(n_done or 0)
        cache[first] = (completed_only, figures)
        return figures

    @staticmethod
    def _counters():
        return {'dispatched': 0, 'reviewed': 0, 'speed': {},
            'completed': 0, 'dissatisfied': 0, 'due': 0, 'fed': 0, 'done': 0}

    def figures(self, first, last, completed_only=False):
        "The month_figures of the months from first to last, summed by unit."
        spans = list(months(first, last))
        if len(spans) == 1:
            return self.month_figures(first, completed_only)
        total = defaultdict(self._counters)
        for month, _ in spans:
            for unit, counters in self.month_figures(
                    month, completed_only).items():
                for key, value in counters.items():
                    if key == 'speed':
                        for pair, (days, n) in value.items():
                            before = total[unit]['speed'].get(pair, (0, 0))
                            total[unit]['speed'][pair] = (
                                before[0] + days, before[1] + n)
                    else:
                        total[unit][key] += value
        return total

    def flagged_orders(self):
        """{unit: [(assignment, ticket, supervised, provincial, reviewed)]}
        of the 督办件 and 省级件 dispatched in the period, from the review
        records ({} when reviews are not recorded in the system)."""
        if getattr(self, '_flagged', None) is None:
            self._flagged = {}
            if self.config['review_recorded']:
                Review = self.pool.get('sushi.assessment.review')
                self._flagged = Review.flagged_orders(
                    self.start, self.end, self.end)
        return self._flagged

    def charged_per_order(self, supervised, provincial):
        """D1.4: whether an unreviewed order costs 1 point by itself: the
        督办件 always (督办件阅批每少1件扣1分); the 省级件 only with the
        SCORING F3 reading (`review_provincial` = per_order), by default
        (the seed) they count in their own 100 % rate."""
        return supervised or (provincial
            and self.config['review_provincial'] == 'per_order')

    def leader_review(self):
        """D1.4 (F3): n = orders dispatched to the unit in the period
        (information-only excluded; none → 合理缺项), r = those reviewed
        by a leader of the unit (sushi.assessment.review, recorded before
        the period's end) plus the reviews outside the system an officer
        entered (approved D1.4 events with a quantity); d1 = 1 per full 5
        points of rate below the threshold (30 counties, 50 departments,
        parks 30 by D-13); d2 = 1 per supervised order (督办件) not
        reviewed, pointing at the order; the provincial orders (省级件,
        not supervised) must reach 100 %: 1 per full 5 points below (the
        seed, 附件5 四(一)1(4)), or, with `review_provincial` = per_order
        (SCORING F3), 1 per provincial order not reviewed."""
        at = self.end - dt.timedelta(seconds=1)
        recorded = self.config['review_recorded']
        step = self.config['review_step']
        rounding = self.config['review_rounding']
        provincial_rate = self.config['review_provincial'] == 'rate'
        figures = {u: (f['dispatched'], f['reviewed'] if recorded else 0)
            for u, f in self.figures(self.period.start_date,
                self.period.end_date).items()}
        # F3 counts orders, the counters dispatches: an order dispatched
        # to the unit again in the period is one order (reviewed when any
        # of its dispatches was)
        for uid, (dn, dr) in self.review_repeats().items():
            n, r = figures.get(uid, (0, 0))
            figures[uid] = (n - dn, r - dr if recorded else 0)
        thresholds = {'county': 'review_threshold_county',
            'park': 'review_threshold_park'}
        rows = []
        flagged = self.flagged_orders()
        for uid, unit in self.units.items():
            sid = self.ids[uid, 'D1.4']
            n, r = figures.get(uid, (0, 0))
            if not n:
                self.not_applicable.add(sid)
                continue
            if not recorded and uid not in self.review_counts:
                continue  # no figures entered: nothing to deduct
            r = min(n, r + self.review_counts.get(uid, 0))
            threshold = self.config[thresholds.get(
                    unit['group'], 'review_threshold_department')]
            d1 = I.review_deduction(n, r, 0, threshold, step, rounding)
            if d1:
                rows.append((sid, 'formula', d1, str(self.period), at,
                        gettext('sushi_assessment.msg_review_rate',
                            rate=quantize(Fraction(r, n) * 100),
                            threshold=threshold)))
            # one entry per order: its last dispatch to the unit in the
            # period, reviewed when any of them was
            by_ticket = {}
            for aid, ticket, supervised, provincial, reviewed in flagged.get(
                    uid, []):
                before = by_ticket.get(ticket)
                by_ticket[ticket] = (aid, ticket, supervised, provincial,
                    reviewed or bool(before and before[4]))
            orders = list(by_ticket.values())
            for aid, _, supervised, provincial, reviewed in orders:
                if (not reviewed
                        and self.charged_per_order(supervised, provincial)):
                    rows.append((sid, 'not_reviewed', 1,
                            f'sushi.ticket.assignment,{aid}', at,
                            gettext('sushi_assessment.msg_not_reviewed')))
            provincial = [reviewed for _, _, supervised, is_provincial,
                reviewed in orders if is_provincial and not supervised]
            if provincial_rate and provincial:
                # 省级件阅批率达到100%…阅批率每少5%扣1分
                n_p, r_p = len(provincial), sum(provincial)
                d3 = I.review_deduction(n_p, r_p, 0, 100, step, rounding)
                if d3:
                    rows.append((sid, 'provincial_rate', d3,
                            str(self.period), at, gettext(
                                'sushi_assessment.msg_provincial_rate',
                                rate=quantize(Fraction(r_p, n_p) * 100),
                                missing=n_p - r_p)))
        self.insert_rows(rows)

    def review_repeats(self):
        """D1.4: {unit: (dispatches, reviews)} to take off the per-dispatch
        counters so that they count orders: the orders dispatched to the
        same unit more than once in the period — again after the unit's
        approved return (RET-06, the earlier part's `redispatched_as`) or
        in a later round (rework, CBK-03) — are few, found through two
        partial indexes (ticket.py); of k dispatches of one order (r of
        them reviewed) k − 1 and r − min(r, 1) are taken off."""
        pool = self.pool
        Assignment = pool.get('sushi.ticket.assignment')
        a = Assignment.__table__()
        b = Assignment.__table__()
        review = pool.get('sushi.assessment.review').__table__()
        false = Literal(False)
        in_range = self.in_period(a.dispatched_at) & (
            Coalesce(a.for_information, false) == false)
        tickets = set()
        self.cursor.execute(*a.select(a.ticket,
                where=in_range & (a.round > 1)))
        tickets.update(t for t, in self.cursor)
        self.cursor.execute(*b.join(a,
                condition=a.id == b.redispatched_as).select(a.ticket,
                where=in_range & (b.redispatched_as != Null)))
        tickets.update(t for t, in self.cursor)
        counts = defaultdict(lambda: [0, 0])
        for sub in grouped_slice(sorted(tickets), 500):
            self.cursor.execute(*a.join(review, 'LEFT',
                    condition=(review.assignment == a.id)
                    & (review.reviewed_at < self.end)).select(
                    a.unit, a.ticket, review.id,
                    where=in_range & a.ticket.in_(list(sub))))
            for unit, ticket, reviewed in self.cursor:
                counts[unit, ticket][0] += 1
                counts[unit, ticket][1] += reviewed is not None
        result = defaultdict(lambda: (0, 0))
        for (unit, _), (k, r) in counts.items():
            if k > 1:
                dn, dr = result[unit]
                result[unit] = (dn + k - 1, dr + r - min(r, 1))
        return result

    def handling_speed(self):
        """D2.3 (F2): per month, 0.5 per full day by which a unit's average
        handling time of a request type exceeds the baseline; the score of
        a longer period is the mean of its applicable months (§4)."""
        mode = self.config['speed_baseline']
        month_scores = defaultdict(list)
        interview = self.interviews()
        rows = []
        for first, last in months(self.period.start_date,
                self.period.end_date):
            end = self.utc(last + dt.timedelta(days=1))
            rows_ = [(u, rtype, limit, days, count)
                for u, f in self.month_figures(first).items()
                for (rtype, limit), (days, count) in f['speed'].items()]
            figures = defaultdict(dict)
            pooled = defaultdict(lambda: [0, 0])
            for unit, rtype, limit, days, count in rows_:
                if unit not in self.units:
                    continue
                key = (rtype, limit)
                figures[unit][key] = (int(days), count)
                group = self.units[unit]['group'] if mode == 'category' \
                    else None
                pooled[group, key][0] += int(days)
                pooled[group, key][1] += count
            label = f'{first.year}-{first.month:02d}'
            for uid, unit in self.units.items():
                ded_interview = interview.get((uid, first), D(0))
                if uid not in figures and not ded_interview:
                    continue
                pairs = []
                for key, (days, count) in figures.get(uid, {}).items():
                    limit = Fraction(key[1])
                    if mode == 'limit':
                        base = limit
                    else:
                        group = unit['group'] if mode == 'category' else None
                        total, n = pooled[group, key]
                        base = max(Fraction(total, n), limit)
                    pairs.append((Fraction(days, count), base))
                ded = I.speed_deduction(pairs, self.config['speed_rounding'])
                score = max(D(0), ITEM['D2.3'].max - ded - ded_interview)
                month_scores[uid].append(score)
                if ded:
                    rows.append((self.ids[uid, 'D2.3'], 'formula', ded,
                            str(self.period), end - dt.timedelta(seconds=1),
                            gettext('sushi_assessment.msg_speed_month',
                                month=label)))
        self.insert_rows(rows)
        for uid in self.units:
            sid = self.ids[uid, 'D2.3']
            scores = month_scores.get(uid)
            if not scores:
                self.not_applicable.add(sid)
            else:
                self.formula_points[sid] = quantize(
                    Fraction(sum(scores)) / len(scores))
                self.formula_periods[sid] = len(scores)

    def interviews(self):
        "The approved interview deductions (D2.3 b) by (unit, month)."
        Event = self.pool.get('sushi.assessment.event')
        result = defaultdict(D)
        for event in Event.search([
                    ('state', '=', 'approved'), ('item', '=', 'D2.3'),
                    ('date', '>=', self.period.start_date),
                    ('date', '<=', self.period.end_date)]):
            result[event.unit.id, bounds('month', event.date)[0]] += (
                event.amount)
        return result

    def satisfaction_counts(self, first, last):
        "F1: (N, D2) by unit of the lead orders completed from first to last."
        return {u: (f['completed'], f['dissatisfied'])
            for u, f in self.figures(first, last, completed_only=True).items()
            if f['completed'] and u in self.units}

    def satisfaction(self):
        """D2.5 (F1): per calendar quarter (quarter to date for a month),
        0.5 per full point below the category average; the score of a
        year is the mean of its applicable quarters (§4)."""
        if self.period.kind == 'month':
            ranges = [(bounds('quarter', self.period.start_date)[0],
                    self.period.end_date)]
        else:
            ranges, date = [], self.period.start_date
            while date <= self.period.end_date:
                first, last = bounds('quarter', date)
                ranges.append((first, last))
                date = last + dt.timedelta(days=1)
        quarter_scores = defaultdict(list)
        rows = []
        for first, last in ranges:
            end = self.utc(last + dt.timedelta(days=1))
            counts = self.satisfaction_counts(first, last)
            by_group = defaultdict(list)
            for uid, figures in counts.items():
                by_group[self.units[uid]['group']].append(figures)
            averages = {g: I.category_average(
                    c, self.config['satisfaction_average'])
                for g, c in by_group.items()}
            label = f'{first.year}Q{(first.month - 1) // 3 + 1}'
            for uid, (n, d2) in counts.items():
                if not n:
                    continue
                rate = I.satisfaction_rate(n, d2)
                average = averages[self.units[uid]['group']]
                score, ded = I.satisfaction_score(rate, average,
                    self.config['satisfaction_rounding'])
                quarter_scores[uid].append(score)
                if ded:
                    rows.append((self.ids[uid, 'D2.5'], 'formula', ded,
                            str(self.period), end - dt.timedelta(seconds=1),
                            gettext('sushi_assessment.msg_satisfaction',
                                quarter=label, rate=quantize(rate),
                                average=quantize(average))))
        self.insert_rows(rows)
        for uid in self.units:
            sid = self.ids[uid, 'D2.5']
            scores = quarter_scores.get(uid)
            if not scores:
                self.not_applicable.add(sid)
            else:
                self.formula_points[sid] = quantize(
                    Fraction(sum(scores)) / len(scores))
                self.formula_periods[sid] = len(scores)

    def knowledge(self):
        """D5.1 (F5): 1 point per working day late, booked in the period in
        which the lateness accrues; D5.2: 0.5 per missing category of
        published entries at the period end (at most 2, D-16)."""
        pool = self.pool
        Duty = pool.get('sushi.knowledge.duty')
        duty = Duty.__table__()
        start, end = self.start, self.end
        self.cursor.execute(*duty.select(
                Coalesce(duty.assessed_unit, duty.unit), duty.origin,
                duty.subject, duty.due_at, duty.submitted_at,
                where=(duty.due_at < end)
                & ((duty.submitted_at == Null)
                    | ((duty.submitted_at > duty.due_at)
                        & (duty.submitted_at >= start)))))
        # with aggregation_mode = monthly_mean the lateness is booked in
        # each month in which it accrues (a duty late from April to June
        # costs each month its own days, §4), else once in the period
        spans = [(start, end)]
        if self.config['aggregation_mode'] == 'monthly_mean':
            spans = [(self.utc(first), self.utc(last + dt.timedelta(days=1)))
                for first, last in months(self.period.start_date,
                    self.period.end_date)]
        rows = []
        for uid, origin, subject, due, submitted in self.cursor.fetchall():
            if uid not in self.units:
                continue
            for span_start, span_end in spans:
                if due >= span_end:
                    continue
                done = min(submitted or span_end, span_end
                    - dt.timedelta(seconds=1))
                if done < span_start:
                    continue
                days = late_days(due, done)
                if due < span_start:
                    days -= late_days(due, span_start)
                if days > 0:
                    rows.append((self.ids[uid, 'D5.1'], 'knowledge_late',
                            days, origin, max(due, span_start), subject))
        # D5.2: the categories covered at the period's end; with
        # aggregation_mode = monthly_mean, at the end of each month (a
        # state, not an event: each month scores its own coverage, §4)
        Entry = pool.get('sushi.knowledge.entry')
        from trytond.modules.sushi_knowledge.entry import KINDS
        entry = Entry.__table__()
        labels = dict(KINDS)
        Entry_kind = Entry.fields_get(['kind'])['kind']['selection']
        labels.update(dict(Entry_kind))
        ends = [end]
        if self.config['aggregation_mode'] == 'monthly_mean':
            ends = [self.utc(last + dt.timedelta(days=1))
                for _, last in months(self.period.start_date,
                    self.period.end_date)]
        for month_end in ends:
            self.cursor.execute(*entry.select(
                    Coalesce(entry.assessed_unit, entry.owner_unit),
                    entry.kind,
                    where=(entry.published_at < month_end)
                    & ((entry.retired_at == Null)
                        | (entry.retired_at >= month_end)),
                    group_by=[Coalesce(entry.assessed_unit,
                            entry.owner_unit), entry.kind]))
            covered = defaultdict(set)
            for uid, kind in self.cursor:
                covered[uid].add(kind)
            at = month_end - dt.timedelta(seconds=1)
            for uid in self.units:
                for kind, _ in KINDS:
                    if kind not in covered[uid]:
                        rows.append((self.ids[uid, 'D5.2'],
                                'knowledge_category', D('0.5'),
                                f'sushi.unit,{uid}', at, labels[kind]))
        self.insert_rows(rows)

    # --- points -----------------------------------------------------------

    def deducted(self, unit_ids=None):
        "Σ amounts of the live deductions by score (and by month)."
        score, deduction = self.score, self.deduction
        where = (score.period == self.period.id) & (
            deduction.cancelled == Literal(False))
        if unit_ids is not None:
            where &= score.unit.in_(list(unit_ids))
        bounds_ = [self.utc(last + dt.timedelta(days=1))
            for _, last in months(self.period.start_date,
                self.period.end_date)]
        bucket = Case(*[(deduction.occurred_at < b, i)
                for i, b in enumerate(bounds_[:-1])],
            else_=len(bounds_) - 1) if len(bounds_) > 1 else Literal(0)
        # the bucket is computed below the GROUP BY: PostgreSQL does not
        # match an expression with parameters in both clauses
        rows = deduction.join(score,
            condition=score.id == deduction.score).select(
            deduction.score.as_('score'), bucket.as_('bucket'),
            deduction.amount.as_('amount'), where=where)
        self.cursor.execute(*rows.select(
                rows.score, rows.bucket, rows.amount, Count(Literal(1)),
                group_by=[rows.score, rows.bucket, rows.amount]))
        total = defaultdict(D)
        monthly = defaultdict(lambda: defaultdict(D))
        for sid, month, amount, count in self.cursor:
            amount = D(str(amount)) * count
            total[sid] += amount
            monthly[sid][month] += amount
        return total, monthly, len(bounds_)

    def item_points(self, code, maximum, total, monthly, n_months, zeroed):
        "The points of one score row (F4, §2.3, §4)."
        component = ITEM[code].component
        if component == 'bonus':
            return min(maximum, -total)
        if component == 'penalty':
            return -total
        if zeroed:
            return D(0)
        # D-16: missing categories cost at most 2 (per month when monthly)
        cap = (D(2) if code == 'D5.2'
            and not self.config['knowledge_extra_deduction'] else None)
        if cap is not None:
            total = min(total, cap)
        if (code in EVENT_ITEMS and n_months > 1
                and self.config['aggregation_mode'] == 'monthly_mean'):
            amounts = [monthly.get(m, D(0)) for m in range(n_months)]
            if cap is not None:
                amounts = [min(a, cap) for a in amounts]
            scores = [max(D(0), maximum - a) for a in amounts]
            return quantize(Fraction(sum(scores)) / n_months)
        return max(D(0), maximum - total)

    def score_points(self):
        total, monthly, n_months = self.deducted()
        updates = defaultdict(list)
        for (uid, code), sid in self.ids.items():
            item = ITEM[code]
            applicable = self.applicable_at_start[uid, code]
            if sid in self.not_applicable:
                applicable = False
            if sid in self.formula_points:
                points = self.formula_points[sid]
            elif code in FORMULA_ITEMS:
                points = item.max
            else:
                points = self.item_points(code, item.max, total[sid],
                    monthly[sid], n_months, sid in self.zeroed)
            updates[(points, total[sid], sid in self.zeroed, applicable)
                ].append(sid)
        self.write_scores(updates)
        # the number of months / quarters a formula item averages, for a
        # re-score after an objection (rescore)
        score = self.score
        self.cursor.execute(*score.update([score.formula_periods], [Null],
                where=(score.period == self.period.id)
                & score.item.in_(sorted(FORMULA_ITEMS))))
        periods = defaultdict(list)
        for sid, n in self.formula_periods.items():
            periods[n].append(sid)
        for n, ids in periods.items():
            for sub in grouped_slice(ids, 1000):
                self.cursor.execute(*score.update([score.formula_periods],
                        [n], where=score.id.in_(list(sub))))

    def write_scores(self, updates):
        score = self.score
        for (points, deducted, zeroed, applicable), ids in updates.items():
            columns = [score.points, score.deducted, score.zeroed]
            values = [points, deducted, zeroed]
            if applicable is not None:
                columns.append(score.applicable)
                values.append(applicable)
            for sub in grouped_slice(ids, 1000):
                self.cursor.execute(*score.update(columns, values,
                        where=score.id.in_(list(sub))))

    def rescore(self, score_ids):
        "Points of scores after a deduction was cancelled (objection)."
        Score = self.pool.get('sushi.assessment.score')
        scores = Score.browse(score_ids)
        total, monthly, n_months = self.deducted(
            list({s.unit.id for s in scores}))
        updates = defaultdict(list)
        for s in scores:
            if s.item in FORMULA_ITEMS and s.formula_periods:
                points = self.formula_rescore(s.max_points,
                    monthly[s.id], s.formula_periods)
            elif s.item in FORMULA_ITEMS:
                points = min(s.max_points,
                    s.points + (s.deducted - total[s.id]))
            else:
                points = self.item_points(s.item, s.max_points,
                    total[s.id], monthly[s.id], n_months, s.zeroed)
            updates[(points, total[s.id], s.zeroed, None)].append(s.id)
        self.write_scores(updates)
        self.results()

    @staticmethod
    def formula_rescore(maximum, monthly, n_periods):
        """D2.3, D2.5 after a deduction was cancelled: the mean of the
        item's n_periods month (quarter) scores, each max(0, maximum − its
        live deductions).  Every month (quarter) with a deduction is one
        of them (the compute books each month's, each quarter's, in it);
        the others score the maximum.  Each of D2.3's months and D2.5's
        quarters ends in its own month bucket."""
        scores = [max(D(0), maximum - amount)
            for amount in monthly.values() if amount]
        scores += [maximum] * (n_periods - len(scores))
        return quantize(Fraction(sum(scores)) / n_periods)

    # --- results ------------------------------------------------------

    def results(self):
        "§3: totals with the conversion, ranks within groups, ASM-02."
        score, result = self.score, self.result
        pid = self.period.id
        if not hasattr(self, 'units'):
            self.load_units()
        self.cursor.execute(*result.delete(where=result.period == pid))
        self.cursor.execute(*score.select(score.unit, score.item,
                score.max_points, score.points, score.applicable,
                where=score.period == pid))
        per_unit = defaultdict(list)
        for uid, code, maximum, points, applicable in self.cursor:
            per_unit[uid].append((code, D(str(maximum)), D(str(points)),
                    bool(applicable)))
        deduction = self.deduction
        self.cursor.execute(*deduction.join(score,
                condition=score.id == deduction.score).select(
                score.unit, Count(Literal(1)),
                where=(score.period == pid)
                & (deduction.cancelled == Literal(False))
                & (deduction.amount > 0),
                group_by=[score.unit]))
        counts = dict(self.cursor)
        rates = self.rates()
        digits = self.config['digits']
        scale = Fraction(self.config['handling_max']) / 42
        rows = []
        for uid, scores in per_unit.items():
            daily = key = Fraction(0)
            daily_max = key_max = Fraction(0)
            bonus, penalty = {}, D(0)
            for code, maximum, points, applicable in scores:
                component = ITEM[code].component
                if component == 'bonus':
                    bonus[code] = points
                    continue
                if component == 'penalty':
                    penalty -= points
                    continue
                if not applicable:
                    continue
                factor = scale if code in HANDLING else 1
                if component == 'daily':
                    daily += Fraction(points) * factor
                    daily_max += Fraction(maximum) * factor
                else:
                    key += Fraction(points)
                    key_max += Fraction(maximum)
            additional = I.additional(bonus, penalty)
            applicable_max = daily_max + key_max
            total = I.total(quantize(daily + key, 6),
                quantize(applicable_max, 6), additional, digits)
            unit_rates = rates.get(uid, {})
            rows.append({
                    'unit': uid, 'group': self.units[uid]['group'],
                    'daily': quantize(daily, digits),
                    'key': quantize(key, digits),
                    'additional': additional,
                    'applicable_max': quantize(applicable_max, digits),
                    'total': total,
                    'deduction_count': counts.get(uid, 0),
                    **unit_rates,
                    })
        # rank within the group: equal totals share the rank
        by_group = defaultdict(list)
        for row in rows:
            by_group[row['group']].append(row)
        for group_rows in by_group.values():
            group_rows.sort(key=lambda r: -r['total'])
            for i, row in enumerate(group_rows):
                if i and row['total'] == group_rows[i - 1]['total']:
                    row['rank'] = group_rows[i - 1]['rank']
                else:
                    row['rank'] = i + 1
        names = ['unit', 'group', 'daily', 'key', 'additional',
            'applicable_max', 'total', 'rank', 'deduction_count',
            'on_time_feedback_rate', 'on_time_completion_rate',
            'resolution_rate', 'satisfaction_rate', 'orders_due',
            'orders_completed']
        columns = [result.period] + [getattr(result, n) for n in names] + [
            result.create_uid, result.create_date]
        values = [[pid] + [row.get(n) for n in names]
            + [self.user, CurrentTimestamp()] for row in rows]
        for sub in grouped_slice(values, 500):
            self.cursor.execute(*result.insert(columns, values=list(sub)))

    def rates(self):
        """ASM-02 indicators (percent): on-time feedback and completion of
        the orders due in the period, resolution of the callbacks, and the
        satisfaction rate of F1 over the period."""
        pool = self.pool
        t = pool.get('sushi.ticket').__table__()
        c = pool.get('sushi.ticket.callback').__table__()
        digits = self.config['digits']
        rates = defaultdict(dict)

        def pct(part, whole):
            if not whole:
                return None
            return quantize(Fraction(int(part or 0), whole) * 100, digits)
        counts = [(u, f['due'], f['fed'], f['done'])
            for u, f in self.figures(self.period.start_date,
                self.period.end_date).items() if f['due']]
        for uid, due, fed_n, done_n in counts:
            rates[uid]['orders_due'] = due
            rates[uid]['on_time_feedback_rate'] = pct(fed_n, due)
            rates[uid]['on_time_completion_rate'] = pct(done_n, due)
        self.cursor.execute(*c.join(t, condition=t.id == c.ticket).select(
                t.lead_unit, Count(Literal(1)),
                Sum(Case((c.resolution == 'resolved', 1), else_=0)),
                where=(c.resolution != Null) & self.in_period(c.recorded_at),
                group_by=[t.lead_unit]))
        for uid, n, resolved in self.cursor:
            rates[uid]['resolution_rate'] = pct(resolved, n)
        for uid, (n, d2) in self.satisfaction_counts(
                self.period.start_date, self.period.end_date).items():
            rates[uid]['orders_completed'] = n
            rates[uid]['satisfaction_rate'] = quantize(
                I.satisfaction_rate(n, d2), digits) if n else None
        return rates

del SUB_ITEMS
