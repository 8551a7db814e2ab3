# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Hot words (ANA-04) and periodic issues (ANA-06), counted in SQL over the
word rows of the analysis index (`sushi.analysis.ticket_key`).

Burst score of a word in a period of d days: with c the requests naming
it in the period and b those of the trailing 4 weeks before it, the
expected count is e = (b + 0.5) * d / 28 and the score is the Poisson
z-score (c - e) / sqrt(e + 1): a word named by 40 requests every day is no
news, one named by 12 today and 2 in four weeks is."""
import datetime as dt
import math

from sql import Column, Literal
from sql.aggregate import Count, Sum

from trytond.model import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

from .ticket import HOT_WORD_MIN_REQUESTERS, person_names, public_word

BASELINE_DAYS = 28
# words counted in the period before the baseline is looked up
CANDIDATES = 300


class Trend(Model):
    "Analysis Trends"
    __name__ = 'sushi.analysis.trend'

    @classmethod
    def _word_counts(cls, start, end, words=None, group=None, where=None,
            min_count=1, limit=None):
        """Return {(group value, word): count of distinct tickets} received
        in [start, end).  With min_count above 1, only the words of at
        least max(min_count, HOT_WORD_MIN_REQUESTERS) distinct requesters
        count (PUB-06)."""
        pool = Pool()
        Key = pool.get('sushi.analysis.ticket_key')
        Ticket = pool.get('sushi.ticket')
        k = Key.__table__()
        t = Ticket.__table__()
        condition = ((k.kind == 'word') & (k.received_at >= start)
            & (k.received_at < end))
        if words is not None:
            if not words:
                return {}
            condition &= k.key.in_(sorted(words))
        columns = [k.key]
        query_from = k
        if group or where is not None:
            query_from = k.join(t, condition=k.ticket == t.id)
            if where is not None:
                condition &= where(t)
        group_column = getattr(t, group) if group else None
        if group_column is not None:
            columns.insert(0, group_column)
        cursor = Transaction().connection.cursor()
        if min_count > 1:
            # the tickets of each (word, requester), then the requesters
            # of each word: two hash aggregates, no DISTINCT sort
            minimum = max(min_count, HOT_WORD_MIN_REQUESTERS)
            inner = query_from.select(*columns, k.requester,
                Count(k.ticket).as_('tickets'), where=condition,
                group_by=columns + [k.requester])
            outer = [Column(inner, c.name) for c in columns]
            count = Sum(inner.tickets)
            query = inner.select(*outer, count.as_('count'),
                group_by=outer, having=Count(Literal(1)) >= minimum)
        else:
            # a ticket has one row per word (index_keys writes each once):
            # counting rows counts tickets, without the sort of a DISTINCT
            count = Count(k.ticket)
            query = query_from.select(*columns, count.as_('count'),
                where=condition, group_by=columns)
        if limit:
            query.order_by = [count.desc]
            query.limit = limit
        cursor.execute(*query)
        result = {}
        for row in cursor:
            # int: PostgreSQL's SUM of counts is a numeric (Decimal)
            if group_column is not None:
                result[(row[0], row[1])] = int(row[2])
            else:
                result[(None, row[0])] = int(row[1])
        if min_count > 1:
            # the word rows indexed before PUB-06 may hold names and
            # tokens that are not Chinese
            names = person_names({w for _, w in result})
            result = {k: c for k, c in result.items()
                if k[1] not in names and public_word(k[1])}
        return result

    @classmethod
    def hot_words(cls, start, end, group=None, limit=None, where=None):
        """Return the hot words of [start, end) (naive UTC datetimes) as
        [dict(word, group, count, baseline, score)], the highest burst
        score first, at most limit per group value; group is None,
        'region' or 'category'.  Only rising words with at least the
        configured minimum of requests count (ANA-04)."""
        Configuration = Pool().get('sushi.configuration')
        config = Configuration.get_values()
        limit = limit or config['hot_word_count']
        current = cls._word_counts(start, end, group=group, where=where,
            min_count=config['hot_word_min_count'], limit=CANDIDATES * (
                1 if group is None else 10))
        baseline = cls._word_counts(
            start - dt.timedelta(days=BASELINE_DAYS), start,
            words={w for _, w in current}, group=group, where=where)
        days = max((end - start).total_seconds() / 86400, 1 / 24)
        scored = {}
        for (value, word), count in current.items():
            before = baseline.get((value, word), 0)
            expected = (before + 0.5) * days / BASELINE_DAYS
            score = (count - expected) / math.sqrt(expected + 1)
            if score > 0:
                scored.setdefault(value, []).append({
                        'word': word, 'group': value, 'count': count,
                        'baseline': before, 'score': round(score, 2)})
        result = []
        for value in sorted(scored, key=lambda v: (v is None, v or 0)):
            words = sorted(scored[value],
                key=lambda w: (-w['score'], -w['count'], w['word']))
            result.extend(words[:limit])
        return result

    @classmethod
    def periodic_issues(cls, month_start, years=3, limit=None):
        """Return the issues that recurred in the month of month_start in
        previous years (ANA-06, 往年次月周期性重点问题), as [dict(word,
        years, count, lift)]: words whose share of that month's requests
        exceeds their share of the year by half at least (lift >= 1.5),
        in each year with data, the highest lift first."""
        Configuration = Pool().get('sushi.configuration')
        config = Configuration.get_values()
        limit = limit or config['hot_word_count']
        found = {}
        for back in range(1, years + 1):
            year = month_start.year - back
            first = dt.datetime(year, month_start.month, 1)
            last = (first + dt.timedelta(days=32)).replace(day=1)
            month = cls._word_counts(first, last,
                min_count=config['hot_word_min_count'], limit=CANDIDATES)
            if not month:
                continue
            year_counts = cls._word_counts(dt.datetime(year, 1, 1),
                dt.datetime(year + 1, 1, 1), words={w for _, w in month})
            for (_, word), count in month.items():
                # requests of the month against a month of the year
                average = year_counts.get((None, word), count) / 12
                lift = count / average if average else 0
                entry = found.setdefault(word, {'word': word, 'years': [],
                        'count': 0, 'lift': 0})
                if lift >= 1.5:
                    entry['years'].append(year)
                    entry['count'] += count
                    entry['lift'] = max(entry['lift'], round(lift, 2))
        issues = [e for e in found.values() if e['years']]
        issues.sort(key=lambda e: (-len(e['years']), -e['lift'], e['word']))
        return issues[:limit]
