# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test helpers of sushi_supervision."
import json

from trytond.protocols.jsonrpc import JSONEncoder
from trytond.transaction import Transaction


def click(records, button):
    """Press a button as sao does: the call goes the way of the RPC
    dispatcher (the model's `__rpc__` entry, the ids and an empty client
    context converted by it, so access is checked) and its answer is
    encoded as the JSON-RPC response is.  A button that returns records
    fails here as it fails in sao (HTTP 400, "not JSON serializable").
    Returns the decoded answer (None, an action id or an action)."""
    Model = records[0].__class__
    rpc = Model.__rpc__[button]
    args, kwargs, context, _ = rpc.convert(
        Model, [r.id for r in records], {})
    with Transaction().set_context(context):
        result = rpc.result(getattr(Model, button)(*args, **kwargs))
    return json.loads(json.dumps(result, cls=JSONEncoder))
