# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The managers' dashboard: a page of ECharts charts for the city leader
and the Office, fed by an authenticated JSON route.  The figures are
set-based SQL over indexed columns; only users whose groups see the whole
city get them (units get 403)."""
import datetime as dt
import hashlib
import json
import os
import threading
from collections import Counter, defaultdict
from http import HTTPStatus

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.cache import LRUDict
from trytond.protocols.wrappers import (
    Response, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from trytond.modules.sushi_analysis.ticket import (
    HOT_WORD_MIN_REQUESTERS, public_word, requester_key)
from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import (
    FINISHED_STATES, OPEN_STATES, satisfaction_counted)

from .masking import _posseg, mask
from .routes import STATIC, render

CITY_GROUPS = ['group_sushi_city_leader', 'group_sushi_admin',
    'group_sushi_supervisor', 'group_sushi_reviewer',
    'group_sushi_dispatcher', 'group_sushi_analyst']
# PUB-05, PUB-06: a hot word shows only when at least
# HOT_WORD_MIN_REQUESTERS distinct requesters used it (k-anonymity), and
# never below the analysis's own minimum of requests for a hot word
# (ANA-04, hot_word_min_count): the rule and the requester are the
# analysis index's (sushi_analysis.ticket)
HOT_WORDS = 20


@app.route('/<database_name>/portal/dashboard', methods={'GET'})
@with_pool
@with_transaction(context={'language': 'zh_CN'})
def dashboard(request, pool):
    """The page: it reads the data route with the web client's session
    cookie, or logs in through JSON-RPC.  The web client shows it in one of
    its tabs (sao/custom.js), so it may be framed by its own origin."""
    response = render('dashboard.html',
        base='/%s/portal' % pool.database_name, database=pool.database_name)
    response.headers['Content-Security-Policy'] = (
        response.headers['Content-Security-Policy'].replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"))
    response.headers['X-Frame-Options'] = 'SAMEORIGIN'
    return response


@app.route('/<database_name>/portal/dashboard/<name>', methods={'GET'})
def dashboard_static(request, database_name, name):
    # echarts.min.js: ECharts 5.6.0 from npm (Apache-2.0), vendored
    if name not in {'dashboard.js', 'echarts.min.js'}:
        return Response('', status=404)
    with open(os.path.join(STATIC, name), 'rb') as file:
        return Response(file.read(),
            content_type='text/javascript; charset=utf-8',
            headers={'Cache-Control': 'public, max-age=3600'
                if name == 'echarts.min.js' else 'no-cache'})


@app.route('/<database_name>/portal/dashboard/data', methods={'GET'})
@app.auth_required
@with_pool
@with_transaction(user='request', context={'_check_access': True,
        'language': 'zh_CN'})
def dashboard_data(request, pool):
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    allowed = {ModelData.get_id('sushi_ticket', g) for g in CITY_GROUPS}
    if not (set(User.get_groups()) & allowed):
        return Response(json.dumps({'error': 'forbidden'}),
            status=HTTPStatus.FORBIDDEN, content_type='application/json')
    return Response(json.dumps(figures(pool), ensure_ascii=False),
        content_type='application/json; charset=utf-8',
        headers={'Cache-Control': 'no-store'})


def figures(pool):
    """Today's intake by channel, lights and red cards by unit, overdue,
    satisfaction by unit kind, the unit ranking, hot words and the
    regions."""
    Ticket = pool.get('sushi.ticket')
    Assignment = pool.get('sushi.ticket.assignment')
    Channel = pool.get('sushi.channel')
    Unit = pool.get('sushi.unit')
    Calendar = pool.get('sushi.calendar')
    cursor = Transaction().connection.cursor()
    t = Ticket.__table__()
    a = Assignment.__table__()
    channel = Channel.__table__()
    unit = Unit.__table__()
    now = clock.now()
    local_now = Calendar.to_local(now)
    # midnight in Shanghai as naive UTC
    today = (dt.datetime.combine(local_now.date(), dt.time())
        - dt.timedelta(hours=8))

    cursor.execute(*t.join(channel, condition=t.channel == channel.id
            ).select(channel.name, Count(Literal(1)),
            where=t.received_at >= today, group_by=[channel.name],
            order_by=[Count(Literal(1)).desc]))
    intake = [{'name': n, 'value': c} for n, c in cursor]

    open_ = a.state.in_(Assignment.OPEN_STATES)
    cursor.execute(*a.join(unit, condition=a.unit == unit.id).select(
            unit.name,
            Count(Case((a.light == 'green', 1), else_=Null)),
            Count(Case((a.light == 'yellow', 1), else_=Null)),
            Count(Case((a.light == 'red', 1), else_=Null)),
            Count(Case((a.red_card == Literal(True), 1), else_=Null)),
            Count(Case((a.due_at < now, 1), else_=Null)),
            where=open_, group_by=[unit.name],
            order_by=[Count(Case((a.light == 'red', 1), else_=Null)).desc,
                unit.name], limit=15))
    lights = [{'unit': n, 'green': g, 'yellow': y, 'red': r,
            'red_card': c, 'overdue': o} for n, g, y, r, c, o in cursor]

    cursor.execute(*a.select(Count(Literal(1)),
            Count(Case((a.red_card == Literal(True), 1), else_=Null)),
            where=open_ & (a.due_at < now)))
    overdue, red_cards = cursor.fetchone()
    cursor.execute(*a.select(
            Count(Case((a.red_card == Literal(True), 1), else_=Null)),
            where=open_))
    red_cards_open, = cursor.fetchone()

    since = now - dt.timedelta(days=30)
    rated = t.final_evaluation.in_(
        ['satisfied', 'default_satisfied', 'dissatisfied'])
    good = t.final_evaluation.in_(['satisfied', 'default_satisfied'])
    # CBK-09, SCP-06: orders of 行政调解类, 执法办案类 and outside the
    # guidance are called back but left out of the satisfaction rate, as
    # praise is (SCORING F1)
    counted = satisfaction_counted(t)
    cursor.execute(*t.join(unit, condition=t.lead_unit == unit.id).select(
            unit.kind, Count(Case((good, 1), else_=Null)),
            Count(Case((rated, 1), else_=Null)),
            where=t.state.in_(FINISHED_STATES) & (t.closed_at >= since)
            & counted,
            group_by=[unit.kind]))
    kinds = dict(Unit.fields_get(['kind'])['kind']['selection'])
    satisfaction = [{'group': kinds.get(k, k),
            'rate': round(100 * g / r, 1) if r else None, 'rated': r}
        for k, g, r in cursor]

    on_time = a.completed_at <= a.due_at
    finished = a.completed_at != Null
    cursor.execute(*a.join(unit, condition=a.unit == unit.id).select(
            unit.name, Count(Case((on_time, 1), else_=Null)),
            Count(Case((finished, 1), else_=Null)),
            where=(a.dispatched_at >= since) & finished,
            group_by=[unit.name]))
    ranking = sorted(({'unit': n, 'rate': round(100 * o / c, 1),
                'done': c} for n, o, c in cursor if c),
        key=lambda r: (-r['rate'], -r['done']))[:10]

    cursor.execute(*t.select(t.id, t.title, t.requester_name,
            t.requester_phone, t.requester_party,
            where=t.received_at >= now - dt.timedelta(days=7),
            order_by=[t.received_at.desc], limit=2000))
    stop_words = pool.get('sushi.portal.configuration').dashboard_stop_words()
    minimum = max(HOT_WORD_MIN_REQUESTERS, pool.get(
            'sushi.configuration').get_values()['hot_word_min_count'])
    hot_words = count_hot_words(cursor.fetchall(), stop_words, minimum)

    cursor.execute(*unit.join(t, 'LEFT', condition=(t.region == unit.id)
            & t.state.in_(OPEN_STATES)).select(unit.name, Count(t.id),
            where=unit.kind.in_(['county', 'park']),
            group_by=[unit.name], order_by=[unit.name]))
    regions = [{'name': n, 'value': c} for n, c in cursor]
    return {
        'generated_at': local_now.strftime('%Y-%m-%d %H:%M:%S'),
        'intake_today': intake,
        'intake_total': sum(i['value'] for i in intake),
        'lights': lights,
        'overdue': overdue, 'overdue_red_cards': red_cards,
        'red_cards': red_cards_open,
        'satisfaction': satisfaction,
        'ranking': ranking,
        'hot_words': hot_words,
        'regions': regions,
        }


# The words of a title by the SHA-256 of the title and the requester's
# name, so that a refresh of the dashboard (every minute) cuts only the
# orders received since; the title itself is not kept.
_title_words = LRUDict(8192)
_title_words_lock = threading.Lock()


def title_words(title, name):
    """The words a work order's title gives the hot words (PUB-05,
    PUB-06): cut from the title masked as published texts are (the
    requester's name, other names jieba or the masking finds, phones, ID
    numbers, plates, house numbers), without the person names jieba tags
    (nr, nrfg, nrt), the masks and anything but Chinese words of two
    characters or more."""
    if not title:
        return ()
    key = hashlib.sha256(json.dumps([title, name], ensure_ascii=False
            ).encode('utf-8')).digest()
    with _title_words_lock:
        words = _title_words.get(key)
    if words is None:
        words = tuple(sorted({word for word, flag in _posseg().cut(
                        mask(title, names=[name] if name else []))
                    if public_word(word, flag)}))
        with _title_words_lock:
            _title_words[key] = words
    return words


def count_hot_words(rows, stop_words, minimum, limit=HOT_WORDS):
    """The hot words of rows (id, title, requester's name, phone, party)
    as [{'name', 'value'}], value the number of orders, the most first:
    only words of at least minimum distinct requesters (by phone, else
    party, else name; an order without any is a requester of its own)."""
    orders = Counter()
    requesters = defaultdict(set)
    for id_, title, name, phone, party in rows:
        requester = requester_key(id_, name, phone, party)
        for word in title_words(title, name):
            if word in stop_words:
                continue
            orders[word] += 1
            requesters[word].add(requester)
    shown = [(w, c) for w, c in orders.items()
        if len(requesters[w]) >= minimum]
    shown.sort(key=lambda wc: (-wc[1], wc[0]))
    return [{'name': w, 'value': c} for w, c in shown[:limit]]
