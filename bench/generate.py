#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Synthetic 12345 requests for the benchmarks and for volume tests.

Realistic Chinese requests of Suzhou (Anhui): titles and descriptions are
assembled from templates per topic (道路积水, 噪音扰民, 物业纠纷, 拖欠工资,
医保报销, 公积金提取, 占道经营, 燃气停供, 学区划分, 食品安全 ...), with
addresses in the counties, districts and parks of 宿州, across the request
types with the shares of a city hotline (consultation ~40%, complaint ~25%,
help ~15%, suggestion ~10%, report ~7%, praise ~3%), the intake channels,
the business categories, requester phones (valid Chinese mobile and 0557
landline numbers, with repeat callers) and the months of 2025 and 2026
(the working-day calendar has no later year).  The same seed gives the
same requests.

As a library::

    from generate import Generator, Resolver
    requests = Generator(seed=1).requests(1000)     # list of dicts (codes)
    # inside a Tryton transaction:
    vlist = Resolver().ticket_values(requests)      # codes -> record ids
    Ticket.create(vlist)

As a command::

    python bench/generate.py -n 5                    # JSON lines on stdout
    python bench/generate.py -n 1000 --format csv > requests.csv
    python bench/generate.py -n 5000 --database sushi -c trytond.conf
        # creates the tickets through the ORM in an existing database
"""
import argparse
import bisect
import csv
import datetime as dt
import itertools
import json
import random
import sys

from vocabulary import (
    CHANNEL_PREFIX, CHANNELS, COMMUNITIES, COMPANY_WORDS, CONTACT_TIMES,
    EARLIER, ENTERPRISE_CHANNEL, FREQUENT_CALLERS, GIVEN, GRADES,
    HELP_URGENCY, HOSPITALS, INDUSTRIES, MOBILE_PREFIXES, REGIONS,
    REQUEST_TYPES, SHOPS, SURNAMES, TOPICS)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# The working-day calendar of the benchmark databases holds these years.
FIRST_DATE = dt.date(2025, 1, 1)
LAST_DATE = dt.date(2026, 12, 31)


class Generator:
    "A deterministic stream of synthetic requests."

    def __init__(self, seed=0, repeat_share=0.18, ref_start=1):
        """seed: the same seed gives the same requests; repeat_share: the
        share of requests from earlier callers; ref_start: the first serial
        of the channel references (two generators writing to one database
        need disjoint ranges)."""
        self.rng = random.Random(seed)
        self.repeat_share = repeat_share
        self._callers = []
        self._phones = set()
        self._refs = itertools.count(ref_start)
        self._types = [c for c, _ in REQUEST_TYPES]
        self._type_weights = list(itertools.accumulate(
                w for _, w in REQUEST_TYPES))
        self._regions = REGIONS
        self._region_weights = list(itertools.accumulate(
                r[2] for r in REGIONS))
        self._channels = [c for c, _ in CHANNELS]
        self._channel_weights = list(itertools.accumulate(
                w for _, w in CHANNELS))

    # --- random helpers -----------------------------------------------

    def _pick(self, items, cum_weights):
        return items[bisect.bisect(cum_weights,
                self.rng.random() * cum_weights[-1])]

    def _phone(self):
        rng = self.rng
        while True:
            if rng.random() < 0.06:
                phone = '0557-%d%06d' % (rng.randint(2, 9),
                    rng.randrange(10 ** 6))
            else:
                phone = rng.choice(MOBILE_PREFIXES) + '%08d' % (
                    rng.randrange(10 ** 8))
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _person(self):
        rng = self.rng
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.15:
            return surname + ''.join(rng.sample(GIVEN, rng.randint(1, 2)))
        return surname + rng.choice(['先生', '女士'])

    def _company(self):
        rng = self.rng
        return '宿州市%s%s有限公司' % (rng.choice(COMPANY_WORDS),
            rng.choice(INDUSTRIES))

    def caller(self, enterprise=False):
        """Return (phone, name, anonymous, requester type): a new caller,
        or (repeat_share of the time) an earlier one, the frequent callers
        more often than the others."""
        rng = self.rng
        if self._callers and rng.random() < self.repeat_share:
            if rng.random() < 0.3:
                # a few hundred frequent callers (一人多投)
                return self._callers[rng.randrange(
                        min(len(self._callers), FREQUENT_CALLERS))]
            return rng.choice(self._callers)
        if enterprise and rng.random() < 0.7:
            caller = (self._phone(), self._company(), False, 'enterprise')
        elif rng.random() < 0.08:
            caller = (self._phone(), None, True, 'individual')
        else:
            caller = (self._phone(), self._person(), False, 'individual')
        self._callers.append(caller)
        return caller

    def received_times(self, n, start=FIRST_DATE, end=LAST_DATE):
        """Return n sorted naive UTC datetimes between the local dates
        start and end: more on working days and in the day's office
        hours, and more in summer (rain, power, water) than in spring."""
        if start < FIRST_DATE or end > LAST_DATE or end < start:
            raise ValueError('dates must lie in 2025-2026: the working-day '
                'calendar has no other years loaded for the benchmarks')
        rng = self.rng
        days = [start + dt.timedelta(days=i)
            for i in range((end - start).days + 1)]
        month_factor = {1: 0.9, 2: 0.8, 3: 0.95, 4: 0.95, 5: 1.0, 6: 1.1,
            7: 1.25, 8: 1.25, 9: 1.05, 10: 0.95, 11: 0.95, 12: 1.0}
        day_weights = list(itertools.accumulate(
                month_factor[d.month] * (1.0 if d.weekday() < 5 else 0.65)
                for d in days))
        hour_weights = list(itertools.accumulate([
                    1, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 4, 9, 11, 11, 9, 6, 7,
                    9, 10, 10, 8, 6, 5, 4, 3, 2, 1.5]))
        hours = list(range(24))
        times = []
        for _ in range(n):
            day = self._pick(days, day_weights)
            hour = self._pick(hours, hour_weights)
            local = dt.datetime.combine(day, dt.time(hour),
                tzinfo=SHANGHAI) + dt.timedelta(
                seconds=rng.randrange(3600))
            times.append(local.astimezone(dt.timezone.utc).replace(
                    tzinfo=None))
        times.sort()
        return times

    def _topic(self, request_type, month):
        candidates = [t for t in TOPICS if request_type in t['types']]
        weights = list(itertools.accumulate(
                t['weight'] * (1.8 if month in t['peak'] else 1.0)
                for t in candidates))
        return self._pick(candidates, weights)

    def _context(self, region, received):
        rng = self.rng
        code, county, _, towns, roads = region
        town = rng.choice(towns)
        road, road2 = rng.sample(roads, 2)
        community = rng.choice(COMMUNITIES)
        local = received.replace(tzinfo=dt.timezone.utc).astimezone(
            SHANGHAI)
        return {
            'county': county, 'town': town, 'road': road, 'road2': road2,
            'community': community,
            'place': f'{county}{town}{road}{community}',
            'number': rng.randint(1, 399),
            'building': rng.randint(1, 32),
            'shop': rng.choice(SURNAMES) + '记' + rng.choice(SHOPS),
            'company': self._company(),
            'hospital': rng.choice(HOSPITALS),
            'depth': rng.choice([20, 30, 40, 50]),
            'days': rng.randint(2, 20), 'months': rng.randint(2, 8),
            'years': rng.randint(2, 9), 'hours': rng.randint(3, 12),
            'hour': rng.choice([1, 2, 3]), 'night': rng.choice([9, 10, 11]),
            'workers': rng.randint(3, 60),
            'amount': rng.randrange(3000, 600000, 100),
            'fee': '1.2', 'fee2': rng.choice(['1.8', '2.0', '2.5']),
            'age': rng.randint(58, 92), 'grade': rng.choice(GRADES),
            'bus': rng.randint(1, 36), 'minutes': rng.choice([20, 30, 40]),
            'times': rng.randint(3, 6),
            'year': local.year, 'month': local.month,
            'day': rng.randint(1, 28),
            }

    # --- the requests -------------------------------------------------

    def request(self, received):
        "Return one request received at the naive UTC datetime."
        rng = self.rng
        month = received.replace(tzinfo=dt.timezone.utc).astimezone(
            SHANGHAI).month
        request_type = self._pick(self._types, self._type_weights)
        topic = self._topic(request_type, month)
        region = self._pick(self._regions, self._region_weights)
        enterprise = topic.get('enterprise', False)
        phone, name, anonymous, requester_type = self.caller(enterprise)
        ctx = self._context(region, received)
        if requester_type == 'enterprise':
            ctx['company'] = name
        title, body, ask = rng.choice(topic['types'][request_type])
        channel = self._pick(self._channels, self._channel_weights)
        if enterprise and rng.random() < 0.3:
            channel = ENTERPRISE_CHANNEL
        voice = channel == 'hotline_12345'
        body = body.format(**ctx)
        if not voice:
            body = body.replace('来电人', '留言人').replace(
                '来电企业', '留言企业').replace('致电', '留言')
        if not body.startswith(('来电', '留言')):
            body = ('来电人反映:' if voice else '网民留言:') + body
        description = body
        if request_type in {'complaint', 'help', 'report'}:
            if rng.random() < 0.3:
                description += '此前已通过%s反映过,至今未解决。' % (
                    rng.choice(EARLIER))
        if ask:
            description += ('' if request_type == 'praise' else '诉求:'
                ) + ask.format(**ctx)
        if voice and rng.random() < 0.3:
            description += '(来电人希望%s联系。)' % rng.choice(
                CONTACT_TIMES)
        urgency = 'normal'
        if request_type == 'help':
            roll = rng.random()
            if roll < 0.005:
                urgency = 'sudden'
            elif roll < topic.get('urgent', HELP_URGENCY):
                urgency = 'urgent'
        complexity = 'general'
        if request_type in {'consult', 'complaint', 'help'} and (
                rng.random() < 0.15):
            complexity = 'complex'
        unit = rng.choice(topic['units'])
        if unit == 'REGION':
            unit = region[0]
        local = received.replace(tzinfo=dt.timezone.utc).astimezone(
            SHANGHAI)
        return {
            'channel': channel,
            'channel_ref': ('%s%s%07d' % (CHANNEL_PREFIX[channel],
                    local.strftime('%Y%m%d'), next(self._refs))),
            'received_at': received,
            'requester_phone': phone,
            'requester_name': name,
            'anonymous': anonymous,
            'requester_type': requester_type,
            'request_type': request_type,
            'complexity': complexity,
            'urgency': urgency,
            'topic': topic['name'],
            'category': topic['category'],
            'region': region[0],
            'unit': unit,
            'address': '%s%s%s%d号%s' % (ctx['county'], ctx['town'],
                ctx['road'], ctx['number'], ctx['community']),
            'title': title.format(**ctx),
            'description': description,
            'provincial': channel == 'provincial_platform',
            'leader_instruction': channel == 'city_leader_instruction',
            }

    def requests(self, n, start=FIRST_DATE, end=LAST_DATE):
        "Return n requests received between start and end, in time order."
        return [self.request(t)
            for t in self.received_times(n, start=start, end=end)]


# Ticket fields a request fills (the others are the ORM's defaults).
TICKET_FIELDS = ['channel', 'channel_ref', 'received_at', 'requester_phone',
    'requester_name', 'anonymous', 'requester_type', 'request_type',
    'complexity', 'urgency', 'category', 'region', 'address', 'title',
    'description', 'provincial', 'leader_instruction']


class Resolver:
    """Map the codes of generated requests to record ids; use it inside a
    Tryton transaction of a database where sushi_ticket is activated."""

    def __init__(self):
        from trytond.pool import Pool
        pool = Pool()
        self.channels = {c.code: c.id
            for c in pool.get('sushi.channel').search([])}
        self.categories = {c.code: c.id
            for c in pool.get('sushi.category').search([])}
        self.units = {u.code: u.id
            for u in pool.get('sushi.unit').search([])}

    def ticket_values(self, requests):
        "Return the values of Ticket.create for requests."
        vlist = []
        for request in requests:
            values = {f: request[f] for f in TICKET_FIELDS}
            values['channel'] = self.channels[request['channel']]
            values['category'] = self.categories[request['category']]
            values['region'] = self.units[request['region']]
            vlist.append(values)
        return vlist


def _load(requests, database, batch=1000):
    "Create the requests as draft tickets through the ORM, and commit."
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    with Transaction().start(database, 0) as transaction:
        Ticket = Pool().get('sushi.ticket')
        vlist = Resolver().ticket_values(requests)
        for i in range(0, len(vlist), batch):
            Ticket.create(vlist[i:i + batch])
        transaction.commit()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-n', '--count', type=int, default=10)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--start', type=dt.date.fromisoformat,
        default=FIRST_DATE, help='first local date (2025-01-01)')
    parser.add_argument('--end', type=dt.date.fromisoformat,
        default=LAST_DATE, help='last local date (2026-12-31)')
    parser.add_argument('--format', choices=['jsonl', 'csv'],
        default='jsonl')
    parser.add_argument('--database', help='create the requests as draft '
        'tickets through the ORM in this database instead of printing them')
    parser.add_argument('-c', '--config', help='trytond configuration file '
        '(default: TRYTOND_CONFIG and TRYTOND_* variables)')
    args = parser.parse_args(argv)
    requests = Generator(seed=args.seed).requests(
        args.count, start=args.start, end=args.end)
    if args.database:
        if args.config:
            from trytond import config
            config.update_etc(args.config)
        _load(requests, args.database)
        print(f'{len(requests)} tickets created in {args.database}',
            file=sys.stderr)
    elif args.format == 'csv':
        writer = csv.DictWriter(sys.stdout, fieldnames=list(requests[0]))
        writer.writeheader()
        for request in requests:
            writer.writerow(request)
    else:
        for request in requests:
            print(json.dumps(request, ensure_ascii=False, default=str))


if __name__ == '__main__':
    main()
