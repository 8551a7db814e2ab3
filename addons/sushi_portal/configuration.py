# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Settings of the public face: Open311 jurisdiction and limits, the
citizen pages' channel, one-time codes, uploads and publication."""
import re
import secrets

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'sushi.portal.configuration'
    __string__ = "Public Portal Configuration"

    jurisdiction_id = fields.Char("Jurisdiction ID", required=True,
        help="The Open311 jurisdiction_id of the platform.")
    contact = fields.Char("API Contact", required=True,
        help="Who channels contact about the API (Open311 discovery).")
    requests_days = fields.Integer("Default Span of GET requests (days)",
        required=True, domain=[('requests_days', '>', 0)])
    requests_limit = fields.Integer("Most Requests per GET", required=True,
        domain=[('requests_limit', '>', 0)])
    open311_intake = fields.Selection([
            ('realtime', "Synchronous (POST answers the number)"),
            ('batch', "Asynchronous (POST answers a token)"),
            ], "Open311 Intake", required=True,
        help="Synchronous: each POST creates and registers the work order "
        "before answering.  Asynchronous: a POST is checked, queued and "
        "answered with a token at once; the queue becomes work orders in "
        "batches and GET tokens gives their numbers.  Applies within a "
        "minute in every server process.")
    open311_endpoint_type = fields.Selection([
            ('production', "Production"),
            ('test', "Test"),
            ], "Open311 Endpoint Type", required=True,
        help="How the Open311 discovery document declares this server's "
        "endpoint: production, or test on a demonstration or staging "
        "server (a channel's integration is tried there first).")
    open311_test_url = fields.Char("Open311 Test Endpoint",
        help="The Open311 v2 endpoint of a staging server "
        "(https://…/open311/v2), listed in the discovery document beside "
        "this server's as type test.")
    intake_batch_size = fields.Integer("Queued Requests per Batch",
        required=True, domain=[('intake_batch_size', '>', 0)],
        help="How many queued Open311 requests become work orders in one "
        "transaction.")
    intake_follow_seconds = fields.Integer(
        "Follow the Queue (seconds)", required=True,
        domain=[('intake_follow_seconds', '>=', 0)],
        help="How long each run of the queue's job (every minute) keeps "
        "looking for new queued Open311 requests: a request then becomes "
        "a work order within a second instead of at the next run; 0: "
        "only what is queued when the job starts.")
    intake_retention_days = fields.Integer(
        "Keep Handled Queued Requests (days)", required=True,
        domain=[('intake_retention_days', '>', 0)],
        help="How long a queued Open311 request is kept once it is a work "
        "order (or failed): its token answers the number for so long.")
    web_channel = fields.Many2One('sushi.channel', "Citizen Pages Channel",
        required=True,
        help="The channel of the requests submitted on the citizen pages.")
    upload_max_kb = fields.Integer("Largest Photo (KB)", required=True,
        domain=[('upload_max_kb', '>', 0)])
    code_ttl_minutes = fields.Integer("One-Time Code Validity (minutes)",
        required=True, domain=[('code_ttl_minutes', '>', 0)])
    code_max_attempts = fields.Integer("Tries per One-Time Code",
        required=True, domain=[('code_max_attempts', '>', 0)])
    code_max_per_hour = fields.Integer("One-Time Codes per Order and Hour",
        required=True, domain=[('code_max_per_hour', '>', 0)])
    review_before_publish = fields.Boolean("Review before Publication",
        help="A reviewer previews the masked text and publishes it; "
        "otherwise closed orders are published as soon as they close "
        "(PUB-02).")
    session_secret = fields.Char("Session Secret", readonly=True,
        strip=False)
    dashboard_hot_stop_words = fields.Text("Words Left out of the Dashboard",
        help="Words not shown among the hot words of the dashboard, "
        "separated by spaces or commas.")

    @classmethod
    def default_jurisdiction_id(cls):
        return 'suzhou.ah.cn'

    @classmethod
    def default_contact(cls):
        return '宿州市12345政务服务便民热线 12345@suzhou.gov.cn'

    @classmethod
    def default_requests_days(cls):
        return 90

    @classmethod
    def default_requests_limit(cls):
        return 1000

    @classmethod
    def default_open311_intake(cls):
        return 'realtime'

    @classmethod
    def default_open311_endpoint_type(cls):
        return 'production'

    @classmethod
    def default_intake_batch_size(cls):
        return 200

    @classmethod
    def default_intake_follow_seconds(cls):
        return 55

    @classmethod
    def default_intake_retention_days(cls):
        return 30

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if field_names and 'open311_test_url' not in field_names:
            return
        for configuration in configurations:
            url = configuration.open311_test_url
            if url and not re.fullmatch(r'https?://[^\s/]+(/\S*)?', url):
                raise ValidationError(gettext(
                        'sushi_portal.msg_open311_test_url',
                        url=url[:80]))

    @classmethod
    def write(cls, *args):
        from .open311 import _catalogue, clear_public
        super().write(*args)
        # the intake mode and the jurisdiction are cached with the
        # catalogue, and the public answers follow them
        _catalogue.clear()
        clear_public()

    @classmethod
    def default_web_channel(cls):
        try:
            return Pool().get('ir.model.data').get_id(
                'sushi_ticket', 'channel_ahzwfw_suzhou')
        except KeyError:
            return None

    @classmethod
    def default_upload_max_kb(cls):
        return 5 * 1024

    @classmethod
    def default_code_ttl_minutes(cls):
        return 10

    @classmethod
    def default_code_max_attempts(cls):
        return 5

    @classmethod
    def default_code_max_per_hour(cls):
        return 3

    @classmethod
    def default_review_before_publish(cls):
        return True

    @classmethod
    def default_dashboard_hot_stop_words(cls):
        return '''的 了 和 是 在 有 我 不 也 就 都 人 一个 没有 问题 希望 反映 请
要求 进行 相关 处理 部门 情况 已经 我们 他们 这个 什么 可以 一直 现在 能否 是否
如何 为什么 关于 咨询 求助 投诉 举报 建议 表扬 来电 市民 诉求'''

    @classmethod
    def dashboard_stop_words(cls):
        "The set of dashboard_hot_stop_words."
        return frozenset(w for w in re.split(
                r'[\s,，、]+', cls(1).dashboard_hot_stop_words or '') if w)

    @classmethod
    def get_secret(cls):
        "The key that signs citizens' tracking sessions, made on first use."
        config = cls(1)
        if not config.session_secret:
            config.session_secret = secrets.token_hex(32)
            config.save()
        return config.session_secret
