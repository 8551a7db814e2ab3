# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The analysis settings (ANA-11 thresholds, hot words, reports) on the
hotline configuration."""
import datetime as dt

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
    # ANA-07
    blocking_open_days = fields.Integer("Blocking Issue: Open Days",
        required=True, domain=[('blocking_open_days', '>', 0)],
        help="An active cluster open this long goes into the special "
        "report on blocking issues.")
    daily_report_to_leaders = fields.Boolean("Daily Report to City Leaders",
        help="The daily report goes to the heads of the handling units; "
        "copy it to the city leaders too (D-24).")
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
    def default_report_time(cls):
        return dt.time(8, 0)
