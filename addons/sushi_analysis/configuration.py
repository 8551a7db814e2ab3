# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The analysis settings (ANA-11 thresholds, hot words, reports) on the
hotline configuration."""
import datetime as dt
import re

from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'sushi.configuration'

    # SCP-04: closed cases looked at for repeats
    repeat_window_days = fields.Integer("Repeat Window (days)",
        required=True, domain=[('repeat_window_days', '>', 0)],
        help="Closed orders of this many days are proposed as the case a "
        "request repeats (SCP-04 b, c).")
    # ANA-11
    cluster_threshold = fields.Float("Cluster Similarity", required=True,
        digits=(1, 2), domain=[('cluster_threshold', '>', 0),
            ('cluster_threshold', '<=', 1)],
        help="Two requests with this duplicate score are one matter.")
    many_to_one_requesters = fields.Integer("Many-to-One: Requesters",
        required=True, domain=[('many_to_one_requesters', '>=', 2)])
    many_to_one_days = fields.Integer("Many-to-One: Days",
        required=True, domain=[('many_to_one_days', '>', 0)])
    one_to_many_tickets = fields.Integer("One-to-Many: Requests",
        required=True, domain=[('one_to_many_tickets', '>=', 2)])
    one_to_many_days = fields.Integer("One-to-Many: Days",
        required=True, domain=[('one_to_many_days', '>', 0)])
    cluster_checkpoint = fields.DateTime("Clustered up to", readonly=True,
        help="Tickets created after this time are clustered by the next "
        "run.")
    # ANA-04
    hot_word_count = fields.Integer("Hot Words per Report", required=True,
        domain=[('hot_word_count', '>', 0)])
    hot_word_min_count = fields.Integer("Hot Word Minimum Requests",
        required=True, domain=[('hot_word_min_count', '>', 0)])
    statistics_stop_words = fields.Text("Words Left out of Hot Words",
        help="Words that say how a request is made, not what it is about, "
        "besides the stop words and fillers of the dictionary.  Separated "
        "by spaces or commas.")
    # ANA-07
    blocking_open_days = fields.Integer("Blocking Issue: Open Days",
        required=True, domain=[('blocking_open_days', '>', 0)],
        help="An active cluster open this long goes into the special "
        "report on blocking issues.")
    daily_report_to_leaders = fields.Boolean("Daily Report to City Leaders",
        help="The daily report goes to the heads of the handling units; "
        "copy it to the city leaders too (D-24).")
    # ANA-04 interpretation: configurable to the next working day
    daily_report_working_day = fields.Boolean(
        "Daily Report on the Next Working Day",
        help="Make the daily reports of the days before a working day on "
        "that working day (Saturday's and Sunday's on Monday with "
        "Friday's) instead of every morning.")
    report_time = fields.Time("Reports Generated at", required=True,
        help="Local time after which the due reports are generated.")

    @classmethod
    def default_similar_threshold(cls):
        # the threshold of best F1 on the labelled set (bench/bench_dedup.py)
        return 0.7

    @classmethod
    def default_repeat_window_days(cls):
        return 90

    @classmethod
    def default_cluster_threshold(cls):
        return 0.7

    @classmethod
    def default_many_to_one_requesters(cls):
        return 3

    @classmethod
    def default_many_to_one_days(cls):
        return 7

    @classmethod
    def default_one_to_many_tickets(cls):
        return 3

    @classmethod
    def default_one_to_many_days(cls):
        return 30

    @classmethod
    def default_statistics_stop_words(cls):
        return '''来电 来电人 市民 网民 留言 反映 希望 相关 部门 尽快 解决 处理
问题 情况 没来 到现在 一天 两天 几天 好几天 昨天 今天 晚上 早上 中午 知道 不知
一直 已经 现在 目前 没有 不能 无法 多次 好几 几次 时候 进行 要求 请求 答复 谢谢
你好 您好 麻烦 派人 看看 严重 影响'''

    @classmethod
    def statistics_stop_word_set(cls):
        "The set of statistics_stop_words (ANA-04 hot words, request keys)."
        words = cls.get_values()['statistics_stop_words'] or ''
        return frozenset(w for w in re.split(r'[\s,，、]+', words) if w)

    @classmethod
    def default_hot_word_count(cls):
        return 10

    @classmethod
    def default_hot_word_min_count(cls):
        return 3

    @classmethod
    def default_blocking_open_days(cls):
        return 30

    @classmethod
    def default_daily_report_to_leaders(cls):
        return False

    @classmethod
    def default_daily_report_working_day(cls):
        return False

    @classmethod
    def default_report_time(cls):
        return dt.time(8, 0)
