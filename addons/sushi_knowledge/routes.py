# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A public, read-only JSON API of the knowledge base for the channels, in
the spirit of the Open311 Inquiry API: search the published entries and
read one.  It returns the entries as published, never a person's data (no
user, requester or phone)."""
import datetime as dt
import json
from http import HTTPStatus

from trytond.i18n import gettext
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.wsgi import app

from . import common
from .exceptions import QueryError
from .search import band, html_escape

DEFAULT_LIMIT = 10
API_CONTEXT = {'language': 'zh_CN'}


def _response(data, status=HTTPStatus.OK):
    return Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json')


def _error(message, status=HTTPStatus.BAD_REQUEST):
    return _response({'error': message}, status=status)


def _iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.timezone.utc).isoformat()
    return value.isoformat()


def _entry(entry):
    return {
        'id': entry.id,
        'title': entry.title,
        'kind': entry.kind,
        'kind_name': entry.kind_string,
        'unit': entry.owner_unit.name,
        'document_number': entry.document_number,
        'issued_on': _iso(entry.issued_on),
        'effective_date': _iso(entry.effective_date),
        'expiry_date': _iso(entry.expiry_date),
        'version': entry.version,
        'published_at': _iso(entry.published_at),
        }


@app.route('/<database_name>/knowledge/search', methods={'GET'})
@with_pool
@with_transaction(readonly=True, context=API_CONTEXT)
def search(request, pool):
    """GET ?q=<question>[&limit=1..100][&kind=<kind>...]: the published
    entries in force that answer the question, best first, ranked as the
    call-taker's search ranks them; confidence is 'confident', 'possible'
    or 'weak' (no confident answer); the snippet is HTML-escaped with the
    query words in <mark>."""
    Entry = pool.get('sushi.knowledge.entry')
    query = request.args.get('q', '')
    if not query.strip():
        return _error(gettext('sushi_knowledge.msg_api_query_missing'))
    try:
        limit = int(request.args.get('limit', DEFAULT_LIMIT))
        if not 1 <= limit <= 100:
            raise ValueError(limit)
    except ValueError:
        return _error(gettext('sushi_knowledge.msg_api_bad_limit',
                limit=request.args.get('limit')))
    kinds = [k for v in request.args.getlist('kind')
        for k in v.split(',') if k] or None
    try:
        found = Entry.search_text(query, limit=limit, kinds=kinds,
            marks=('<mark>', '</mark>'), escape=html_escape)
    except QueryError as exception:
        return _error(exception.message)
    return _response({
            'query': query,
            'count': len(found),
            'results': [{
                    **_entry(entry),
                    'rank': round(rank, 6),
                    'confidence': band(rank),
                    'snippet': snippet,
                    } for entry, rank, snippet in found],
            })


# An id beyond the database's 64-bit integers is no entry (404 by routing).
@app.route('/<database_name>/knowledge/entries/'
    '<int(max=9223372036854775807):entry_id>',
    methods={'GET'})
@with_pool
@with_transaction(readonly=True, context=API_CONTEXT)
def entry(request, pool, entry_id):
    "GET one published entry in force, with its content."
    Entry = pool.get('sushi.knowledge.entry')
    today = common.today()
    entries = Entry.search([
            ('id', '=', entry_id),
            ('state', '=', 'published'),
            ('effective_date', '<=', today),
            ['OR',
                ('expiry_date', '=', None),
                ('expiry_date', '>=', today),
                ],
            ])
    if not entries:
        return _error(gettext('sushi_knowledge.msg_api_entry_not_found',
                id=entry_id), status=HTTPStatus.NOT_FOUND)
    entry, = entries
    return _response({
            **_entry(entry),
            'content': entry.content,
            'keywords': entry.keywords,
            'category': entry.category.rec_name if entry.category else None,
            })
