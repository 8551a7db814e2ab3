# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Analysis: duplicates at intake, clusters, hot words, periodic issues and
reports.  Expected values are worked out by hand from the rules."""
import datetime as dt
import io
import zipfile
from unittest.mock import patch

from trytond.modules.sushi_ticket.tests.tools import (
    TranslationTestMixin, at, local, setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import dedup

PHONES = ['13905570001', '13905570002', '13905570003', '13905570004']


def make(text, phone=PHONES[0], when=(2025, 7, 1, 9), state='in_progress',
        **values):
    "A ticket received at when (local) in state, its text in description."
    pool = Pool()
    Ticket = pool.get('sushi.ticket')
    values.setdefault('title', text[:20])
    ticket, = Ticket.create([dict({
                    'requester_phone': phone,
                    'requester_name': '王女士',
                    'request_type': 'complaint',
                    'description': text,
                    'received_at': local(*when),
                    }, **values)])
    if state != 'draft':
        table = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state], [state],
                where=table.id == ticket.id))
        Ticket._record_cache_clear() if hasattr(
            Ticket, '_record_cache_clear') else None
        ticket = Ticket(ticket.id)
    return ticket


class SushiAnalysisTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_analysis module"
    module = 'sushi_analysis'

    def test_similarity_paraphrases_and_hard_negatives(self):
        "PLT-02: same place and problem in other words is a duplicate"
        threshold = 0.7
        same = [
            ('金色家园3号楼停水了', '金色家园小区三栋从昨晚到现在一直没有水，'
                '做饭都成问题'),
            # a homophone typo (谁 for 水) and a typo in the estate's suffix
            ('和平小区12栋断谁两天了', '和平小曲十二号楼停水两天，老人吃水困难'),
            ('汴河路路灯不亮', '晚上汴河路黑灯瞎火的，好几盏路灯都坏了'),
            ]
        different = [
            # the same template about another estate
            ('金色家园3号楼停水了', '阳光新城3号楼停水了'),
            # the same place, another problem
            ('金色家园3号楼停水了', '金色家园3号楼电梯坏了好几天没人修'),
            # another building of the same estate
            ('金色家园3栋电梯坏了', '金色家园8栋电梯坏了'),
            ('汴河路路灯不亮', '淮海路路灯不亮'),
            ]
        for a, b in same:
            self.assertGreaterEqual(dedup.similarity(a, b), threshold,
                msg='%s | %s' % (a, b))
        for a, b in different:
            self.assertLess(dedup.similarity(a, b), threshold,
                msg='%s | %s' % (a, b))

    def test_places_read(self):
        "Estates, roads, villages and buildings in Arabic or Chinese numerals"
        places = dedup.analyse('埇桥区汴河路金色家园十二号楼下水道堵了')[0]
        self.assertIn(('estate', '金色家园'), places)
        self.assertIn(('road', '汴河路'), places)
        self.assertIn(('building', '12'), places)
        self.assertIn(('village', '王楼村'),
            dedup.analyse('符离镇王楼村的路坑坑洼洼')[0])

    @with_transaction()
    def test_find_duplicates_with_reasons(self):
        "SCP-04 a: open orders on the same matter, ranked, with reasons"
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        same = make('金色家园小区3号楼停水一天了，没有通知',
            phone=PHONES[1], when=(2025, 7, 1, 8))
        make('阳光新城3号楼停水一天了，没有通知', phone=PHONES[2],
            when=(2025, 7, 1, 8))
        make('金色家园3号楼电梯坏了', phone=PHONES[3], when=(2025, 7, 1, 8))
        closed = make('金色家园3栋没水了', phone=PHONES[0],
            when=(2025, 6, 1, 8), state='closed')
        with at(2025, 7, 1, 10):
            draft = Ticket(description='金色家园三栋从昨晚开始没水了',
                requester_phone=PHONES[0], state='draft',
                received_at=local(2025, 7, 1, 10))
            found = draft.find_duplicates()
            self.assertEqual([t for t, _, _ in found], [same])
            reasons = found[0][2]
            self.assertIn('金色家园', reasons[0])
            self.assertTrue(any('没水' in r or '停水' in r for r in reasons))
            repeats = draft.find_duplicates(finished=True)
            self.assertEqual([t for t, _, _ in repeats], [closed])
            self.assertEqual(len(repeats[0][2]), 3)  # place, problem, phone
            hints = draft.on_change_with_duplicate_hints()
            self.assertIn(same.number, hints)
            self.assertIn(closed.number, hints)
            self.assertEqual(draft.find_similar(), [(same, found[0][1])])

    @with_transaction()
    def test_ticket_similarity_is_the_scorer(self):
        """PLT-02: Ticket.similarity is the analysis scorer: the same
        template about another estate scores 0.25 * problem = 0.25; the
        same estate, building and problem 0.45 + 0.4 + 0.15 = 1.0"""
        Ticket = Pool().get('sushi.ticket')
        self.assertAlmostEqual(Ticket.similarity(
                '金色家园3号楼停水了', '阳光新城3号楼停水了'), 0.25)
        # rest bigrams 金色 色家 家园 园3 3号 号楼 / 金色 色家 家园 园三 三栋:
        # Dice 6/11, doubled above 1
        self.assertAlmostEqual(Ticket.similarity(
                '金色家园3号楼停水了', '金色家园三栋停水了'), 1.0)

    def test_lookup_keys(self):
        """PLT-02: above 0.4 candidates are looked up by place and problem
        (and the place without a known problem, and the phone); below it,
        or with no known problem, by place"""
        text = '金色家园3号楼停水了'
        self.assertEqual(dedup.lookup_keys(text, '13905570001', 0.7), {
                'estate:金色家园|water_cut', 'estate:金色家园|',
                'phone:13905570001'})
        self.assertEqual(dedup.lookup_keys(text, None, 0.4),
            {'estate:金色家园'})
        self.assertEqual(dedup.lookup_keys('金色家园3号楼', None, 0.7),
            {'estate:金色家园'})
        self.assertEqual(dedup.matter_keys(text),
            {'estate:金色家园|water_cut'})
        self.assertEqual(dedup.matter_keys('金色家园3号楼'),
            {'estate:金色家园|'})

    def test_addresses_read_through_homophones_and_templates(self):
        """PLT-02 address normalisation: a homophone of the suffix (小曲,
        露, 搂) gives the same place key; 广场 of 广场舞 is no estate; 和
        joins two roads; one character apart is another estate"""
        self.assertEqual(dedup.keys('和平小曲12号搂停水'),
            dedup.keys('和平小区十二栋停水'))
        self.assertIn(('road', '上海路'), dedup.analyse('上海露路灯不亮')[0])
        self.assertIn(('building', '12'), dedup.analyse('和平小曲12号搂')[0])
        self.assertEqual(dedup.analyse('宏达花园每天晚上跳广场舞')[0],
            {('estate', '宏达花园')})
        self.assertEqual(dedup.analyse('幸福街和东风街交叉口积水')[0],
            {('road', '幸福街'), ('road', '东风街')})
        # the same template about two estates: 0.25 * problem (1.0)
        self.assertAlmostEqual(dedup.similarity(
                '宏达花园每天晚上跳广场舞，喇叭开得震天响',
                '新华公寓小区每天晚上跳广场舞，喇叭开得震天响'), 0.25)
        self.assertAlmostEqual(dedup.similarity(
                '锦华新村小区暖气不热', '新华新村小区暖气不热'), 0.25)

    @with_transaction()
    def test_update_rekeys_tickets_indexed_before(self):
        """PLT-02, ANA-11: tickets indexed before the place-and-problem keys
        (no 'matter' and 'version' rows) are re-keyed by the module update
        within the longest lookup window (repeat window: 90 days) and found
        again; older ones are left as they were"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        Key = pool.get('sushi.analysis.ticket_key')
        k = Key.__table__()
        cursor = Transaction().connection.cursor()
        old = make('金色家园3栋没水了', phone=PHONES[1], when=(2025, 7, 1, 8))
        # 1 July 10:00 less 90 days is 2 April 10:00
        older = make('金色家园3栋没水了', phone=PHONES[2],
            when=(2025, 4, 2, 9))
        cursor.execute(*k.delete(where=k.kind.in_(['matter', 'version'])))

        def matter(ticket):
            cursor.execute(*k.select(k.key, where=(k.ticket == ticket.id)
                    & (k.kind == 'matter')))
            return {key for key, in cursor}
        with at(2025, 7, 1, 10):
            draft = Ticket(description='金色家园三栋从昨晚开始没水了',
                requester_phone=PHONES[0], state='draft',
                received_at=local(2025, 7, 1, 10))
            self.assertEqual(draft.find_duplicates(), [])
            Ticket.__register__('sushi_analysis')
            self.assertEqual([t for t, _, _ in draft.find_duplicates()],
                [old])
            self.assertEqual(matter(old), {'estate:金色家园|water_cut'})
            self.assertEqual(matter(older), set())
            # done once: nothing left to re-key
            self.assertEqual(Ticket.rekey_outdated(), 0)

    def test_quality_on_held_out_set(self):
        """PLT-02 quality target of #12 on the held-out split of the
        labelled set at the default threshold 0.70: precision >= 0.9,
        F1 >= 0.85 (bench/bench_dedup.py quality prints the figures)"""
        import itertools
        import json
        from pathlib import Path
        path = Path(__file__).resolve().parents[3] / 'bench' / 'data' / (
            'dedup_labelled.jsonl')
        if not path.exists():
            self.skipTest('no labelled set beside the module')
        with open(path, encoding='utf-8') as f:
            rows = [json.loads(line) for line in f if line.strip()]
        rows = [r for r in rows if r['split'] == 'heldout']
        tp = fp = fn = 0
        for a, b in itertools.combinations(rows, 2):
            found = dedup.similarity(a['text'], b['text']) >= 0.7
            same = a['group'] == b['group']
            tp += found and same
            fp += found and not same
            fn += same and not found
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        self.assertGreaterEqual(precision, 0.9)
        self.assertGreaterEqual(
            2 * precision * recall / (precision + recall), 0.85)

    @with_transaction()
    def test_repeat_window(self):
        """SCP-04 b, c: closed orders within repeat_window_days (90) of the
        new request are shown, older ones not"""
        pool = Pool()
        Ticket = pool.get('sushi.ticket')
        # 1 July 10:00 less 90 days is 2 April 10:00
        inside = make('金色家园3栋没水了', when=(2025, 4, 2, 11),
            state='closed')
        make('金色家园3栋没水了', when=(2025, 4, 2, 9), state='closed')
        with at(2025, 7, 1, 10):
            draft = Ticket(description='金色家园三栋从昨晚开始没水了',
                requester_phone=PHONES[0], state='draft',
                received_at=local(2025, 7, 1, 10))
            self.assertEqual([t for t, _, _ in draft.find_duplicates(
                        finished=True)], [inside])
            self.assertEqual(draft.find_duplicates(), [])

    @with_transaction()
    def test_cluster_candidates_latest_per_matter(self):
        """ANA-11: the cron's candidates are the latest requests sharing a
        lookup key in the window before the ticket (by key in one query,
        merged); itself, later ones and those of no matter are left out"""
        pool = Pool()
        Cluster = pool.get('sushi.analysis.cluster')
        config = pool.get('sushi.configuration').get_values()
        make(  # before the 30-day window: never a candidate
            '汴河花园5栋停水了', phone=PHONES[0], when=(2025, 6, 1, 8))
        a = make('汴河花园5栋停水了', phone=PHONES[1], when=(2025, 7, 1, 8))
        b = make('汴河花园五号楼没水了', phone=PHONES[2], when=(2025, 7, 2, 8))
        rejected = make('汴河花园停水三天了', phone=PHONES[3],
            when=(2025, 7, 2, 9), state='rejected')
        # another matter at the same place, by the new ticket's phone
        c = make('汴河花园门口路灯不亮', phone=PHONES[0], when=(2025, 7, 2, 10))
        new = make('汴河花园5号楼还是没水', phone=PHONES[0],
            when=(2025, 7, 3, 8))
        make('汴河花园5栋停水了', phone=PHONES[1], when=(2025, 7, 4, 8))
        row, = Cluster._ticket_rows([new.id])
        lookups = [(new.id, key, row.received_at,
                row.received_at - dt.timedelta(days=30))
            for key in ['estate:汴河花园|water_cut', 'phone:13905570001']]
        # 30 days back from 3 July: 'old' (1 June) is out, and so is the
        # later one; the rejected request is read (the lookup reads the
        # index only) and dropped after
        self.assertEqual([o for _, o in Cluster._candidates(lookups, 10)],
            [c.id, rejected.id, b.id, a.id])
        # the latest 2 over both keys: c (by the phone), then the rejected
        self.assertEqual([o for _, o in Cluster._candidates(lookups, 2)],
            [c.id, rejected.id])
        matches = Cluster._match_rows([row], config)[new.id]
        # c is another problem (路灯): below the threshold even with the
        # phone; the rejected request is no matter
        self.assertEqual([(o.id, same) for o, same in matches],
            [(b.id, False), (a.id, False)])
        # the record API of the demo history gives the same, and the
        # three open one 多人一投 cluster (no phone in common: no 一人多投)
        found = Cluster._batch_matches([new], config)[new.id]
        self.assertEqual([(o.id, same) for o, same in found],
            [(b.id, False), (a.id, False)])
        cluster, = Cluster.browse(Cluster._cluster_ticket(new, config, found))
        self.assertEqual((cluster.kind, {t.id for t in cluster.tickets}),
            ('many_to_one', {a.id, b.id, new.id}))

    @with_transaction()
    def test_cluster_name_without_contacts(self):
        """ANA-11, PUB-06: a cluster named after an order's title (no place
        or problem words in common) shows it without the phone, e-mail or
        name its requester typed: analysts read clusters, not requesters"""
        pool = Pool()
        Cluster = pool.get('sushi.analysis.cluster')
        Configuration = pool.get('sushi.configuration')
        with at(2025, 6, 30, 0):
            Configuration.write([Configuration(1)],
                {'cluster_checkpoint': local(2025, 6, 30, 0)})
        text = '我是王女士，电话13905570009，请尽快回电'
        make(text, phone=PHONES[0], when=(2025, 7, 1, 8))
        make(text, phone=PHONES[0], when=(2025, 7, 2, 8))
        with at(2025, 7, 3, 12):
            Cluster.update_clusters()
        names = [c.name for c in Cluster.search([])]
        self.assertTrue(names)
        for name in names:
            self.assertNotIn('13905570009', name)
            self.assertNotIn('王女士', name)

    @with_transaction()
    def test_cluster_window_and_threshold_settings(self):
        """ANA-11: a requester more than 7 days after the others is not
        counted; the requester threshold is a setting"""
        pool = Pool()
        Cluster = pool.get('sushi.analysis.cluster')
        Configuration = pool.get('sushi.configuration')
        with at(2025, 6, 30, 0):
            Configuration.write([Configuration(1)],
                {'cluster_checkpoint': local(2025, 6, 30, 0)})
        make('汴河花园5栋停水了', phone=PHONES[0], when=(2025, 7, 1, 8))
        make('汴河花园五号楼没水了', phone=PHONES[1], when=(2025, 7, 2, 8))
        # 10 July less 7 days is 3 July: the two are out of its window
        make('汴河花园5号楼断水了', phone=PHONES[2], when=(2025, 7, 10, 8))
        with at(2025, 7, 10, 12):
            Cluster.update_clusters()
        cluster, = Cluster.search([])
        self.assertEqual((cluster.state, cluster.ticket_count,
                cluster.requester_count), ('forming', 2, 2))
        # the run is the scheduler's: not a method a client may call
        # (an RPC call of a method not in __rpc__ is refused)
        self.assertNotIn('update_clusters', Cluster.__rpc__)
        Configuration.write([Configuration(1)],
            {'many_to_one_requesters': 2})
        Cluster.refresh([cluster])
        self.assertEqual(Cluster(cluster.id).state, 'active')

    @with_transaction()
    def test_hot_words_by_region_over_a_week(self):
        """ANA-04, ANA-05: burst scores by region, over a week: with c in
        the week and b in the 4 weeks before, e = (b + 0.5) * 7 / 28 and
        score = (c - e) / sqrt(e + 1)"""
        pool = Pool()
        Trend = pool.get('sushi.analysis.trend')
        Unit = pool.get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        other, = Unit.search([('code', '=', 'xiao_county')])
        # 埇桥区: 停水 6 times in the week of 7 July (four requesters:
        # PUB-06), twice in June
        for i, day in enumerate((7, 8, 9, 10, 11, 12)):
            make('翡翠城停水了', phone=PHONES[i % 4], when=(2025, 7, day, 9),
                region=county.id)
        for day in (10, 20):
            make('翡翠城停水了', when=(2025, 6, day, 9), region=county.id)
        # 萧县: 停水 twice in the week, under the minimum of 3
        for day in (7, 8):
            make('龙城路停水了', when=(2025, 7, day, 9), region=other.id)
        words = Trend.hot_words(local(2025, 7, 7, 0), local(2025, 7, 14, 0),
            group='region')
        water = [(w['group'], w['count'], w['baseline'], w['score'])
            for w in words if w['word'] == '停水']
        # e = 2.5 * 7 / 28 = 0.625; (6 - 0.625) / sqrt(1.625) = 4.22
        self.assertEqual(water, [(county.id, 6, 2, 4.22)])

    @with_transaction()
    def test_hot_words_by_category(self):
        """ANA-04: burst scores by category: with c today and b = 0 in the
        4 weeks before, e = 0.5 / 28 and score = (c - e) / sqrt(e + 1)"""
        pool = Pool()
        Category = pool.get('sushi.category')
        Trend = pool.get('sushi.analysis.trend')
        first, second = Category.search([], limit=2, order=[('id', 'ASC')])
        for i in range(4):
            make('翡翠城停水了', phone=PHONES[i], when=(2025, 6, 29, 9 + i),
                category=first.id)
        for i in range(3):
            make('淮海路路灯不亮', phone=PHONES[i], when=(2025, 6, 29, 9 + i),
                category=second.id)
        # 停水 once in the other category: under the minimum of 3
        make('龙城路停水了', phone=PHONES[3], when=(2025, 6, 29, 14),
            category=second.id)
        words = Trend.hot_words(local(2025, 6, 29, 0), local(2025, 6, 30, 0),
            group='category')
        found = [(w['group'], w['word'], w['count'], w['baseline'],
                w['score']) for w in words if w['word'] in {'停水', '路灯'}]
        # (4 - 0.0179) / sqrt(1.0179) = 3.95; (3 - 0.0179) / 1.0089 = 2.96
        self.assertEqual(found, [(first.id, '停水', 4, 0, 3.95),
                (second.id, '路灯', 3, 0, 2.96)])

    @with_transaction()
    def test_hot_words_follow_the_domain_dictionary(self):
        """ANA-04: a word of the domain dictionary is counted whole (群租房,
        not 搞群 and 租房) and its stop words are left out (有人)"""
        pool = Pool()
        Term = pool.get('sushi.knowledge.term')
        Trend = pool.get('sushi.analysis.trend')
        for i in range(3):
            make('翡翠城有人搞群租房', phone=PHONES[i],
                when=(2025, 6, 28, 9 + i))
        Term.create([{'word': '群租房', 'kind': 'other'},
                {'word': '有人', 'kind': 'stop'}])
        for i in range(3):
            make('翡翠城有人搞群租房', phone=PHONES[i],
                when=(2025, 6, 29, 9 + i))

        def hot(day):
            return {w['word']: w['score'] for w in Trend.hot_words(
                    local(2025, 6, day, 0), local(2025, 6, day + 1, 0))}
        # before: jieba's own cut
        self.assertLessEqual({'有人', '搞群', '租房'}, set(hot(28)))
        self.assertNotIn('群租房', hot(28))
        # after: 3 requests, none in the 4 weeks before: (3 - 0.0179) /
        # sqrt(1.0179) = 2.96
        words = hot(29)
        self.assertEqual(words['群租房'], 2.96)
        self.assertFalse({'有人', '搞群'} & set(words))

    @with_transaction()
    def test_report_schedule(self):
        """ANA-04..06: the daily report the next morning, the weekly on
        Tuesday, the monthly in the first week; with the ANA-04 option,
        the daily reports on the next working day"""
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Configuration = pool.get('sushi.configuration')
        d = dt.date
        # Monday 7 July 2025
        self.assertEqual(Report.due_periods(local(2025, 7, 7, 7, 59)), [])
        self.assertEqual(Report.due_periods(local(2025, 7, 7, 8, 30)), [
                ('daily', d(2025, 7, 6), d(2025, 7, 6)),
                ('monthly', d(2025, 6, 1), d(2025, 6, 30))])
        # Tuesday 8 July: no monthly after the 7th
        self.assertEqual(Report.due_periods(local(2025, 7, 8, 9)), [
                ('daily', d(2025, 7, 7), d(2025, 7, 7)),
                ('weekly', d(2025, 6, 30), d(2025, 7, 6))])
        Configuration.write([Configuration(1)],
            {'daily_report_working_day': True})
        # Saturday 12 July: no daily report
        self.assertEqual(Report.due_periods(local(2025, 7, 12, 9)), [
                ('weekly', d(2025, 6, 30), d(2025, 7, 6))])
        # Monday 14 July: Friday's, Saturday's and Sunday's
        self.assertEqual(Report.due_periods(local(2025, 7, 14, 9)), [
                ('daily', d(2025, 7, 11), d(2025, 7, 11)),
                ('daily', d(2025, 7, 12), d(2025, 7, 12)),
                ('daily', d(2025, 7, 13), d(2025, 7, 13))])

    @with_transaction()
    def test_report_schedule_awkward_weeks(self):
        """ANA-04..06 in awkward weeks: National Day 2026 and its make-up
        Saturday with the working-day option; the week of Monday
        28 December 2026 to Sunday 3 January 2027 (ISO week 53), its
        weekly report on Tuesday 5 January; and, 2027 having no official
        schedule (CONV-03), the reports that need none are still due (the
        daily ones fall back to the calendar day, ANA-04's default)"""
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Configuration = pool.get('sushi.configuration')
        Year = pool.get('sushi.calendar.year')
        d = dt.date
        # without the option: Tuesday 5 January 2027, ISO week 53 of 2026
        self.assertEqual(d(2026, 12, 28).isocalendar()[:2], (2026, 53))
        self.assertEqual(Report.due_periods(local(2027, 1, 5, 9)), [
                ('daily', d(2027, 1, 4), d(2027, 1, 4)),
                ('weekly', d(2026, 12, 28), d(2027, 1, 3)),
                ('monthly', d(2026, 12, 1), d(2026, 12, 31))])
        Configuration.write([Configuration(1)],
            {'daily_report_working_day': True})
        # Thursday 8 October 2026, first working day after National Day:
        # the eve's report (30 September) and the seven holidays'
        self.assertEqual(Report.due_periods(local(2026, 10, 8, 9)), [
                ('daily', d(2026, 9, 30) + dt.timedelta(days=i),
                    d(2026, 9, 30) + dt.timedelta(days=i))
                for i in range(8)] + [
                ('weekly', d(2026, 9, 28), d(2026, 10, 4))])
        # the make-up Saturday 10 October: Friday's; Monday 12 October:
        # the make-up Saturday's and Sunday's
        self.assertEqual(Report.due_periods(local(2026, 10, 10, 9)), [
                ('daily', d(2026, 10, 9), d(2026, 10, 9)),
                ('weekly', d(2026, 9, 28), d(2026, 10, 4))])
        self.assertEqual(Report.due_periods(local(2026, 10, 12, 9)), [
                ('daily', d(2026, 10, 10), d(2026, 10, 10)),
                ('daily', d(2026, 10, 11), d(2026, 10, 11))])
        Year.delete(Year.search([('year', '=', 2027)]))
        # Friday 1 January 2027: whether it is a working day is unknown;
        # 31 December's report is due by the calendar day
        self.assertEqual(Report.due_periods(local(2027, 1, 1, 9)), [
                ('daily', d(2026, 12, 31), d(2026, 12, 31)),
                ('weekly', d(2026, 12, 21), d(2026, 12, 27)),
                ('monthly', d(2026, 12, 1), d(2026, 12, 31))])
        self.assertEqual(Report.due_periods(local(2027, 1, 5, 9)), [
                ('daily', d(2027, 1, 4), d(2027, 1, 4)),
                ('weekly', d(2026, 12, 28), d(2027, 1, 3)),
                ('monthly', d(2026, 12, 1), d(2026, 12, 31))])
        with at(2027, 1, 5, 9):
            reports = Report.generate_due()
        self.assertEqual(sorted((r.kind, r.period_start) for r in reports), [
                ('daily', d(2027, 1, 4)), ('monthly', d(2026, 12, 1)),
                ('weekly', d(2026, 12, 28))])

    @with_transaction()
    def test_reports_caught_up_after_missed_days(self):
        """ANA-04..06: the report cron run twice in a minute makes each
        report once; after a server stopped from Thursday 3 July 2025
        9:00 to Monday 14 July 9:00 the first run makes what fell due
        meanwhile (the daily reports of 3-12 July, the weekly of 30 June -
        6 July) besides Sunday's, and nothing older than the newest
        reports; with the ANA-04 option on a Sunday only the days whose
        next working day has come"""
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Configuration = pool.get('sushi.configuration')
        d = dt.date

        def made(when):
            with at(*when), patch('trytond.modules.sushi_analysis.report.'
                    'send_message_transactional'), patch(
                    'trytond.modules.sushi_ticket.notification.'
                    'send_message_transactional'):
                return sorted((r.kind, r.period_start, r.period_end)
                    for r in Report.generate_due())
        # a new database: only what is due (nothing before it is missed)
        self.assertEqual(made((2025, 7, 3, 9)), [
                ('daily', d(2025, 7, 2), d(2025, 7, 2)),
                ('monthly', d(2025, 6, 1), d(2025, 6, 30)),
                ('weekly', d(2025, 6, 23), d(2025, 6, 29))])
        self.assertEqual(made((2025, 7, 3, 9)), [])
        self.assertEqual(made((2025, 7, 3, 9, 0, 30)), [])
        # Monday 14 July: Sunday 13 July is due; 3..12 July were due on
        # 4..13 July; the week of 30 June was due on Tuesday 8 July, that
        # of 7 July is due on Tuesday 15 July; July's monthly in August
        self.assertEqual(made((2025, 7, 14, 9)),
            [('daily', d(2025, 7, i), d(2025, 7, i)) for i in range(3, 14)]
            + [('weekly', d(2025, 6, 30), d(2025, 7, 6))])
        self.assertEqual(made((2025, 7, 14, 9)), [])
        # with the option, stopped from Tuesday 15 July 9:00 (14 July's
        # report made) to Sunday 20 July 9:00: 15 July's was due on the
        # 16th, 16th's on the 17th, 17th's on the 18th; Friday 18's and
        # Saturday 19's are due on Monday 21 July; the weekly of 7 July
        # was due on Tuesday 15 July
        Configuration.write([Configuration(1)],
            {'daily_report_working_day': True})
        self.assertEqual(made((2025, 7, 15, 9)), [
                ('daily', d(2025, 7, 14), d(2025, 7, 14)),
                ('weekly', d(2025, 7, 7), d(2025, 7, 13))])
        self.assertEqual(made((2025, 7, 20, 9)),
            [('daily', d(2025, 7, i), d(2025, 7, i)) for i in [15, 16, 17]])
        self.assertEqual(made((2025, 7, 21, 9)),
            [('daily', d(2025, 7, i), d(2025, 7, i)) for i in [18, 19, 20]])
        # stopped after that run until Friday 8 August: July's monthly
        # (due 1-7 August) is made, late, not lost, with the weeks of 14,
        # 21 and 28 July (due Tuesdays 22 and 29 July, 5 August)
        self.assertEqual([r for r in made((2025, 8, 8, 9))
                if r[0] != 'daily'], [
                ('monthly', d(2025, 7, 1), d(2025, 7, 31)),
                ('weekly', d(2025, 7, 14), d(2025, 7, 20)),
                ('weekly', d(2025, 7, 21), d(2025, 7, 27)),
                ('weekly', d(2025, 7, 28), d(2025, 8, 3))])

    @with_transaction()
    def test_special_and_emergency_reports(self):
        """ANA-07: the special report lists the active clusters open
        longer than blocking_open_days (30), tagged to their units;
        ANA-08: the emergency report lists the emergency transfers"""
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Cluster = pool.get('sushi.analysis.cluster')
        Unit = pool.get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        ticket = make('翡翠城夜间施工噪音扰民', when=(2025, 5, 31, 22),
            region=county.id)
        # 1 July 00:00 (Shanghai) less 30 days is 1 June 00:00: the first
        # request of 31 May 22:00 is older, that of 2 June is not
        old, recent = Cluster.create([{
                    'kind': 'many_to_one', 'name': '翡翠城 施工',
                    'state': 'active', 'open_count': 1,
                    'first_at': local(2025, 5, 31, 22),
                    'last_at': local(2025, 7, 1, 22),
                    'tickets': [('add', [ticket.id])]}, {
                    'kind': 'many_to_one', 'name': '银河小区 垃圾',
                    'state': 'active', 'open_count': 1,
                    'first_at': local(2025, 6, 2, 9),
                    'last_at': local(2025, 7, 1, 9)}])
        with at(2025, 7, 1, 10):
            self.assertEqual(Cluster.blocking_clusters(dt.date(2025, 7, 1)),
                [old])
            special = Report.generate('special', dt.date(2025, 6, 1),
                dt.date(2025, 7, 1))
        blocking = [(s.title, s.unit) for s in special.sections
            if s.body.startswith('Blocking issue')]
        self.assertEqual(blocking, [('翡翠城 施工', county)])
        self.assertIn('翡翠城 施工', bytes(special.document).decode('utf-8'))
        emergency = make('化工厂爆炸起火', when=(2025, 7, 1, 9),
            state='transferred')
        data = Report.collect('emergency', dt.date(2025, 7, 1),
            dt.date(2025, 7, 1))
        self.assertEqual(data['emergencies'], [emergency])

    @with_transaction()
    def test_daily_report_recipients(self):
        """ANA-03, D-24: the daily report goes to the analysts and unit
        heads, to the city leaders only when configured"""
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Configuration = pool.get('sushi.configuration')
        setup_network()
        make('汴河花园5栋停水了', when=(2025, 7, 1, 9))

        def recipients():
            report = Report.generate('daily', dt.date(2025, 7, 1),
                dt.date(2025, 7, 1))
            with patch('trytond.modules.sushi_analysis.report.'
                    'send_message_transactional') as send, \
                    patch('trytond.modules.sushi_ticket.notification.'
                        'send_message_transactional'):
                Report.send([report])
            return {call.args[0]['To'] for call in send.call_args_list}
        with at(2025, 7, 2, 9):
            sent = recipients()
            self.assertTrue(any('analyst' in r for r in sent))
            self.assertFalse(any('city_leader' in r for r in sent))
            Configuration.write([Configuration(1)],
                {'daily_report_to_leaders': True})
            self.assertTrue(any('city_leader' in r for r in recipients()))

    @with_transaction()
    def test_statistics_by_category_channel_and_unit(self):
        "ANA-10: the counts by category, channel and lead unit"
        pool = Pool()
        Statistic = pool.get('sushi.analysis.statistic')
        Category = pool.get('sushi.category')
        Channel = pool.get('sushi.channel')
        Unit = pool.get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        first, second = Category.search([], limit=2, order=[('id', 'ASC')])
        channel, = Channel.search([], limit=1, order=[('id', 'ASC')])
        for i in range(2):
            make('淮海路路灯不亮', when=(2025, 7, 1, 9 + i),
                category=first.id, channel=channel.id, lead_unit=county.id)
        make('龙城路路灯不亮', when=(2025, 7, 2, 9), category=second.id,
            channel=channel.id)
        with Transaction().set_context(from_date=dt.date(2025, 7, 1),
                to_date=dt.date(2025, 7, 31)):
            records = Statistic.search([])
        totals = {}
        for record in records:
            for name in ('category', 'channel', 'unit'):
                key = (name, getattr(record, name))
                totals[key] = totals.get(key, 0) + record.count
        self.assertEqual(totals[('category', first)], 2)
        self.assertEqual(totals[('category', second)], 1)
        self.assertEqual(totals[('channel', channel)], 3)
        self.assertEqual(totals[('unit', county)], 2)

        # The screen opens on the current month of Suzhou (UTC+8): at
        # 17:00 UTC on 30 November it is already 1 December there.
        Context = pool.get('sushi.analysis.statistic.context')
        with Transaction().set_context(
                sushi_now=dt.datetime(2026, 11, 30, 17, 0)):
            self.assertEqual(Context.default_from_date(), dt.date(2026, 12, 1))
            self.assertEqual(Context.default_to_date(), dt.date(2026, 12, 1))

    @with_transaction()
    def test_clusters(self):
        "ANA-11: 3 requesters in 7 days, one requester 3 times in 30 days"
        pool = Pool()
        Cluster = pool.get('sushi.analysis.cluster')
        Configuration = pool.get('sushi.configuration')
        with at(2025, 6, 30, 0):
            Configuration.write([Configuration(1)],
                {'cluster_checkpoint': local(2025, 6, 30, 0)})
        for i, phone in enumerate(PHONES[:2]):
            make('汴河花园5栋停水了，到现在没来水', phone=phone,
                when=(2025, 7, 1, 8 + i))
        # the same template elsewhere is another matter
        make('锦华小区5栋停水了，到现在没来水', phone=PHONES[3],
            when=(2025, 7, 1, 9))
        with at(2025, 7, 1, 12):
            Cluster.update_clusters()
        cluster, = Cluster.search([('kind', '=', 'many_to_one')])
        self.assertEqual(cluster.state, 'forming')
        self.assertEqual(cluster.requester_count, 2)
        # a third requester, six days later: 多人一投
        make('汴河花园五号楼断水好几天了', phone=PHONES[2],
            when=(2025, 7, 7, 8))
        with at(2025, 7, 7, 12):
            Cluster.update_clusters()
        cluster, = Cluster.search([('kind', '=', 'many_to_one')])
        self.assertEqual(cluster.state, 'active')
        self.assertEqual((cluster.ticket_count, cluster.requester_count),
            (3, 3))
        self.assertIn('汴河花园', cluster.name)
        # SUP-02 (3) dates its fact when the cluster became active: the
        # third requester's call, 7 July 8:00, not the cron's run at 12:00
        self.assertEqual(cluster.activated_at, local(2025, 7, 7, 8))
        # a fourth requester later leaves that moment as it was
        make('汴河花园5栋停水了，到现在没来水', phone='13905570005',
            when=(2025, 7, 8, 10))
        with at(2025, 7, 8, 12):
            Cluster.update_clusters()
        cluster, = Cluster.search([('kind', '=', 'many_to_one')])
        self.assertEqual((cluster.requester_count, cluster.last_at,
                cluster.activated_at),
            (4, local(2025, 7, 8, 10), local(2025, 7, 7, 8)))
        # one requester calls three times in 30 days: 一人多投
        for day in (2, 12, 25):
            make('滨河人家楼下烧烤店油烟太大，呛得不敢开窗', phone=PHONES[3],
                when=(2025, 7, day, 20))
        with at(2025, 7, 26, 0):
            Cluster.update_clusters()
        repeat, = Cluster.search([('kind', '=', 'one_to_many')])
        self.assertEqual((repeat.state, repeat.ticket_count,
                repeat.requester_count), ('active', 3, 1))
        # the third request (ANA-11 one_to_many_tickets 3) made it active
        self.assertEqual(repeat.activated_at, local(2025, 7, 25, 20))
        self.assertEqual(Cluster.active_clusters(kind='one_to_many'),
            [repeat])
        values = Cluster.proposal_values([repeat])[repeat.id]
        self.assertEqual(len(values['tickets']), 3)
        # CON-05 a, SUP-02 (3): the proposals go to sushi_supervision,
        # which this test database does not have: a clear refusal
        from trytond.model.exceptions import AccessError
        with self.assertRaises(AccessError) as refused:
            Cluster.propose_topic([repeat])
        self.assertIn('sushi_supervision', refused.exception.message)
        with self.assertRaises(AccessError):
            Cluster.propose_supervision([repeat])
        self.assertFalse(Cluster(repeat.id).proposed_as)

    @with_transaction()
    def test_hot_words_burst(self):
        "ANA-04: a word rising today beats a word always frequent"
        pool = Pool()
        Trend = pool.get('sushi.analysis.trend')
        # 路灯 every other day for four weeks, 6 times today
        for day in range(1, 29, 2):
            make('淮海路路灯不亮', phone=PHONES[0], when=(2025, 6, day, 9))
        for i in range(6):
            make('淮海路路灯不亮', phone=PHONES[i % 4],
                when=(2025, 6, 29, 8 + i))
        # 停水 never before, 4 times today
        for i in range(4):
            make('翡翠城停水了', phone=PHONES[i], when=(2025, 6, 29, 9 + i))
        words = Trend.hot_words(local(2025, 6, 29, 0), local(2025, 6, 30, 0))
        by_word = {w['word']: w for w in words}
        # 停水: c=4, b=0 → e=0.5/28, score=(4-e)/sqrt(1+e) ≈ 3.93
        self.assertAlmostEqual(by_word['停水']['score'], 3.93, places=1)
        # 路灯: c=6, b=14 → e=14.5/28≈0.518, score=(6-.518)/sqrt(1.518)≈4.45
        self.assertAlmostEqual(by_word['路灯']['score'], 4.45, places=1)
        self.assertEqual(by_word['停水']['baseline'], 0)

    @with_transaction()
    def test_ana04_pub06_hot_words_name_nobody(self):
        """ANA-04, PUB-06: the hot words go to unit heads and city leaders
        and analysts read them, who may not read requesters.  Three orders
        of one requester (one phone) who put her name in the title give no
        hot word at all: a word needs 3 distinct requesters.  Three
        requesters (three phones) with the same title give its words
        (淮海路路灯不亮: 不亮, 淮海路, 灯不亮, 路灯; 反映 is a stop word),
        never the name 李秀英: the requester's own name is masked and a
        person name jieba tags is left out even when its bearer is not
        the requester.  c = 3, b = 0: (3 - 0.5 / 28) / sqrt(1 + 0.5 / 28)
        = 2.96"""
        Trend = Pool().get('sushi.analysis.trend')
        title = '李秀英反映淮海路路灯不亮'
        for hour in (9, 10, 11):
            make(title, phone=PHONES[0], requester_name='李秀英',
                when=(2025, 7, 1, hour))
        self.assertEqual(Trend.hot_words(
                local(2025, 7, 1, 0), local(2025, 7, 2, 0)), [])
        Key = Pool().get('sushi.analysis.ticket_key')
        for i, name in enumerate(['李秀英', '王女士', '张先生']):
            ticket = make(title, phone=PHONES[i + 1], requester_name=name,
                when=(2025, 6, 29, 9 + i))
            # rows of an index made before: a name in jieba's dictionary
            # (陈晓明, nr) and a token that is not Chinese are left out
            Key.create([{'ticket': ticket.id, 'kind': 'word', 'key': key,
                        'received_at': ticket.received_at,
                        'requester': 'phone:%s' % PHONES[i + 1]}
                    for key in ['陈晓明', 'app']])
        self.assertEqual([(w['word'], w['count'], w['score'])
                for w in Trend.hot_words(
                    local(2025, 6, 29, 0), local(2025, 6, 30, 0))], [
                ('不亮', 3, 2.96), ('淮海路', 3, 2.96), ('灯不亮', 3, 2.96),
                ('路灯', 3, 2.96)])

    @with_transaction()
    def test_hot_words_leave_out_the_stop_word_setting(self):
        "ANA-04: the words left out of the hot words are a setting"
        pool = Pool()
        Configuration = pool.get('sushi.configuration')
        Trend = pool.get('sushi.analysis.trend')
        self.assertIn('来电', Configuration.statistics_stop_word_set())
        config = Configuration(1)
        config.statistics_stop_words = '来电，停水'
        config.save()
        for i in range(4):
            make('翡翠城停水了', phone=PHONES[i], when=(2025, 6, 29, 9 + i))
            make('淮海路路灯不亮', phone=PHONES[i],
                when=(2025, 6, 29, 9 + i))
        words = [w['word'] for w in Trend.hot_words(
                local(2025, 6, 29, 0), local(2025, 6, 30, 0))]
        self.assertIn('路灯', words)
        self.assertNotIn('停水', words)

    @with_transaction()
    def test_periodic_issues(self):
        "ANA-06: 供暖 in November of previous years, for next month"
        pool = Pool()
        Trend = pool.get('sushi.analysis.trend')
        for year in (2023, 2024):
            # four requesters (PUB-06: a word of one requester is none)
            for i, day in enumerate((3, 8, 15, 22)):
                make('清华苑暖气不热，供暖温度太低', phone=PHONES[i],
                    when=(year, 11, day, 9))
            make('清华苑路灯不亮', when=(year, 11, 5, 9))
            for month in (2, 5, 8):
                make('清华苑路灯不亮', when=(year, month, 5, 9))
        issues = Trend.periodic_issues(dt.date(2025, 11, 1))
        words = [i['word'] for i in issues]
        self.assertIn('供暖', words)
        self.assertNotIn('路灯', words)
        heating = issues[words.index('供暖')]
        self.assertEqual(heating['years'], [2024, 2023])
        # 4 in November, 4 in the year: 4 / (4/12) = 12
        self.assertEqual(heating['lift'], 12)

    @with_transaction()
    def test_daily_report(self):
        "ANA-04: the daily report tags units, renders, and is delivered"
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Cluster = pool.get('sushi.analysis.cluster')
        Section = pool.get('sushi.analysis.report.section')
        ns = setup_network()
        for i, phone in enumerate(PHONES[:3]):
            make('汴河花园5栋停水了，到现在没来水', phone=phone,
                when=(2025, 7, 1, 8 + i), region=ns.county.id)
        with at(2025, 7, 1, 12):
            Cluster.update_clusters()
        self.assertEqual(Report.due_periods(local(2025, 7, 2, 7)), [])
        with at(2025, 7, 2, 8, 30), \
                patch('trytond.modules.sushi_analysis.report.'
                    'send_message_transactional') as send, \
                patch('trytond.modules.sushi_ticket.notification.'
                    'send_message_transactional'):
            # Wednesday 2 July 2025: yesterday's daily report and last
            # week's weekly report (Tuesday has passed) are due
            self.assertEqual(Report.due_periods(), [
                    ('daily', dt.date(2025, 7, 1), dt.date(2025, 7, 1)),
                    ('weekly', dt.date(2025, 6, 23), dt.date(2025, 6, 29)),
                    ('monthly', dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
                    ])
            reports = Report.generate_due()
            self.assertEqual(len(reports), 3)
            daily, = [r for r in reports if r.kind == 'daily']
            self.assertEqual(daily.state, 'sent')
            self.assertEqual(daily.ticket_count, 3)
            html = bytes(daily.document).decode('utf-8')
            self.assertIn('多人一投与一人多投', html)
            self.assertIn('汴河花园', html)
            self.assertIn('<svg', html)
            self.assertIn('埇桥区', html)
            with zipfile.ZipFile(io.BytesIO(bytes(daily.spreadsheet))) as z:
                self.assertIn('xl/workbook.xml', z.namelist())
            sections = Section.search([('report', '=', daily.id)])
            # the cluster and the district's hot words, tagged to 埇桥区
            self.assertEqual({s.unit for s in sections}, {ns.county})
            self.assertTrue(any('汴河花园' in s.body for s in sections))
            # the city leader and the analyst get the documents
            recipients = {call.args[0]['To'] for call in send.call_args_list}
            self.assertTrue(any('city_leader' in r for r in recipients))
            # and none is made twice
            self.assertEqual(Report.generate_due(), [])
        # the unit leader reads the section of his unit only
        with Transaction().set_user(ns.leader.id), \
                Transaction().set_context(_check_access=True):
            mine = Section.search([])
            self.assertTrue(mine)
            self.assertEqual({s.unit for s in mine}, {ns.county})
        with Transaction().set_user(ns.city_handler.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Section.search([]), [])

    @with_transaction()
    def test_statistics_pivot(self):
        "ANA-10: counts by region for the graphs, and the Excel pivot"
        pool = Pool()
        Statistic = pool.get('sushi.analysis.statistic')
        Pivot = pool.get('sushi.analysis.statistic.pivot', type='report')
        Unit = pool.get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        other, = Unit.search([('code', '=', 'xiao_county')])
        for i in range(3):
            make('淮海路路灯不亮', when=(2025, 7, 1, 9 + i), region=county.id)
        make('龙城路路灯不亮', when=(2025, 7, 2, 9), region=other.id)
        make('龙城路路灯不亮', when=(2025, 8, 2, 9), region=other.id)
        with Transaction().set_context(from_date=dt.date(2025, 7, 1),
                to_date=dt.date(2025, 7, 31)):
            by_region = {}
            for record in Statistic.search([]):
                by_region[record.region] = (
                    by_region.get(record.region, 0) + record.count)
            self.assertEqual(by_region, {county: 3, other: 1})
            ext, content, _, _ = Pivot.execute([], {})
        self.assertEqual(ext, 'xlsx')
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            self.assertIn('xl/worksheets/sheet1.xml', z.namelist())

    @with_transaction()
    def test_isolation_on_every_path(self):
        """#16, ANA-09, PUB-06: every model guarded; a unit reads only the
        report sections of its units, on every path (read, search,
        export_data, nested paths); analysts see clusters, not phones"""
        from trytond.model.exceptions import AccessError
        from trytond.modules.sushi_ticket.tests.guard_tools import (
            as_user, assert_guarded, assert_values_checked)
        pool = Pool()
        Report = pool.get('sushi.analysis.report')
        Section = pool.get('sushi.analysis.report.section')
        Cluster = pool.get('sushi.analysis.cluster')
        Statistic = pool.get('sushi.analysis.statistic')
        Pivot = pool.get('sushi.analysis.statistic.pivot', type='report')
        assert_guarded(self, 'sushi_analysis')
        ns = setup_network()
        assert_values_checked(self, 'sushi_analysis', ns.analyst)
        report, = Report.create([{'kind': 'daily', 'title': '日报',
                    'period_start': dt.date(2025, 7, 1),
                    'period_end': dt.date(2025, 7, 1),
                    'summary': '全市热点', 'sections': [('create', [
                                {'title': '埇桥区', 'body': '汴河花园停水',
                                    'unit': ns.county.id},
                                {'title': '萧县', 'body': '龙城路路灯',
                                    'unit': ns.other.id}])]}])
        own, other = sorted(report.sections, key=lambda s: s.title != '埇桥区')
        with as_user(ns.leader):
            self.assertEqual(Section.search([]), [own])
            for i, call in enumerate([
                    lambda: Section.read([other.id], ['body']),
                    lambda: Section.export_data([Section(other.id)],
                        ['body']),
                    lambda: Section.export_data([Section(own.id)],
                        ['report/summary']),
                    lambda: Section.read([own.id], ['report.summary']),
                    lambda: Report.read([report.id], ['document']),
                    lambda: Cluster.search([]),
                    lambda: Statistic.search([]),
                    lambda: Pivot.execute([], {}),
                    # PLT-05: the report's data cannot lift the rights
                    lambda: Pivot.execute([], {
                            'context': {'_check_access': False}}),
                    ]):
                with self.assertRaises(AccessError, msg=i):
                    call()
            row, = Section.export_data([Section(own.id)], ['body'])
            self.assertEqual(row, ['汴河花园停水'])
            # through the report, only the sections of his units
            row, = Report.read([report.id], ['title', 'sections.body'])
            self.assertEqual([s['body'] for s in row['sections.']],
                ['汴河花园停水'])
        # analysts read clusters and their orders, never the requesters
        ticket = make('汴河花园5栋停水了', region=ns.county.id)
        cluster, = Cluster.create([{'kind': 'many_to_one', 'name': '汴河花园',
                    'tickets': [('add', [ticket.id])]}])
        for user in [ns.analyst, ns.city_leader]:
            with as_user(user):
                self.assertEqual(Cluster.read([cluster.id],
                        ['tickets.title'])[0]['tickets.'][0]['title'],
                    ticket.title)
                for name in ['tickets.requester_phone',
                        'tickets.requester_name']:
                    with self.assertRaises(AccessError):
                        Cluster.read([cluster.id], [name])
                with self.assertRaises(AccessError):
                    Cluster.export_data([Cluster(cluster.id)],
                        ['tickets/requester_phone'])


del ModuleTestCase
