# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen pages under /<database>/portal/ (PUB-01, PLT-02): submit a
request with a photo, follow it with its number and a one-time code sent
to the phone on the order, read the masked reply, rate it, and browse the
published cases.  Server-rendered through Genshi templates (escaped), no
login, no script needed."""
import hashlib
import hmac
import os
import secrets
import time
from http import HTTPStatus

from genshi.template import TemplateLoader
from werkzeug.utils import redirect

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from trytond.modules.sushi_ticket.ticket import (
    FINISHED_STATES, PHONE, REQUEST_TYPES, normalize_phone)

from .api_key import RateLimiter
from .exceptions import PortalError
from .open311 import BAD_CHARS, w3c

BASE = '/<database_name>/portal'
CONTEXT = {'language': 'zh_CN'}
TEMPLATES = TemplateLoader(
    os.path.join(os.path.dirname(__file__), 'templates'),
    auto_reload=False, default_encoding='utf-8')
STATIC = os.path.join(os.path.dirname(__file__), 'static')
COOKIE = 'sushi_track'
SESSION_SECONDS = 30 * 60
PAGE_SIZE = 20
# Tries of the tracking form per client address and minute (brute force).
ip_limiter = RateLimiter()
IP_LIMIT = 20
# Requests submitted per client address and minute: each is an order in
# the dispatch queue and an SMS to the phone typed in the form, so an
# unlimited form let anyone flood the queue and a stranger's phone.
SUBMIT_LIMIT = 10
PHOTO_TYPES = {
    b'\xff\xd8\xff': 'image/jpeg',
    b'\x89PNG\r\n\x1a\n': 'image/png',
    }
PUBLIC_TYPES = [t for t in REQUEST_TYPES if t[0] != 'report']


def render(name, status=HTTPStatus.OK, **values):
    values.setdefault('error', None)
    values.setdefault('notice', None)
    body = TEMPLATES.load(name).generate(**values).render(
        'html', doctype='html5', encoding='utf-8')
    return Response(body, status=int(status),
        content_type='text/html; charset=utf-8', headers={
            'Content-Security-Policy': "default-src 'self'; "
            "img-src 'self' data:; style-src 'self'; "
            "frame-ancestors 'none'",
            'X-Content-Type-Options': 'nosniff',
            'Referrer-Policy': 'same-origin',
            'Cache-Control': 'no-store',
            })


def portal(func):
    """Open the pool and a transaction in Chinese; a refusal is rendered
    on the page it came from, with nothing written."""
    @with_pool
    # read-write: the first page makes the session secret
    @with_transaction(readonly=False, context=CONTEXT)
    def wrapper(request, pool, *args, **kwargs):
        try:
            return func(request, pool, *args, **kwargs)
        except backend.DatabaseOperationalError:
            raise
        except PageError as error:
            Transaction().rollback()
            return error.response
        except (UserError, UserWarning) as exception:
            Transaction().rollback()
            return render('message.html', status=HTTPStatus.BAD_REQUEST,
                base=base_url(pool), title='无法办理',
                error=exception.message)
    wrapper.__name__ = func.__name__
    return wrapper


class PageError(Exception):
    def __init__(self, response):
        super().__init__()
        self.response = response


def base_url(pool):
    return '/%s/portal' % pool.database_name


def client_ip(request):
    return request.remote_addr or 'unknown'


def clean(value, limit):
    value = (value or '').strip()
    if BAD_CHARS.search(value):
        value = BAD_CHARS.sub('', value)
    return value[:limit + 1]


# --- tracking session -----------------------------------------------

def sign(pool, payload):
    secret = pool.get('sushi.portal.configuration').get_secret()
    return hmac.new(secret.encode(), payload.encode(),
        hashlib.sha256).hexdigest()


def session_token(pool, ticket_id):
    payload = '%s.%s' % (ticket_id, int(time.time()) + SESSION_SECONDS)
    return payload + '.' + sign(pool, payload)


def session_ticket(pool, request):
    "The ticket id the tracking cookie proves, or None."
    token = request.cookies.get(COOKIE, '')
    try:
        ticket_id, expires, signature = token.split('.')
        ticket_id, expires = int(ticket_id), int(expires)
    except ValueError:
        return None
    if expires < time.time() or not hmac.compare_digest(
            signature, sign(pool, '%s.%s' % (ticket_id, expires))):
        return None
    return ticket_id


def form_token(pool, ticket_id):
    "Binds the rating form to the tracking session (CSRF)."
    return sign(pool, 'rate.%s' % ticket_id)


# --- pages ------------------------------------------------------------

@app.route(BASE + '/', methods={'GET'})
@portal
def index(request, pool):
    Disclosure = pool.get('sushi.portal.disclosure')
    latest = Disclosure.search([('state', '=', 'published')],
        order=[('published_at', 'DESC'), ('id', 'DESC')], limit=5)
    return render('index.html', base=base_url(pool), latest=latest)


@app.route(BASE + '/static/<name>', methods={'GET'})
def static(request, database_name, name):
    if name not in {'portal.css'}:
        return Response('', status=404)
    with open(os.path.join(STATIC, name), 'rb') as file:
        return Response(file.read(), content_type='text/css; charset=utf-8',
            headers={'Cache-Control': 'public, max-age=3600'})


def submit_choices(pool):
    Category = pool.get('sushi.category')
    Unit = pool.get('sushi.unit')
    Ticket = pool.get('sushi.ticket')
    categories = [c for c in Category.search([]) if not c.children]
    regions = Unit.search([('kind', 'in', ['county', 'park'])],
        order=[('code', 'ASC')])
    types = dict(Ticket.fields_get(['request_type'])['request_type'][
            'selection'])
    return {
        'categories': categories,
        'regions': regions,
        'types': [(k, types[k]) for k, _ in PUBLIC_TYPES],
        }


@app.route(BASE + '/submit', methods={'GET', 'POST'})
@portal
def submit(request, pool):
    """Submit a request; the form's nonce is the channel reference, so
    sending the same form twice gives one order."""
    Ticket = pool.get('sushi.ticket')
    Configuration = pool.get('sushi.portal.configuration')
    Attachment = pool.get('ir.attachment')
    config = Configuration(1)
    choices = submit_choices(pool)
    form = request.form if request.method == 'POST' else {}
    values = {k: clean(form.get(k), 4000) for k in [
            'request_type', 'category', 'region', 'title', 'description',
            'address', 'name', 'phone', 'nonce']}
    values['anonymous'] = bool(form.get('anonymous'))

    def page(error=None, status=HTTPStatus.OK):
        return render('submit.html', status=status, base=base_url(pool),
            form=values, error=error,
            max_kb=config.upload_max_kb, **choices)

    if request.method == 'GET':
        values['nonce'] = secrets.token_urlsafe(16)
        values['request_type'] = 'consult'
        return page()
    missing = [label for key, label in [
            ('description', '诉求内容'), ('phone', '联系电话'),
            ('nonce', '表单')] if not values[key]]
    if not values['anonymous'] and not values['name']:
        missing.append('姓名')
    error = None
    if missing:
        error = gettext('sushi_portal.msg_portal_required',
            fields='、'.join(missing))
    elif len(values['description']) > 4000:
        error = gettext('sushi_portal.msg_portal_too_long',
            field='诉求内容', length=4000)
    elif any(len(values[k]) > 200 for k in ['title', 'address', 'name']):
        error = gettext('sushi_portal.msg_portal_too_long',
            field='标题、地址或姓名', length=200)
    elif not PHONE.match(normalize_phone(values['phone'])):
        error = gettext('sushi_portal.msg_portal_phone',
            phone=values['phone'][:30])
    elif values['request_type'] not in dict(choices['types']):
        error = gettext('sushi_portal.msg_portal_choice', field='诉求类型')
    category = next((c for c in choices['categories']
            if str(c.id) == values['category']), None)
    region = next((u for u in choices['regions']
            if str(u.id) == values['region']), None)
    if not error and values['category'] and not category:
        error = gettext('sushi_portal.msg_portal_choice', field='业务类别')
    if not error and values['region'] and not region:
        error = gettext('sushi_portal.msg_portal_choice', field='所在区县')
    photo = request.files.get('photo')
    data = photo.read(config.upload_max_kb * 1024 + 1) if photo else b''
    if not error and data:
        if len(data) > config.upload_max_kb * 1024:
            error = gettext('sushi_portal.msg_portal_photo_size',
                size=config.upload_max_kb)
        elif not photo_type(data):
            error = gettext('sushi_portal.msg_portal_photo_type')
    if error:
        return page(error, HTTPStatus.BAD_REQUEST)
    if not ip_limiter.allow(('submit', client_ip(request)), SUBMIT_LIMIT):
        return page(gettext('sushi_portal.msg_portal_slow_down'),
            HTTPStatus.TOO_MANY_REQUESTS)
    ticket, created = Ticket.submit({
            'channel': config.web_channel.id,
            'channel_ref': 'web-' + values['nonce'][:60],
            'request_type': values['request_type'],
            'category': category.id if category else None,
            'region': region.id if region else None,
            'title': values['title'] or values['description'][:30],
            'description': values['description'],
            'address': values['address'] or None,
            'requester_name': None if values['anonymous']
            else values['name'],
            'anonymous': values['anonymous'],
            'requester_phone': normalize_phone(values['phone']),
            # PUB-02, PUB-05: reports and praise are not published
            'disclosure': values['request_type'] in {
                'consult', 'help', 'suggestion', 'complaint'},
            })
    if created:
        if data:
            mimetype = photo_type(data)
            Attachment.create([{
                        'resource': str(ticket),
                        'name': 'photo.' + mimetype.split('/')[1],
                        'type': 'data',
                        'data': data,
                        }])
        Ticket.register_online([ticket])
    return render('submitted.html', base=base_url(pool), number=ticket.number)


def photo_type(data):
    "The image type by its first bytes, whatever the file name says."
    for magic, mimetype in PHOTO_TYPES.items():
        if data.startswith(magic):
            return mimetype
    if data[:4] == b'RIFF' and data[8:12] == b'WEBP':
        return 'image/webp'
    return None


submit.max_request_size = 12 * 1024 * 1024


@app.route(BASE + '/track', methods={'GET', 'POST'})
@portal
def track(request, pool):
    """Step 1: the number and the phone; a code goes to the phone on the
    order.  The answer is the same whether or not they match."""
    Ticket = pool.get('sushi.ticket')
    Code = pool.get('sushi.portal.code')
    base = base_url(pool)
    if request.method == 'GET':
        return render('track.html', base=base, number='', step='ask')
    number = clean(request.form.get('number'), 40)
    phone = normalize_phone(clean(request.form.get('phone'), 40))
    if not ip_limiter.allow(('send', client_ip(request)), IP_LIMIT):
        return render('track.html', status=HTTPStatus.TOO_MANY_REQUESTS,
            base=base, number=number, step='ask',
            error=gettext('sushi_portal.msg_portal_slow_down'))
    tickets = Ticket.search([
            ('number', '=', number),
            ('requester_phone', '=', phone),
            ], limit=1) if number and phone else []
    if tickets:
        try:
            Code.send(tickets[0])
        except PortalError:
            # PUB-05, PUB-06: the order's codes of the hour are used up;
            # saying so would confirm the phone to whoever guessed it
            pass
    return render('track.html', base=base, number=number, step='code',
        notice=gettext('sushi_portal.msg_portal_code_sent'))


@app.route(BASE + '/track/verify', methods={'POST'})
@portal
def verify(request, pool):
    "Step 2: the code; a valid one opens the order for half an hour."
    Ticket = pool.get('sushi.ticket')
    Code = pool.get('sushi.portal.code')
    base = base_url(pool)
    number = clean(request.form.get('number'), 40)
    code = clean(request.form.get('code'), 12)
    if not ip_limiter.allow(('verify', client_ip(request)), IP_LIMIT):
        return render('track.html', status=HTTPStatus.TOO_MANY_REQUESTS,
            base=base, number=number, step='code',
            error=gettext('sushi_portal.msg_portal_slow_down'))
    tickets = Ticket.search([('number', '=', number)], limit=1) \
        if number else []
    if not tickets or not Code.verify(tickets[0], code):
        return render('track.html', status=HTTPStatus.FORBIDDEN, base=base,
            number=number, step='code',
            error=gettext('sushi_portal.msg_portal_code_wrong'))
    ticket, = tickets
    response = redirect('%s/track/%s' % (base, ticket.number), code=303)
    response.set_cookie(COOKIE, session_token(pool, ticket.id),
        max_age=SESSION_SECONDS, path=base + '/', httponly=True,
        samesite='Strict', secure=request.scheme == 'https')
    return response


def tracked(pool, request, number):
    "The ticket of the tracking session, or the page to verify again."
    Ticket = pool.get('sushi.ticket')
    ticket_id = session_ticket(pool, request)
    tickets = Ticket.search([('number', '=', number)], limit=1)
    if not tickets or tickets[0].id != ticket_id:
        raise PageError(render('track.html', status=HTTPStatus.FORBIDDEN,
                base=base_url(pool), number=number[:40], step='ask',
                error=gettext('sushi_portal.msg_portal_session')))
    return tickets[0]


@app.route(BASE + '/track/<number>', methods={'GET'})
@portal
def status(request, pool, number):
    "The order as its requester sees it: state, unit, due, masked reply."
    ticket = tracked(pool, request, number)
    return status_page(pool, ticket)


def status_page(pool, ticket, notice=None, error=None,
        status=HTTPStatus.OK):
    Disclosure = pool.get('sushi.portal.disclosure')
    Ticket = pool.get('sushi.ticket')
    states = dict(Ticket.fields_get(['state'])['state']['selection'])
    types = dict(Ticket.fields_get(['request_type'])['request_type'][
            'selection'])
    evaluations = dict(Ticket.fields_get(['final_evaluation'])[
            'final_evaluation']['selection'])
    masked = Disclosure.masked_values(ticket)
    return render('status.html', status=status, base=base_url(pool),
        ticket=ticket, state=states.get(ticket.state),
        request_type=types.get(ticket.request_type),
        received=local_text(ticket.received_at),
        due=local_text(ticket.deadline),
        closed=local_text(ticket.closed_at),
        evaluation=evaluations.get(ticket.final_evaluation),
        reply=masked['reply_text'] if ticket.state in (
            ['reviewed', 'verifying'] + FINISHED_STATES) else None,
        can_rate=ticket.state == 'reviewed',
        token=form_token(pool, ticket.id), notice=notice, error=error)


def local_text(value):
    return w3c(value)[:16].replace('T', ' ') if value else None


@app.route(BASE + '/track/<number>/rate', methods={'POST'})
@portal
def rate(request, pool, number):
    "CBK-01: the requester rates the reply on the 宿事速办 pages."
    Callback = pool.get('sushi.ticket.callback')
    ticket = tracked(pool, request, number)
    if not hmac.compare_digest(request.form.get('token', ''),
            form_token(pool, ticket.id)):
        return status_page(pool, ticket, status=HTTPStatus.FORBIDDEN,
            error=gettext('sushi_portal.msg_portal_form_expired'))
    given = request.form.get('given')
    if given not in {'satisfied', 'dissatisfied'}:
        return status_page(pool, ticket, status=HTTPStatus.BAD_REQUEST,
            error=gettext('sushi_portal.msg_portal_choice', field='评价'))
    reason = clean(request.form.get('reason'), 500)[:500]
    try:
        Callback.record_rating(ticket, 'wanshitong_app_rating', given,
            reason=reason or None, reason_clear=len(reason) >= 2)
    except UserError as exception:
        Transaction().rollback()
        return status_page(pool, ticket, status=HTTPStatus.CONFLICT,
            error=exception.message)
    ticket = pool.get('sushi.ticket')(ticket.id)
    return status_page(pool, ticket,
        notice=gettext('sushi_portal.msg_portal_rated'))


@app.route(BASE + '/cases', methods={'GET'})
@portal
def cases(request, pool):
    "PUB-01, PUB-02: the published cases, searchable."
    Disclosure = pool.get('sushi.portal.disclosure')
    query = clean(request.args.get('q'), 50)[:50]
    try:
        page = max(1, min(int(request.args.get('page', 1)), 1000))
    except ValueError:
        page = 1
    domain = [('state', '=', 'published')]
    if query:
        domain.append(['OR',
                ('title', 'ilike', '%' + query + '%'),
                ('request_text', 'ilike', '%' + query + '%'),
                ('reply_text', 'ilike', '%' + query + '%'),
                ('category.name', 'ilike', '%' + query + '%'),
                ])
    count = Disclosure.search(domain, count=True)
    records = Disclosure.search(domain, offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE, order=[('published_at', 'DESC'), ('id', 'DESC')])
    return render('cases.html', base=base_url(pool), query=query,
        cases=records, count=count, page=page,
        pages=max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE),
        day=lambda d: local_text(d)[:10] if d else '')


@app.route(BASE + '/cases/<number>', methods={'GET'})
@portal
def case(request, pool, number):
    Disclosure = pool.get('sushi.portal.disclosure')
    Ticket = pool.get('sushi.ticket')
    records = Disclosure.search([
            ('number', '=', number[:40]), ('state', '=', 'published')],
        limit=1)
    if not records:
        return render('message.html', status=HTTPStatus.NOT_FOUND,
            base=base_url(pool), title='未找到', error='没有这件公开的工单。')
    types = dict(Ticket.fields_get(['request_type'])['request_type'][
            'selection'])
    return render('case.html', base=base_url(pool), case=records[0],
        request_type=types.get(records[0].request_type),
        received=local_text(records[0].received_at),
        closed=local_text(records[0].closed_at))

