# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The OpenAPI 3.0 description of the Open311 GeoReport v2 API, served
beside it at /<database>/open311/v2/openapi.json."""
import json

from trytond.protocols.wrappers import (
    Response, with_pool, with_transaction)
from trytond.wsgi import app

FMT = {'name': 'format', 'in': 'path', 'required': True,
    'schema': {'type': 'string', 'enum': ['json', 'xml']},
    'description': 'Response format (XML is the specification default).'}
JURISDICTION = {'name': 'jurisdiction_id', 'in': 'query',
    'schema': {'type': 'string'},
    'description': 'Optional: this endpoint serves one jurisdiction.'}
# GeoReport v2 "Errors": HTTP 404, 403 (api_key) or 400 for all else; the
# body's code says more (405 method, 429 rate limit, 500, 503 busy).
ERRORS = {
    '400': {'$ref': '#/components/responses/Error'},
    '403': {'$ref': '#/components/responses/Error'},
    '404': {'$ref': '#/components/responses/Error'},
    }


def _ok(schema, description):
    return {'200': {'description': description, 'content': {
                'application/json': {'schema': schema},
                'text/xml': {'schema': {'type': 'string'}}}}, **ERRORS}


def _list(ref):
    return {'type': 'array', 'items': {'$ref': ref}}


def document(server_url, mode='realtime'):
    """The description of the API as it runs: mode is the intake of
    POST requests, 'realtime' (the work order number at once) or 'batch'
    (a token, then GET tokens/{token})."""
    batch = mode == 'batch'
    string = {'type': 'string'}
    nullable = {'type': 'string', 'nullable': True}
    when = {'type': 'string', 'format': 'date-time', 'nullable': True,
        'example': '2026-11-30T09:30:00+08:00'}
    return {
        'openapi': '3.0.3',
        'info': {
            'title': '宿事速办 Open311 GeoReport v2',
            'version': '2.0',
            'description': (
                ('Intake is asynchronous (services of type batch): POST '
                    'answers a token. ' if batch else 'Intake is '
                    'synchronous (services of type realtime): POST answers '
                    'the service_request_id. ')
                + 'GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for '
                'the eight online channels of the Suzhou 12345 hotline. '
                'Datetimes are W3C at +08:00. GET answers carry no '
                'personal data: descriptions are masked, addresses cut to '
                'the road or estate, coordinates rounded to 3 decimals. '
                'Extension: channel_ref makes a POST idempotent per '
                'channel; a JSON object body is accepted beside the form '
                'encoding.'),
            },
        'servers': [{'url': server_url}],
        'paths': {
            '/discovery.{format}': {'get': {
                    'summary': 'Service discovery',
                    'parameters': [FMT],
                    'responses': _ok({'$ref': '#/components/schemas/'
                            'Discovery'}, 'Endpoints and formats')}},
            '/services.{format}': {'get': {
                    'summary': 'Service list (the leaf categories)',
                    'parameters': [FMT, JURISDICTION],
                    'responses': _ok(_list('#/components/schemas/Service'),
                        'Services')}},
            '/services/{service_code}.{format}': {'get': {
                    'summary': 'Service definition',
                    'parameters': [{'name': 'service_code', 'in': 'path',
                            'required': True, 'schema': string}, FMT,
                        JURISDICTION],
                    'responses': _ok({'$ref': '#/components/schemas/'
                            'ServiceDefinition'}, 'Attributes')}},
            '/requests.{format}': {
                'post': {
                    'summary': 'Submit a service request',
                    'parameters': [FMT],
                    'requestBody': {'required': True, 'content': {
                            'application/x-www-form-urlencoded': {
                                'schema': {'$ref': '#/components/schemas/'
                                    'NewRequest'}},
                            'application/json': {
                                'schema': {'$ref': '#/components/schemas/'
                                    'NewRequest'}}}},
                    'responses': _ok(_list('#/components/schemas/'
                            'RequestCreated'),
                        'Intake is asynchronous: a token, the work order '
                        'number follows through GET tokens/{token}'
                        if batch else 'The work order number')},
                'get': {
                    'summary': 'Service requests',
                    'parameters': [FMT, JURISDICTION] + [
                        {'name': name, 'in': 'query', 'schema': string,
                            'description': text} for name, text in [
                            ('service_request_id', 'Comma-separated '
                                'numbers; overrides the other filters.'),
                            ('service_code', 'Comma-separated codes.'),
                            ('start_date', 'W3C datetime with its '
                                'timezone (Z or +08:00), or a date; alone, '
                                'the 90 days from it.'),
                            ('end_date', 'W3C datetime with its timezone, '
                                'or a date; at most 90 days after '
                                'start_date; alone, the 90 days up to it.'),
                            ('status', 'open, closed or open,closed.')]],
                    'responses': _ok(_list('#/components/schemas/'
                            'ServiceRequest'), 'At most 1000, the last 90 '
                        'days by default')}},
            '/requests/{service_request_id}.{format}': {'get': {
                    'summary': 'One service request',
                    'parameters': [{'name': 'service_request_id',
                            'in': 'path', 'required': True,
                            'schema': string}, FMT, JURISDICTION],
                    'responses': _ok(_list('#/components/schemas/'
                            'ServiceRequest'), 'The request')}},
            '/tokens/{token}.{format}': {'get': {
                    'summary': 'The work order number of a token; '
                    'service_request_id is null while the request is '
                    'queued, a 400 error if it could not be registered'
                    if batch else 'Token lookup (intake is synchronous: '
                    'POST hands out no token, so always 404)',
                    'parameters': [{'name': 'token', 'in': 'path',
                            'required': True, 'schema': string}, FMT,
                        JURISDICTION],
                    'responses': _ok(_list('#/components/schemas/'
                            'Token'), 'The token and its number')
                    if batch else ERRORS}},
            },
        'components': {
            'responses': {'Error': {
                    'description': 'A list of errors; XML '
                    '<errors><error><code/><description/></error></errors>. '
                    'HTTP 404 for what does not exist, 403 for a wrong or '
                    'missing api_key, 400 for every other refusal; the '
                    'code in the body may be more specific: 405 (method), '
                    '429 (rate limit, with Retry-After), 500 (failure), '
                    '503 (database busy, with Retry-After).',
                    'content': {'application/json': {'schema': _list(
                                '#/components/schemas/Error')}}}},
            'schemas': {
                'Error': {'type': 'object', 'required': ['code',
                        'description'], 'properties': {
                        'code': {'type': 'integer'},
                        'description': string}},
                'Discovery': {'type': 'object', 'properties': {
                        'changeset': string, 'contact': string,
                        'key_service': string,
                        'endpoints': {'type': 'array', 'items': {
                                'type': 'object', 'properties': {
                                    'specification': string,
                                    'url': string, 'changeset': string,
                                    'type': string,
                                    'formats': {'type': 'array',
                                        'items': string}}}}}},
                'Service': {'type': 'object', 'properties': {
                        'service_code': string, 'service_name': string,
                        'description': string,
                        'metadata': {'type': 'boolean'},
                        'type': {'type': 'string', 'enum': ['realtime',
                                'batch', 'blackbox']},
                        'keywords': nullable,
                        'group': nullable}},
                'ServiceDefinition': {'type': 'object', 'properties': {
                        'service_code': string,
                        'attributes': {'type': 'array', 'items': {
                                'type': 'object', 'properties': {
                                    'variable': {'type': 'boolean'},
                                    'code': string,
                                    'datatype': {'type': 'string',
                                        'enum': ['string', 'number',
                                            'datetime', 'text',
                                            'singlevaluelist',
                                            'multivaluelist']},
                                    'required': {'type': 'boolean'},
                                    'datatype_description': nullable,
                                    'order': {'type': 'integer'},
                                    'description': string,
                                    'values': {'type': 'array', 'items': {
                                            'type': 'object',
                                            'properties': {
                                                'key': string,
                                                'name': string}}}}}}}},
                'NewRequest': {'type': 'object',
                    'required': ['api_key', 'service_code'],
                    'properties': {
                        'api_key': string, 'jurisdiction_id': string,
                        'service_code': string,
                        'lat': {'type': 'number'},
                        'long': {'type': 'number'},
                        'address_string': string, 'address_id': string,
                        'attribute[request_type]': {'type': 'string',
                            'enum': ['consult', 'help', 'complaint',
                                'report', 'suggestion', 'praise']},
                        'attribute[region]': string,
                        'attribute[title]': string,
                        'attribute[requester_type]': string,
                        'email': string, 'device_id': string,
                        'account_id': string, 'first_name': string,
                        'last_name': string, 'phone': string,
                        'description': {'type': 'string',
                            'maxLength': 4000},
                        'media_url': {'type': 'string', 'format': 'uri'},
                        'channel_ref': {'type': 'string',
                            'description': 'Extension: the channel\'s '
                            'own id; a resubmission returns the same '
                            'service_request_id.'}}},
                'RequestCreated': {'type': 'object',
                    'required': ['token' if batch else 'service_request_id'],
                    'properties': {
                        ('token' if batch else 'service_request_id'): string,
                        'service_notice': nullable,
                        'account_id': nullable}},
                'Token': {'type': 'object', 'properties': {
                        'service_request_id': nullable,
                        'token': string}},
                'ServiceRequest': {'type': 'object', 'properties': {
                        'service_request_id': string,
                        'status': {'type': 'string',
                            'enum': ['open', 'closed']},
                        'status_notes': nullable, 'service_name': nullable,
                        'service_code': nullable, 'description': nullable,
                        'agency_responsible': nullable,
                        'service_notice': nullable,
                        'requested_datetime': when,
                        'updated_datetime': when,
                        'expected_datetime': when,
                        'address': nullable, 'address_id': nullable,
                        'zipcode': nullable,
                        'lat': {'type': 'number', 'nullable': True},
                        'long': {'type': 'number', 'nullable': True},
                        'media_url': nullable}},
                },
            },
        }


@app.route('/<database_name>/open311/v2/openapi.json', methods={'GET'})
@with_pool
@with_transaction()
def openapi(request, pool):
    from .open311 import catalogue
    url = request.host_url.rstrip('/') + '/%s/open311/v2' % (
        pool.database_name)
    return Response(json.dumps(document(url, catalogue(pool)[3]),
            ensure_ascii=False),
        content_type='application/json; charset=utf-8',
        headers={'Access-Control-Allow-Origin': '*'})
