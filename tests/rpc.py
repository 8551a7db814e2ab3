"""A small JSON-RPC and HTTP client for the live-server tests: it sends
what a hostile client would, and returns the status and the decoded body
instead of raising."""
import base64
import datetime as dt
import json
import urllib.error
import urllib.request


def encode(value):
    "Tryton's JSON for dates and datetimes."
    if isinstance(value, dt.datetime):
        return {'__class__': 'datetime', 'year': value.year,
            'month': value.month, 'day': value.day, 'hour': value.hour,
            'minute': value.minute, 'second': value.second,
            'microsecond': value.microsecond}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    raise TypeError(repr(value))


class RPCError(Exception):
    "A JSON-RPC call answered with an error (status, error)."

    def __init__(self, status, error):
        super().__init__(status, error)
        self.status = status
        self.error = error

    @property
    def kind(self):
        "UserError, AccessError, ... or the HTTP status."
        if isinstance(self.error, list) and self.error:
            return self.error[0]
        return self.status

    @property
    def message(self):
        if isinstance(self.error, list) and len(self.error) > 1:
            detail = self.error[1]
            if isinstance(detail, list) and detail:
                return str(detail[0])
            return str(detail)
        return str(self.error)


def http(url, data=None, method=None, headers=None, timeout=60):
    "(status, body bytes, headers) of one HTTP request, errors included."
    request = urllib.request.Request(url, data=data, method=method,
        headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


class Client:
    "One user's JSON-RPC session on the server's database."

    def __init__(self, url, database, login=None, password=None):
        self.url = url.rstrip('/') + f'/{database}/rpc/'
        self.login = login
        self.session = None
        self.user_id = None
        self._id = 0
        if login:
            self.user_id, self.session = self.call(
                'common.db.login', login, {'password': password}, 'zh_CN')[:2]

    def headers(self):
        headers = {'Content-Type': 'application/json'}
        if self.session:
            token = base64.b64encode(
                f'{self.login}:{self.user_id}:{self.session}'.encode())
            headers['Authorization'] = 'Session ' + token.decode()
        return headers

    def raw(self, method, params, content_type=None):
        "(status, decoded body or bytes) of a call with raw params."
        self._id += 1
        body = json.dumps({'id': self._id, 'method': method,
                'params': params}, default=encode).encode()
        headers = self.headers()
        if content_type:
            headers['Content-Type'] = content_type
        status, data, _ = http(self.url, body, 'POST', headers)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data

    def call(self, method, *params):
        status, body = self.raw(method, list(params))
        if status != 200 or not isinstance(body, dict) or 'error' in body:
            raise RPCError(status,
                body.get('error') if isinstance(body, dict) else body)
        return body['result']

    def model(self, model, method, *args, context=None):
        return self.call(f'model.{model}.{method}', *args, context or {})
