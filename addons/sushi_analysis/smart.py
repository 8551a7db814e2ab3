# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Intelligent intake and dispatch (PLT-01, 智能受理/智能派单).

The counts of the platform's history (`suggest` says how they are
scored) are learned from the closed orders by two INSERT ... SELECT
statements over the analysis index's word rows, nightly by a cron: the
lead unit counted is the order's lead unit when it was closed, the one
that handled it (a unit whose return was approved is no longer its
lead).  The tables hold counts only, no order, requester or text, and
nobody reads them through the ORM; the suggestion reads the counts of the
request's own words.

The call-taker sees the likeliest categories on the ticket form while
typing, and an empty category is filled with the likeliest one when it is
sure enough (a choice is never overwritten); the dispatcher sees the
likeliest lead units in the dispatch wizard, marked 智能推荐 with their
confidence.  The lead unit suggested is kept on the order (smart_unit
beside lead_unit), to measure how often the suggestion
is taken."""
import datetime as dt
import logging
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import FINISHED_STATES, INTAKE_STATES
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import suggest
from .ticket import ticket_text

logger = logging.getLogger(__name__)

# the closed orders learned from: the last two years
HISTORY_DAYS = 730
# an empty category is filled at intake from this probability on
FILL_CATEGORY = 0.6
# suggestions below this probability are not shown
SHOW = 0.01


class SuggestWord(ModelSQL):
    __name__ = 'sushi.analysis.suggest.word'
    __string__ = "Smart Suggestion Word Count"
    word = fields.Char("Word", required=True)
    category = fields.Many2One('sushi.category', "Category", required=True,
        ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", ondelete='CASCADE')
    local = fields.Boolean("Region's Own Unit")
    count = fields.Integer("Orders", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.word, Index.Equality())))

    @classmethod
    def refresh(cls):
        """Learn the counts again from the closed orders of HISTORY_DAYS
        (set-based: one statement a table).  Return the orders read."""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Key = pool.get('sushi.analysis.ticket_key')
        Route = pool.get('sushi.analysis.suggest.route')
        w = cls.__table__()
        r = Route.__table__()
        t = Ticket.__table__()
        k = Key.__table__()
        cursor = Transaction().connection.cursor()
        now = clock.now()
        since = now - dt.timedelta(days=HISTORY_DAYS)
        user, now_ = Literal(Transaction().user), Literal(now)
        closed = (t.state.in_(FINISHED_STATES) & (t.category != Null)
            & (t.received_at >= since))
        own = (t.lead_unit != Null) & (t.lead_unit == t.region)
        local = Case((own, True), else_=False)
        unit = Case((own, Null), else_=t.lead_unit)
        cursor.execute(*w.delete())
        cursor.execute(*r.delete())
        # the unit and local of each order in a subquery: PostgreSQL does
        # not match a CASE of the GROUP BY with the select's (parameters)
        words = k.join(t, condition=k.ticket == t.id).select(
            k.key.as_('word'), t.category.as_('category'),
            unit.as_('unit'), local.as_('local'),
            where=closed & (k.kind == 'word'))
        cursor.execute(*w.insert(
                [w.word, w.category, w.unit, w.local, w.count,
                    w.create_uid, w.create_date],
                words.select(words.word, words.category, words.unit,
                    words.local, Count(Literal(1)), user, now_,
                    group_by=[words.word, words.category, words.unit,
                        words.local])))
        orders = t.select(t.category.as_('category'),
            t.region.as_('region'), unit.as_('unit'), local.as_('local'),
            where=closed)
        cursor.execute(*r.insert(
                [r.category, r.region, r.unit, r.local, r.orders,
                    r.create_uid, r.create_date],
                orders.select(orders.category, orders.region, orders.unit,
                    orders.local, Count(Literal(1)), user, now_,
                    group_by=[orders.category, orders.region, orders.unit,
                        orders.local])))
        cursor.execute(*r.select(Sum(r.orders)))
        orders, = cursor.fetchone()
        Route._model_cache.clear()
        logger.info('smart suggestion learned from %s closed orders',
            orders or 0)
        return orders or 0

    @classmethod
    def counts(cls, words):
        """Return {word: {(category, unit key): count}} of words (unit key:
        a unit id, suggest.LOCAL or None)."""
        w = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(dict)
        if not words:
            return result
        cursor.execute(*w.select(w.word, w.category, w.unit, w.local,
                w.count, where=w.word.in_(sorted(words))))
        for word, category, unit, local, count in cursor:
            result[word][category, suggest.LOCAL if local else unit] = count
        return result


class SuggestRoute(ModelSQL):
    __name__ = 'sushi.analysis.suggest.route'
    __string__ = "Smart Suggestion Route Count"
    category = fields.Many2One('sushi.category', "Category", required=True,
        ondelete='CASCADE')
    region = fields.Many2One('sushi.unit', "Region", ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", ondelete='CASCADE')
    local = fields.Boolean("Region's Own Unit")
    orders = fields.Integer("Orders", required=True)

    _model_cache = Cache('sushi.analysis.suggest.model', context=False)

    @classmethod
    def model(cls):
        "Return the suggest.Model of the counts learned (cached)."
        cached = cls._model_cache.get(None)
        if cached is not None:
            return suggest.Model(*_model_args(*cached))
        pool = Pool()
        Word = pool.get('sushi.analysis.suggest.word')
        Category = pool.get('sushi.category')
        r = cls.__table__()
        w = Word.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*r.select(r.category, r.region, r.unit, r.local,
                r.orders))
        routes = {(c, g, suggest.LOCAL if local else u): n
            for c, g, u, local, n in cursor}
        cursor.execute(*w.select(w.category, w.unit, w.local, Sum(w.count),
                group_by=[w.category, w.unit, w.local]))
        totals = {(c, suggest.LOCAL if local else u): n
            for c, u, local, n in cursor}
        cursor.execute(*w.select(Count(w.word, distinct=True)))
        vocabulary, = cursor.fetchone()
        suggested = {}
        for category in Category.search([]):
            units = category.nearest_suggested_units()
            if units:
                suggested[category.id] = [u.id for u in units]
        # plain lists: the cache keeps what it can copy
        value = (list(routes.items()), list(totals.items()), vocabulary,
            list(suggested.items()))
        cls._model_cache.set(None, value)
        return suggest.Model(*_model_args(*value))


def unit_lines(units):
    "The lines of the learned lead units shown, with their confidence."
    return [gettext('sushi_analysis.msg_smart_unit',
            unit=u.rec_name, confidence='%.0f' % (p * 100))
        for u, p in units if p >= SHOW]


def _model_args(routes, totals, vocabulary, suggested):
    return dict(routes), dict(totals), vocabulary, dict(suggested)


class Ticket(metaclass=PoolMeta):
    __name__ = 'sushi.ticket'

    smart_hints = fields.Function(fields.Text("Smart Suggestion",
            states={'invisible': ~Eval('state').in_(INTAKE_STATES)},
            help="The likeliest categories and units of the request, "
            "learned from the closed orders; you decide."),
        'on_change_with_smart_hints')
    smart_unit = fields.Many2One('sushi.unit', "Suggested Lead Unit",
        readonly=True,
        help="The lead unit the smart suggestion proposed at dispatch.")

    @classmethod
    def suggest(cls, text, region=None, limit=3):
        """Return the smart suggestion of a request text (PLT-01): a dict
        with 'categories' [(category, probability, deciding words)] and
        'units' [(unit, probability)], the likeliest first; region (a
        unit) narrows the units to the region's own where the category is
        handled locally.  Empty without history."""
        pool = Pool()
        Route = pool.get('sushi.analysis.suggest.route')
        Word = pool.get('sushi.analysis.suggest.word')
        Category = pool.get('sushi.category')
        Unit = pool.get('sushi.unit')
        result = {'categories': [], 'units': []}
        if not (text or '').strip():
            return result
        model = Route.model()
        if not model.total:
            return result
        words = Word.counts(cls.text_words(text))
        region_id = getattr(region, 'id', region)
        categories, units = model.suggest(words, region=region_id,
            limit=limit)
        active = {c.id for c in Category.search(
                [('id', 'in', [c for c, _, _ in categories])])}
        result['categories'] = [(Category(c), p, reasons)
            for c, p, reasons in categories if c in active]
        active = {u.id for u in Unit.search(
                [('id', 'in', [u for u, _ in units])])}
        result['units'] = [(Unit(u), p) for u, p in units if u in active]
        return result

    @fields.depends('title', 'description', 'address', 'region', 'state')
    def on_change_with_smart_hints(self, name=None):
        if self.state not in INTAKE_STATES:
            return None
        result = self.suggest(ticket_text(self), region=self.region)
        if not result['categories']:
            return None
        lines = [gettext('sushi_analysis.msg_smart_category',
                    category=c.rec_name, confidence='%.0f' % (p * 100),
                    words='、'.join(words) or '-')
            for c, p, words in result['categories'] if p >= SHOW]
        lines.extend(unit_lines(result['units']))
        return '\n'.join(lines)

    @fields.depends('title', 'description', 'address', 'region', 'category',
        'state')
    def _smart_fill_category(self):
        """Fill an empty category with the likeliest one when it is sure
        enough; a category chosen is never changed."""
        if self.category or self.state not in INTAKE_STATES:
            return
        categories = self.suggest(ticket_text(self),
            region=self.region)['categories']
        if categories and categories[0][1] >= FILL_CATEGORY:
            self.category = categories[0][0]

    @fields.depends(methods=['_smart_fill_category'])
    def on_change_title(self):
        if hasattr(super(), 'on_change_title'):
            super().on_change_title()
        self._smart_fill_category()

    @fields.depends(methods=['_smart_fill_category'])
    def on_change_description(self):
        if hasattr(super(), 'on_change_description'):
            super().on_change_description()
        self._smart_fill_category()


class DispatchStart(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.dispatch.start'

    smart_hints = fields.Text("Smart Suggestion (智能推荐)", readonly=True,
        states={'invisible': ~Eval('smart_hints')},
        help="The likeliest lead units, learned from the closed orders; "
        "you decide.")
    smart_unit = fields.Many2One('sushi.unit', "Suggested Lead Unit",
        readonly=True)


class Dispatch(metaclass=PoolMeta):
    __name__ = 'sushi.ticket.dispatch'

    def smart_units(self):
        """The learned lead units of the order, [(unit, probability)], the
        likeliest first, without the units whose return was approved
        (RET-06) and of the tiers allowed."""
        ticket = self.record
        tiers = self.allowed_tiers()
        units = Pool().get('sushi.ticket').suggest(ticket_text(ticket),
            region=ticket.region)['units']
        returned = self.returned_units()
        return [(u, p) for u, p in units
            if u.id not in returned and u.tier in tiers]

    def default_start(self, fields):
        values = super().default_start(fields)
        units = self.smart_units()
        if not units:
            return values
        # the list of suggested units stays TRI-05's (the locality first,
        # then the category's units): the learned ones are shown apart,
        # with their confidence, and the dispatcher decides
        values['smart_unit'] = units[0][0].id
        values['smart_hints'] = '\n'.join(unit_lines(units))
        return values

    def transition_dispatch(self):
        # the suggestion made, to measure how often it is taken: made
        # again here, not taken from the client (a form's readonly value)
        units = self.smart_units()
        state = super().transition_dispatch()
        if units:
            Ticket = Pool().get('sushi.ticket')
            t = Ticket.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*t.update([t.smart_unit], [units[0][0].id],
                    where=t.id == self.record.id))
            clock.forget(Ticket.__name__)
        return state
