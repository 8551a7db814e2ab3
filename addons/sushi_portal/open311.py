# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Open311 GeoReport v2 under /<database>/open311/v2/ (INT-01, PLT-03):
the eight online channels post their requests here and read them back.

Every answer is JSON or XML by the path's suffix; every refusal is the
specification's error list, [{"code", "description"}] or
<errors><error>…</error></errors>.  As the specification's "Errors"
section asks, the HTTP status is always 404 for what does not exist, 403
for a wrong or missing api_key and 400 for every other refusal; the code
in the body is more specific where HTTP has a name for it (405 method,
429 rate limit, 500 failure, 503 database busy — these with Retry-After).  GET answers hold no personal data: descriptions are
masked, addresses cut to the road, coordinates rounded to about 100 m."""
import datetime as dt
import hashlib
import json
import logging
import re
import threading
from functools import wraps
from http import HTTPStatus
from urllib.parse import unquote_to_bytes, urlsplit

from lxml import etree
from sql.aggregate import Max
from sql.conditionals import Coalesce
from werkzeug.exceptions import HTTPException

from trytond import backend
from trytond.cache import Cache, LRUDict
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from trytond.modules.sushi_ticket import clock
from trytond.modules.sushi_ticket.ticket import PHONE, normalize_phone

from .api_key import rate_limiter
from .masking import mask, mask_address
from .ticket import OPEN311_CLOSED, OPEN311_HIDDEN

logger = logging.getLogger(__name__)

BASE = '/<database_name>/open311/v2'
SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2'
CONTEXT = {'language': 'zh_CN'}
# Without a charset parameter: RFC 8259 §11 defines none for JSON (it is
# UTF-8), and for text/xml RFC 7303 §3.2 lets the XML declaration, which
# says UTF-8, decide.  Strict Open311 validators compare the type exactly
# (SeeClickFix's open311-validator: "should be mime type text/xml").
FORMATS = {'json': 'application/json', 'xml': 'text/xml'}
ALL_METHODS = {'GET', 'POST', 'PUT', 'DELETE', 'PATCH'}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# Characters XML 1.0 cannot carry; refused in input, dropped in output.
BAD_CHARS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
MAX_DESCRIPTION = 4000
MAX_LENGTH = {'description': MAX_DESCRIPTION, 'address_string': 500, 'media_url': 1024,
    'channel_ref': 100}
DEFAULT_MAX_LENGTH = 200
REQUEST_ID = re.compile(r'^[0-9A-Za-z-]{1,40}$')
TOKEN = re.compile(r'^[0-9A-Za-z_-]{1,64}$')


class Open311Error(Exception):
    "A refusal with its HTTP status and the specification's body."

    def __init__(self, status, description, code=None):
        super().__init__(description)
        self.status = int(status)
        self.code = code or self.status
        self.description = description


# --- encoding ---------------------------------------------------------

def _clean(value):
    if isinstance(value, str):
        return BAD_CHARS.sub('', value)
    return value


def w3c(value):
    "A naive UTC datetime as a W3C datetime at +08:00 (Asia/Shanghai)."
    if not value:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(
        SHANGHAI).isoformat(timespec='seconds')


def _xml_value(element, value):
    if value is None:
        return
    if isinstance(value, bool):
        element.text = 'true' if value else 'false'
    else:
        element.text = _clean(str(value))


# GeoReport v2, "Encoding": "the root element must be preceded with the
# XML declaration including the encoding="UTF-8" attribute" (the examples
# write utf-8, which XML reads alike; the normative sentence is followed).
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_bytes(element):
    return XML_DECLARATION + etree.tostring(element, encoding='utf-8',
        xml_declaration=False)


def to_xml(root, item, rows):
    """The XML of the specification: <root><item><field>…</item></root>;
    lists of dicts nest as <attributes><attribute>, <values><value>,
    <formats><format>."""
    element = etree.Element(root)
    for row in rows:
        _xml_fill(etree.SubElement(element, item), row)
    return xml_bytes(element)


PLURALS = {'attributes': 'attribute', 'values': 'value',
    'endpoints': 'endpoint', 'formats': 'format', 'keywords': None}


def _xml_fill(element, row):
    for key, value in row.items():
        child = etree.SubElement(element, key)
        if isinstance(value, list):
            singular = PLURALS.get(key)
            if singular is None:
                _xml_value(child, ','.join(str(v) for v in value))
                continue
            for entry in value:
                sub = etree.SubElement(child, singular)
                if isinstance(entry, dict):
                    _xml_fill(sub, entry)
                else:
                    _xml_value(sub, entry)
        elif isinstance(value, dict):
            _xml_fill(child, value)
        else:
            _xml_value(child, value)


def respond(fmt, root, item, rows, status=HTTPStatus.OK, single=False):
    if fmt == 'xml':
        if single:
            element = etree.Element(root)
            _xml_fill(element, rows)
            body = xml_bytes(element)
        else:
            body = to_xml(root, item, rows)
    else:
        body = json.dumps(_json_clean(rows), ensure_ascii=False)
    return Response(body, status=int(status), content_type=FORMATS[fmt],
        headers={'Access-Control-Allow-Origin': '*'})


def _json_clean(value):
    if isinstance(value, dict):
        return {k: _json_clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_clean(v) for v in value]
    return _clean(value)


# GeoReport v2, "Errors": 404 for resources that don't exist, 403 for a
# wrong or missing api_key, 400 for any other error (including "General
# Service Error ... eg CRM is down"); the body's code may be more specific.
SPECIFICATION_STATUSES = {HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND}
RETRY_AFTER = {HTTPStatus.TOO_MANY_REQUESTS: '60',
    HTTPStatus.SERVICE_UNAVAILABLE: '5'}


def error_response(fmt, error):
    rows = [{'code': error.code, 'description': error.description}]
    status = (error.status if error.status in SPECIFICATION_STATUSES
        else HTTPStatus.BAD_REQUEST)
    response = respond(fmt if fmt in FORMATS else 'xml', 'errors', 'error',
        rows, status=status)
    if error.status in RETRY_AFTER:
        response.headers['Retry-After'] = RETRY_AFTER[error.status]
    return response


def guess_format(request, fmt=None):
    "The format of the answer: the suffix, else what the client accepts."
    if fmt in FORMATS:
        return fmt
    accept = request.headers.get('Accept', '')
    return 'json' if 'json' in accept else 'xml'


def open311(methods=frozenset({'GET'})):
    """Decorate a route: open the pool and a transaction, check the
    format and the method, and turn every refusal into the
    specification's error body (rolling back what was written)."""
    allowed = ', '.join(sorted(
            set(methods) | ({'HEAD'} if 'GET' in methods else set())))

    def decorator(func):
        @wraps(func)
        def wrapper(request, database_name, *args, fmt=None, **kwargs):
            fmt_ = guess_format(request, fmt)

            @with_pool
            @with_transaction(context=CONTEXT)
            def inner(request, pool):
                try:
                    if fmt not in FORMATS:
                        raise Open311Error(HTTPStatus.NOT_FOUND, gettext(
                                'sushi_portal.msg_open311_format',
                                format=(fmt or '')[:20]))
                    # HEAD is a GET whose body Werkzeug leaves out
                    if (request.method not in methods
                            and not (request.method == 'HEAD'
                                and 'GET' in methods)):
                        raise Open311Error(HTTPStatus.METHOD_NOT_ALLOWED,
                            gettext('sushi_portal.msg_open311_method',
                                method=request.method[:10]))
                    return func(request, pool, *args, fmt=fmt, **kwargs)
                except backend.DatabaseOperationalError:
                    raise  # with_transaction retries
                except Open311Error as error:
                    failure = error
                except HTTPException as exception:
                    failure = Open311Error(
                        exception.code or HTTPStatus.BAD_REQUEST,
                        gettext('sushi_portal.msg_open311_http',
                            code=exception.code))
                except (UserError, UserWarning) as exception:
                    failure = Open311Error(
                        HTTPStatus.BAD_REQUEST, exception.message)
                except Exception:
                    logger.exception("Open311 %s %s", request.method,
                        request.path)
                    failure = Open311Error(
                        HTTPStatus.INTERNAL_SERVER_ERROR,
                        gettext('sushi_portal.msg_open311_internal'))
                Transaction().rollback()
                response = error_response(fmt_, failure)
                if failure.code == HTTPStatus.METHOD_NOT_ALLOWED:
                    # HTTP 400 as the specification asks; Allow as RFC
                    # 9110 has it for a method refused
                    response.headers['Allow'] = allowed
                return response
            try:
                return inner(request, database_name)
            except HTTPException as exception:
                # unknown database
                status = exception.code or HTTPStatus.BAD_REQUEST
                return error_response(fmt_, Open311Error(
                        status, HTTPStatus(status).phrase))
            except backend.DatabaseOperationalError:
                status = HTTPStatus.SERVICE_UNAVAILABLE
                return error_response(fmt_, Open311Error(
                        status, HTTPStatus(status).phrase))
        return wrapper
    return decorator


# --- input ------------------------------------------------------------

def parameters(request):
    """The request's parameters: the query string, plus a form or
    multipart body, or a JSON object (an extension for channels that post
    JSON).  Values are strings; repeated keys keep their list."""
    params = {}

    def add(key, value):
        if not isinstance(key, str) or not isinstance(value, str):
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_parameter_type',
                    name=str(key)[:40]))
        try:
            value.encode('utf-8')
            key.encode('utf-8')
        except UnicodeEncodeError:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_encoding'))
        if BAD_CHARS.search(value) or BAD_CHARS.search(key):
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_control_characters',
                    name=BAD_CHARS.sub('?', key)[:40]))
        params.setdefault(key, []).append(value)

    # Werkzeug decodes bytes that are not UTF-8 as U+FFFD: refuse them
    # first ("All text received by the service from the client will be
    # assumed to be UTF-8 and must be decoded accordingly")
    check_utf8(request.query_string)
    if request.method == 'POST' and request.mimetype in {
            'application/x-www-form-urlencoded', ''}:
        # cached, so that the form is parsed from the same bytes
        check_utf8(request.get_data(cache=True))
    for key, values in request.args.lists():
        for value in values:
            add(key, value)
    if request.method == 'POST':
        mimetype = request.mimetype
        if mimetype == 'application/json':
            try:
                data = json.loads(request.get_data() or b'{}')
            except (ValueError, RecursionError):
                raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                        'sushi_portal.msg_open311_json'))
            if not isinstance(data, dict):
                raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                        'sushi_portal.msg_open311_json'))
            for key, value in data.items():
                if isinstance(value, (int, float)) and not isinstance(
                        value, bool):
                    value = str(value)
                if isinstance(value, list):
                    for entry in value:
                        add(key, entry)
                else:
                    add(key, value)
        elif mimetype in {'application/x-www-form-urlencoded',
                'multipart/form-data', ''}:
            for key, values in request.form.lists():
                for value in values:
                    add(key, value)
        else:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_content_type',
                    content_type=mimetype[:60]))
    result = {}
    for key, values in params.items():
        limit = MAX_LENGTH.get(key, DEFAULT_MAX_LENGTH)
        for value in values:
            if len(value) > limit:
                raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                        'sushi_portal.msg_open311_too_long',
                        name=key[:40], length=limit))
        # "an empty parameter is the same as an absent one"
        values = [v for v in values if v.strip()]
        if values:
            result[key] = values if len(values) > 1 else values[0]
    return result


def check_utf8(raw):
    "Refuse a query string or form body whose bytes are not UTF-8."
    try:
        for piece in raw.split(b'&'):
            unquote_to_bytes(piece.replace(b'+', b' ')).decode('utf-8')
    except UnicodeDecodeError:
        raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                'sushi_portal.msg_open311_encoding'))


def single(params, name):
    value = params.get(name)
    if isinstance(value, list):
        raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                'sushi_portal.msg_open311_repeated', name=name))
    return value.strip() if value else None


def listed(params, name):
    """The values of a parameter that may be repeated and comma
    delimited."""
    value = params.get(name) or []
    if isinstance(value, str):
        value = [value]
    return [v.strip() for vs in value for v in vs.split(',') if v.strip()]


# The services, their attributes and the jurisdiction, kept a minute in
# each server process: every request checks against them, and a category,
# region or jurisdiction changed by the administrators shows within that
# minute.
_catalogue = Cache('sushi_portal.open311_catalogue', duration=60,
    context=False)


# The public GET answers (services, service definitions, requests and a
# request), kept a short while in each server process: a list of 1 000
# requests costs the better part of a second of CPU to build and channels
# poll the same queries.  Keyed on the route, the path's arguments, the
# format and the normalised parameters (sorted, api_key left out); only
# successful answers are kept, and those are built of public, masked
# data only (request_row), so a hit shows nothing the same query would
# not show anyone.  An edit of what the answers disclose or mask clears
# it in every process (Ticket.write of OPEN311_PUBLIC, the configuration);
# the rest (a new order, a new state) shows within the duration.
_public = Cache('sushi_portal.open311_public', duration=30, context=False)
# a list answer may be half a megabyte: keep few per process
_public.size_limit = 64


def public_cache(func):
    "Serve a public GET route from _public when the same query was built."
    @wraps(func)
    def wrapper(request, pool, *args, fmt, **kwargs):
        if request.method not in {'GET', 'HEAD'}:
            return func(request, pool, *args, fmt=fmt, **kwargs)
        params = parameters(request)
        if ((func.__name__ == 'get_request'
                    or 'service_request_id' in params)
                and (params.get('api_key')
                    or request.headers.get('X-Api-Key'))):
            # a channel following its own orders by number: the answer
            # may hold its unpublished ones (shown), which the anonymous
            # answer of the same query leaves out; neither is the other's
            return func(request, pool, *args, fmt=fmt, **kwargs)
        key = (func.__name__, args, tuple(sorted(kwargs.items())), fmt,
            tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                    for k, v in params.items() if k != 'api_key')))
        hit = _public.get(key)
        if hit is not None:
            body, content_type = hit
            return Response(body, status=HTTPStatus.OK,
                content_type=content_type,
                headers={'Access-Control-Allow-Origin': '*'})
        response = func(request, pool, *args, fmt=fmt, **kwargs)
        if (response.status_code == HTTPStatus.OK
                and 'private' not in response.headers.get(
                    'Cache-Control', '')):
            _public.set(key, (response.get_data(), response.content_type))
        return response
    return wrapper


def clear_public():
    "Forget the public GET answers in every process (at commit)."
    _public.clear()


def catalogue(pool):
    """Return ({service_code: (category id, is a leaf)}, the attributes of
    every service, the jurisdiction_id, the intake mode: 'realtime' or
    'batch', the discovery's changeset)."""
    cached = _catalogue.get(None)
    if cached is None:
        Category = pool.get('sushi.category')
        Configuration = pool.get('sushi.portal.configuration')
        categories = Category.search([], order=[('id', 'DESC')])
        parents = {c.parent.id for c in categories if c.parent}
        codes = {c.code: (c.id, c.id not in parents) for c in categories
            if c.code}
        config = Configuration(1)
        cached = (codes, attributes(pool), config.jurisdiction_id,
            config.open311_intake, changeset(pool))
        _catalogue.set(None, cached)
    return cached


# The date of the last change of the answers' form in this module's code
# (the service list, the definitions, the discovery document).
CODE_CHANGESET = dt.datetime(2026, 11, 29, 16, 0)


def changeset(pool):
    """The discovery's changeset: when the services or their definitions
    last changed (Service Discovery: "an updated changeset indicates that
    there has been an update to the Service Discovery list or to the
    Service Definitions ... whether clients should refresh frequently
    cached data"): the latest creation or edit of a category (the
    services), a unit (the region values), the portal configuration (the
    intake mode, the jurisdiction) or of this code, as a W3C datetime."""
    cursor = Transaction().connection.cursor()
    latest = [CODE_CHANGESET]
    for name in ['sushi.category', 'sushi.unit',
            'sushi.portal.configuration']:
        table = pool.get(name).__table__()
        cursor.execute(*table.select(
                Max(Coalesce(table.write_date, table.create_date))))
        value, = cursor.fetchone()
        if isinstance(value, str):  # SQLite without type detection
            value = dt.datetime.fromisoformat(value)
        if value:
            latest.append(value)
    return w3c(max(latest))


def check_jurisdiction(pool, params):
    jurisdiction = single(params, 'jurisdiction_id')
    if jurisdiction and jurisdiction != catalogue(pool)[2]:
        raise Open311Error(HTTPStatus.NOT_FOUND, gettext(
                'sushi_portal.msg_open311_jurisdiction',
                jurisdiction=jurisdiction[:40]))


# The W3C profile of ISO 8601 (www.w3.org/TR/NOTE-datetime), the only
# form GeoReport v2 names ("Date/time format"): YYYY, YYYY-MM, YYYY-MM-DD,
# or a date with hh:mm, hh:mm:ss or hh:mm:ss.s and then a timezone (TZD).
W3C_DATETIME = re.compile(
    r'(?P<year>\d{4})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d)'
    r'(?:T(?P<hour>\d\d):(?P<minute>\d\d)'
    r'(?::(?P<second>\d\d)(?:\.(?P<fraction>\d+))?)?'
    r'(?P<tzd>Z|[+-]\d\d:\d\d)?)?)?)?')


def parse_datetime(value, name):
    """A W3C datetime as a naive UTC datetime.  GeoReport v2: "Timezone
    information (either Z meaning UTC, or an HH:MM offset from UTC)
    must be included": a time without one is refused.  A date without a
    time (the W3C profile's YYYY-MM-DD, YYYY-MM, YYYY) is the start of that
    day, month or year in Asia/Shanghai."""
    def refuse(message='sushi_portal.msg_open311_datetime'):
        return Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                message, name=name, value=value[:40]))
    text = value.strip().upper()
    # an offset's "+" sent unencoded in the query string arrives as a space
    text = re.sub(r'(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:\d\d)$',
        r'\1+\2', text)
    match = W3C_DATETIME.fullmatch(text)
    if not match:
        raise refuse()
    parts = match.groupdict()
    if parts['hour'] is not None and parts['tzd'] is None:
        raise refuse('sushi_portal.msg_open311_timezone')
    try:
        parsed = dt.datetime(int(parts['year']), int(parts['month'] or 1),
            int(parts['day'] or 1), int(parts['hour'] or 0),
            int(parts['minute'] or 0), int(parts['second'] or 0),
            int((parts['fraction'] or '0')[:6].ljust(6, '0')))
        tzd = parts['tzd']
        if tzd is None:
            zone = SHANGHAI
        elif tzd == 'Z':
            zone = dt.timezone.utc
        else:
            hours, minutes = int(tzd[1:3]), int(tzd[4:6])
            if minutes > 59:
                raise ValueError(tzd)
            offset = dt.timedelta(hours=hours, minutes=minutes)
            zone = dt.timezone(offset if tzd[0] == '+' else -offset)
        return parsed.replace(tzinfo=zone).astimezone(
            dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise refuse()


# --- services ---------------------------------------------------------

def services(pool):
    """The services: the leaf categories of the category tree, grouped
    by their top-level domain."""
    Category = pool.get('sushi.category')
    categories = Category.search([], order=[('code', 'ASC'), ('id', 'ASC')])
    parents = {c.parent.id for c in categories if c.parent}
    by_id = {c.id: c for c in categories}
    rows = []
    for category in categories:
        if category.id in parents:
            continue
        root = category
        while root.parent and root.parent.id in by_id:
            root = by_id[root.parent.id]
        rows.append((category, root))
    return rows


def service_row(category, root, mode='realtime'):
    return {
        'service_code': category.code,
        'service_name': category.name,
        'description': category.rec_name,
        'metadata': True,
        # GeoReport v2: realtime answers the service_request_id, batch a
        # token to look it up later
        'type': mode,
        # "a comma separated list of tags": none are kept for categories
        'keywords': None,
        'group': root.name if root != category else None,
        }


def find_service(pool, code):
    "The leaf category of a service_code (404 for others)."
    Category = pool.get('sushi.category')
    category_id, leaf = catalogue(pool)[0].get(code, (None, False))
    if not leaf:
        raise Open311Error(HTTPStatus.NOT_FOUND, gettext(
                'sushi_portal.msg_open311_service',
                service_code=code[:40]))
    return Category(category_id)


def attributes(pool):
    """The attributes every service takes: the request type (required),
    the region, a title and the requester type."""
    Ticket = pool.get('sushi.ticket')
    Unit = pool.get('sushi.unit')
    names = Ticket.fields_get(['request_type', 'requester_type'])
    regions = Unit.search([('kind', 'in', ['county', 'park'])],
        order=[('code', 'ASC')])
    return [{
            'variable': True,
            'code': 'request_type',
            'datatype': 'singlevaluelist',
            'required': True,
            'datatype_description': None,
            'order': 1,
            'description': names['request_type']['string'],
            'values': [{'key': k, 'name': n}
                for k, n in names['request_type']['selection'] if k],
            }, {
            'variable': True,
            'code': 'region',
            'datatype': 'singlevaluelist',
            'required': False,
            'datatype_description': None,
            'order': 2,
            'description': Ticket.fields_get(['region'])['region']['string'],
            'values': [{'key': u.code, 'name': u.name} for u in regions],
            }, {
            'variable': True,
            'code': 'title',
            'datatype': 'string',
            'required': False,
            'datatype_description': gettext(
                'sushi_portal.msg_open311_title_description'),
            'order': 3,
            'description': Ticket.fields_get(['title'])['title']['string'],
            'values': [],
            }, {
            'variable': True,
            'code': 'requester_type',
            'datatype': 'singlevaluelist',
            'required': False,
            'datatype_description': None,
            'order': 4,
            'description': names['requester_type']['string'],
            'values': [{'key': k, 'name': n}
                for k, n in names['requester_type']['selection'] if k],
            }]


@app.route(BASE + '/discovery.<fmt>', methods=ALL_METHODS)
@open311()
def discovery(request, pool, fmt):
    database_name = pool.database_name
    root = request.host_url.rstrip('/') + '/%s/open311/v2' % database_name
    updated = catalogue(pool)[4]
    config = pool.get('sushi.portal.configuration')(1)
    # this server's endpoint as configured (a demonstration or staging
    # server declares itself test), then a staging server's if one is
    # configured: channels try their integration there first
    endpoints = [(root, config.open311_endpoint_type or 'production')]
    if config.open311_test_url:
        endpoints.append((config.open311_test_url.rstrip('/'), 'test'))
    row = {
        'changeset': updated,
        'contact': gettext('sushi_portal.msg_open311_contact'),
        'key_service': gettext('sushi_portal.msg_open311_key_service'),
        'endpoints': [{
                'specification': SPECIFICATION,
                'url': url,
                'changeset': updated,
                'type': type_,
                'formats': ['text/xml', 'application/json'],
                } for url, type_ in endpoints],
        }
    return respond(fmt, 'discovery', None, row, single=True)


@app.route(BASE + '/services.<fmt>', methods=ALL_METHODS)
@open311()
@public_cache
def service_list(request, pool, fmt):
    check_jurisdiction(pool, parameters(request))
    mode = catalogue(pool)[3]
    rows = [service_row(c, r, mode) for c, r in services(pool)]
    return respond(fmt, 'services', 'service', rows)


@app.route(BASE + '/services/<code>.<fmt>', methods=ALL_METHODS)
@open311()
@public_cache
def service_definition(request, pool, code, fmt):
    check_jurisdiction(pool, parameters(request))
    category = find_service(pool, code)
    row = {'service_code': category.code,
        'attributes': catalogue(pool)[1]}
    return respond(fmt, 'service_definition', None, row, single=True)


# --- requests ---------------------------------------------------------

def authenticate(pool, params, request):
    "The channel of the api_key, within its rate limit."
    APIKey = pool.get('sushi.portal.api_key')
    secret = single(params, 'api_key') or request.headers.get('X-Api-Key')
    found = APIKey.check(secret)
    if not found:
        raise Open311Error(HTTPStatus.FORBIDDEN, gettext(
                'sushi_portal.msg_open311_api_key'))
    key_id, channel, limit = found
    if not rate_limiter.allow(key_id, limit):
        raise Open311Error(HTTPStatus.TOO_MANY_REQUESTS, gettext(
                'sushi_portal.msg_open311_rate_limit', limit=limit))
    return channel


def is_public(ticket):
    """Whether the order's status may be shown to anyone (PUB-02, PUB-03,
    PUB-05): a published request type with its disclosure on."""
    return bool(ticket.disclosure and ticket.request_type in Pool().get(
            'sushi.configuration').get_values()['disclosed_request_types'])


def caller_channel(pool, params, request):
    "The channel of the request's api_key when it gives one, else None."
    if single(params, 'api_key') or request.headers.get('X-Api-Key'):
        return authenticate(pool, params, request)
    return None


def shown(tickets, channel):
    """PUB-05, PUB-03: of the orders asked for by number, those anyone may
    see, and the submitting channel's own (with its api_key); the others
    (reports, praise, orders kept from publication) are answered as
    unknown numbers: numbers are sequential, a lookup of every number of a
    day listed the whistle-blowers' reports with their unit, street and
    position.  Returns (tickets, whether one is not public)."""
    kept, private = [], False
    for ticket in tickets:
        if is_public(ticket):
            kept.append(ticket)
        elif (channel is not None and ticket.channel
                and ticket.channel.id == channel):
            kept.append(ticket)
            private = True
    return kept, private


def private_answer(response):
    "An answer for its channel only: kept by no cache, ours or on the way."
    response.headers['Cache-Control'] = 'private, no-store'
    return response


def request_values(pool, params, channel):
    """The ticket values of a POST requests, checked against the
    service definition; refusals name the parameter."""
    Unit = pool.get('sushi.unit')
    category = find_service(pool, single(params, 'service_code') or '') \
        if single(params, 'service_code') else None
    if category is None:
        raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                'sushi_portal.msg_open311_missing', name='service_code'))
    lat, long_ = single(params, 'lat'), single(params, 'long')
    address = single(params, 'address_string')
    address_id = single(params, 'address_id')
    if not ((lat and long_) or address or address_id):
        raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                'sushi_portal.msg_open311_location'))
    values = {
        'channel': channel,
        'category': category.id,
        'address': address or address_id,
        }
    if lat or long_:
        try:
            latitude, longitude = float(lat), float(long_)
        except (TypeError, ValueError):
            latitude = longitude = float('nan')
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_lat_long'))
        # GeoReport's own example sends 8 decimals and phones send 15:
        # the work order keeps 6 (about 0.1 m), so round, do not refuse
        values['latitude'] = round(latitude, 6)
        values['longitude'] = round(longitude, 6)
    given = {}
    for key, value in params.items():
        match = re.fullmatch(r'attribute\[([^\]]{1,40})\](\[\])?', key)
        if match:
            given[match.group(1)] = value
    definitions = {a['code']: a for a in catalogue(pool)[1]}
    for code in given:
        if code not in definitions:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_attribute_unknown',
                    code=code))
    for code, definition in definitions.items():
        value = given.get(code)
        if value is None:
            if definition['required']:
                raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                        'sushi_portal.msg_open311_attribute_required',
                        code=code))
            continue
        if isinstance(value, list):
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_repeated',
                    name='attribute[%s]' % code))
        keys = {v['key'] for v in definition['values']}
        if definition['datatype'] == 'singlevaluelist' and value not in keys:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_attribute_value',
                    code=code, value=value[:40]))
    values['request_type'] = given['request_type']
    if given.get('region'):
        values['region'], = [u.id for u in Unit.search(
                [('code', '=', given['region'])], limit=1)]
    if given.get('title'):
        values['title'] = given['title']
    if given.get('requester_type'):
        values['requester_type'] = given['requester_type']
    values['channel_attributes'] = {
        k: v for k, v in given.items() if isinstance(v, str)}
    description = single(params, 'description')
    if description:
        values['description'] = description
    if not values.get('title') and description:
        values['title'] = description.splitlines()[0][:30]
    phone = single(params, 'phone')
    if phone:
        phone = normalize_phone(phone)
        if not PHONE.match(phone):
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_phone', phone=phone[:30]))
        values['requester_phone'] = phone
    name = ''.join(filter(None, [single(params, 'last_name'),
                single(params, 'first_name')]))
    if name:
        values['requester_name'] = name
    else:
        values['anonymous'] = True
    media_url = single(params, 'media_url')
    if media_url:
        parts = urlsplit(media_url)
        if parts.scheme not in {'http', 'https'} or not parts.netloc:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_media_url'))
        values['media_url'] = media_url
    ref = single(params, 'channel_ref')
    if ref:
        values['channel_ref'] = ref
    return values


@app.route(BASE + '/requests.<fmt>', methods=ALL_METHODS)
@open311(methods={'GET', 'POST'})
def requests_(request, pool, fmt):
    if request.method == 'POST':
        return post_request(request, pool, fmt=fmt)
    return get_requests(request, pool, fmt=fmt)


def post_request(request, pool, fmt):
    Ticket = pool.get('sushi.ticket')
    params = parameters(request)
    channel = authenticate(pool, params, request)
    check_jurisdiction(pool, params)
    values = request_values(pool, params, channel)
    # the channel is the key's, the category the catalogue's
    Ticket.check_online(values, known={'channel', 'category'})
    if catalogue(pool)[3] == 'batch':
        return queue_request(pool, params, values, fmt)
    try:
        ticket, created = Ticket.submit_online(values)
    except (SQLConstraintError, backend.DatabaseIntegrityError):
        # the same channel_ref committed by a concurrent request
        Transaction().rollback()
        if not values.get('channel_ref'):
            raise
        ticket, created = Ticket.submit_online(values)
        if created:
            raise
    return respond(fmt, 'service_requests', 'request', [{
                'service_request_id': ticket.number,
                'service_notice': service_notice(ticket),
                'account_id': single(params, 'account_id'),
                }])


def queue_request(pool, params, values, fmt):
    """The asynchronous intake: the values, checked as the work order's
    create checks them (post_request), stored in one insert, answered
    with a token."""
    Intake = pool.get('sushi.portal.intake')
    try:
        token = Intake.enqueue(values)
    except backend.DatabaseIntegrityError:
        # the same channel_ref queued by a concurrent request
        Transaction().rollback()
        if not values.get('channel_ref'):
            raise
        token = Intake.enqueue(values)
    return respond(fmt, 'service_requests', 'request', [{
                'token': token,
                'service_notice': gettext('sushi_portal.msg_open311_queued',
                    token=token),
                'account_id': single(params, 'account_id'),
                }])


def service_notice(ticket):
    if ticket.deadline:
        return gettext('sushi_portal.msg_open311_notice_due',
            number=ticket.number, due=w3c(ticket.deadline))
    return gettext('sushi_portal.msg_open311_notice', number=ticket.number)


@public_cache
def get_requests(request, pool, fmt):
    Ticket = pool.get('sushi.ticket')
    Configuration = pool.get('sushi.portal.configuration')
    config = Configuration(1)
    params = parameters(request)
    check_jurisdiction(pool, params)
    numbers = listed(params, 'service_request_id')
    channel = caller_channel(pool, params, request) if numbers else None
    # neither a draft nor an order not accepted, whatever the filters
    domain = [('state', 'not in', list(OPEN311_HIDDEN))]
    if numbers:
        if len(numbers) > config.requests_limit or not all(
                REQUEST_ID.match(n) for n in numbers):
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_request_ids'))
        # the ids override every other filter
        domain.append(('number', 'in', numbers))
    else:
        # both "can be declared multiple times, comma delimited"
        codes = listed(params, 'service_code')
        if codes:
            domain.append(('category.code', 'in', codes))
        statuses = listed(params, 'status')
        if statuses:
            statuses = {s.lower() for s in statuses}
            if not statuses <= {'open', 'closed'}:
                raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                        'sushi_portal.msg_open311_status'))
            if statuses == {'open'}:
                domain.append(('state', 'not in', list(OPEN311_CLOSED)))
            elif statuses == {'closed'}:
                domain.append(('state', 'in', list(OPEN311_CLOSED)))
        span = dt.timedelta(days=config.requests_days)
        start = single(params, 'start_date')
        end = single(params, 'end_date')
        start = parse_datetime(start, 'start_date') if start else None
        end = parse_datetime(end, 'end_date') if end else None
        if start and end and end < start:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_dates'))
        if start and end and end - start > span:
            raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                    'sushi_portal.msg_open311_span',
                    days=config.requests_days))
        # "Default query limit is a span of 90 days": the last 90 days
        # without dates, the 90 days before end_date or after start_date
        # when only one is given
        if not start and not end:
            end = clock.now()
        # at the ends of the calendar the window stops there
        if not start:
            start = (end - span if end - dt.datetime.min > span
                else dt.datetime.min)
        if not end:
            end = (start + span if dt.datetime.max - start > span
                else dt.datetime.max)
        domain.append(('received_at', '>=', start))
        domain.append(('received_at', '<=', end))
        # PUB-03, PUB-05: the public list shows only what may be published:
        # no reports or praise (whistle-blowers), nothing exempted; the
        # submitting channel still follows its own by number with its
        # api_key (above, shown)
        domain.append(('request_type', 'in', Pool().get('sushi.configuration')
                .get_values()['disclosed_request_types']))
        domain.append(('disclosure', '=', True))
    tickets = Ticket.search(domain, limit=config.requests_limit,
        order=[('received_at', 'DESC'), ('id', 'DESC')])
    private = False
    if numbers:
        tickets, private = shown(tickets, channel)
    state_names = dict(Ticket.fields_get(['state'])['state']['selection'])
    response = respond(fmt, 'service_requests', 'request',
        [request_row(t, state_names) for t in tickets])
    return private_answer(response) if private else response


@app.route(BASE + '/requests/<number>.<fmt>', methods=ALL_METHODS)
@open311()
@public_cache
def get_request(request, pool, number, fmt):
    Ticket = pool.get('sushi.ticket')
    params = parameters(request)
    check_jurisdiction(pool, params)
    channel = caller_channel(pool, params, request)
    tickets = Ticket.search([('number', '=', number),
            ('state', 'not in', list(OPEN311_HIDDEN)),
            ], limit=1) if REQUEST_ID.match(number) else []
    tickets, private = shown(tickets, channel)
    if not tickets:
        raise Open311Error(HTTPStatus.NOT_FOUND, gettext(
                'sushi_portal.msg_open311_request',
                number=number[:40]))
    response = respond(fmt, 'service_requests', 'request',
        [request_row(tickets[0])])
    return private_answer(response) if private else response


@app.route(BASE + '/tokens/<token>.<fmt>', methods=ALL_METHODS)
@open311()
def get_token(request, pool, token, fmt):
    "The work order number of a token, once the queue has made it."
    Intake = pool.get('sushi.portal.intake')
    check_jurisdiction(pool, parameters(request))
    found = Intake.lookup(token) if TOKEN.match(token) else None
    if not found:
        raise Open311Error(HTTPStatus.NOT_FOUND, gettext(
                'sushi_portal.msg_open311_token', token=token[:40]))
    state, number, error = found
    if state == 'failed':
        raise Open311Error(HTTPStatus.BAD_REQUEST, gettext(
                'sushi_portal.msg_open311_token_failed', token=token,
                error=error))
    return respond(fmt, 'service_requests', 'request', [{
                'service_request_id': number,
                'token': token,
                }])


@app.route(BASE, methods=ALL_METHODS)
@app.route(BASE + '/', methods=ALL_METHODS)
def root(request, database_name):
    "The endpoint's root: a 404 error that names discovery and services."
    return _root(request, database_name, fmt=guess_format(request))


@open311(methods=ALL_METHODS)
def _root(request, pool, fmt):
    raise Open311Error(HTTPStatus.NOT_FOUND,
        gettext('sushi_portal.msg_open311_root'))


@app.route(BASE + '/<path:rest>', methods=ALL_METHODS)
def unknown(request, database_name, rest):
    fmt = rest.rsplit('.', 1)[-1] if '.' in rest else None
    fmt = fmt if fmt in FORMATS else guess_format(request)
    return _unknown(request, database_name, fmt=fmt)


@open311(methods=ALL_METHODS)
def _unknown(request, pool, fmt):
    raise Open311Error(HTTPStatus.NOT_FOUND,
        gettext('sushi_portal.msg_open311_path'))


# Masked descriptions and addresses by the SHA-256 of what masking reads
# (text, names, address), so that a GET of 1 000 requests masks only what
# changed since the last one; the raw text is not kept.
_masked = LRUDict(8192)
_masked_lock = threading.Lock()


def masked_text(text, names, addresses=()):
    "mask(text, names, addresses), kept by the SHA-256 of what it reads."
    if not text:
        return text
    key = hashlib.sha256(json.dumps([text, names, list(addresses)],
            ensure_ascii=False).encode('utf-8')).digest()
    with _masked_lock:
        masked = _masked.get(key)
    if masked is None:
        masked = mask(text, names=names, addresses=addresses)
        with _masked_lock:
            _masked[key] = masked
    return masked


def masked_description(ticket, names):
    return masked_text(ticket.description, names, [ticket.address])


def request_row(ticket, state_names=None):
    """One request as GET shows it: no name, phone, e-mail or exact
    address (PUB-05); the description masked."""
    lat = round(ticket.latitude, 3) if ticket.latitude is not None else None
    long_ = (round(ticket.longitude, 3)
        if ticket.longitude is not None else None)
    if state_names is None:
        state_names = dict(
            ticket.fields_get(['state'])['state']['selection'])
    closed = ticket.state in OPEN311_CLOSED
    disclosed = is_public(ticket)
    # the requester's and the handlers' names, masked in the description
    # and in the address ("汴河路张三家门口": the address is cut to its
    # road, which keeps a name before the house number)
    names = [ticket.requester_name] + [
        r.handler_name for a in ticket.assignments for r in getattr(
            a, 'replies', []) if getattr(r, 'handler_name', None)]
    return {
        'service_request_id': ticket.number,
        'status': 'closed' if closed else 'open',
        'status_notes': state_names.get(ticket.state),
        'service_name': ticket.category.name if ticket.category else None,
        # a required string (open311/schema-validation, request.json): an
        # order taken on the phone without a category has the empty code
        'service_code': (ticket.category.code or ''
            if ticket.category else ''),
        # PUB-05: reports and praise, and orders kept from publication,
        # show no description at all (whistle-blowers)
        # "free form text limited to 4,000 characters" (GeoReport v2,
        # the request's description): an order taken on the phone may be
        # longer
        'description': (masked_description(ticket, names)[:MAX_DESCRIPTION]
            if disclosed and ticket.description else None),
        'agency_responsible': (ticket.lead_unit.name
            if ticket.lead_unit else None),
        'service_notice': None,
        'requested_datetime': w3c(ticket.received_at),
        'updated_datetime': w3c((ticket.closed_at if closed else None)
            or ticket.write_date or ticket.create_date),
        'expected_datetime': w3c(ticket.deadline),
        # PUB-05: the road or 小区 without the names it may hold
        'address': mask_address(masked_text(ticket.address, names)),
        'address_id': None,
        'zipcode': None,
        'lat': lat,
        'long': long_,
        'media_url': ticket.media_url,
        }
