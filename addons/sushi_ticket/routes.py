# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SMS gateway's way in: the requester answers the rating SMS
("1" satisfied, "2" dissatisfied, with a reason) and the gateway posts the
answer here; Callback.record_sms_answer reads and records it (CBK-01,
CBK-05)."""
import hmac
import json
import logging
from http import HTTPStatus

from trytond import backend, config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.wsgi import app
from werkzeug.exceptions import InternalServerError

from .exceptions import RatingTargetError
from .tools import PHONE, normalize_phone

logger = logging.getLogger(__name__)
CONTEXT = {'language': 'zh_CN'}


def _response(data, status=HTTPStatus.OK):
    return Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json')


def _error(message, status=HTTPStatus.BAD_REQUEST):
    return _response({'error': message}, status=status)


@app.route('/<database_name>/sushi/sms/inbound', methods={'POST'})
@with_pool
@with_transaction(context=CONTEXT)
def sms_inbound(request, pool):
    """POST {"phone", "text"} with `Authorization: Bearer <token>` of
    `[sushi] sms_inbound_token`: the requester's answer to the rating SMS
    of their latest work order awaiting it (or of the number the text
    names)."""
    Callback = pool.get('sushi.ticket.callback')
    token = config.get('sushi', 'sms_inbound_token', default=None)
    if not token:
        return _error(gettext('sushi_ticket.msg_sms_inbound_disabled'),
            HTTPStatus.FORBIDDEN)
    given_token = request.headers.get('Authorization', '')
    if not hmac.compare_digest(given_token, f'Bearer {token}'):
        return _error(gettext('sushi_ticket.msg_sms_inbound_token'),
            HTTPStatus.UNAUTHORIZED)
    try:
        data = json.loads(request.get_data() or b'{}')
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return _error(gettext('sushi_ticket.msg_sms_inbound_json'))
    phone = normalize_phone(str(data.get('phone') or ''))
    text = str(data.get('text') or '')
    if not PHONE.match(phone):
        return _error(gettext('sushi_ticket.msg_ticket_phone_invalid',
                phone=phone))
    try:
        callback = Callback.record_sms_answer(phone, text)
    except RatingTargetError as exception:
        return _error(exception.message, HTTPStatus.NOT_FOUND)
    except UserError as exception:
        return _error(exception.message, HTTPStatus.CONFLICT)
    ticket = callback.ticket
    return _response({
            'ticket': ticket.number,
            'given': callback.given,
            'counts_as': callback.result,
            })


# --- every route: bad input is a clear 4xx, never a 500 -----------------

# Raised by the framework or the database on input it cannot take (an id
# beyond 64 bits, a malformed value, a NUL byte on PostgreSQL, an unknown
# field name): the caller's fault, answered as such.  A programming error
# raises something else and stays a 500, logged.
INPUT_ERRORS = (OverflowError, ValueError, TypeError, KeyError, IndexError,
    UnicodeError, RecursionError, backend.DatabaseDataError,
    backend.DatabaseIntegrityError)
# These answers are written outside of any database transaction, so they
# cannot come from ir.message: the two texts are kept here, in Chinese,
# with their English meaning.
NOT_JSON = "JSON-RPC 请求须以 Content-Type: application/json 发送。"
#           (A JSON-RPC request must be sent as application/json.)
BAD_INPUT = "请求无效：参数的类型、长度或取值不被接受，未作任何修改。"
#           (Invalid request: a parameter's type, length or value is not
#           accepted; nothing was changed.)


def _refusal(request, error):
    "The 4xx answer to an error caused by the request, or None."
    rpc = request.path.rstrip('/').endswith('/rpc')
    if rpc and isinstance(error, AttributeError):
        if not hasattr(request, 'rpc_method'):
            return _error(NOT_JSON, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        if not isinstance(request.rpc_method, str):
            return _error(BAD_INPUT)
    if isinstance(error, INPUT_ERRORS):
        logger.warning("bad input refused: %s %s", request.method,
            request.path, exc_info=error)
        return _error(BAD_INPUT)


@app.error_handler
def refuse_bad_input(app, request, error):
    return _refusal(request, error)


def _dispatch_request(dispatch_request):
    """Routes under `with_pool` turn every exception into a 500 before the
    error handlers see it (trytond.protocols.wrappers): answer those caused
    by the request as the handler above does."""
    def wrapper(request):
        response = dispatch_request(request)
        if (isinstance(response, InternalServerError)
                and isinstance(response.description, Exception)):
            return _refusal(request, response.description) or response
        return response
    return wrapper


app.dispatch_request = _dispatch_request(app.dispatch_request)
