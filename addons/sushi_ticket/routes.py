# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SMS gateway's way in: the requester answers the rating SMS
("1" satisfied, "2" dissatisfied, with a reason) and the gateway posts the
answer here; Callback.record_sms_answer reads and records it (CBK-01,
CBK-05)."""
import hmac
import json
from http import HTTPStatus

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.wsgi import app

from .exceptions import RatingTargetError
from .tools import PHONE, normalize_phone

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
