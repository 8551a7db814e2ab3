# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public read-only JSON API of the knowledge base for the channels
(KB-09, in the spirit of Open311 Inquiry): published entries only, no
personal data, clear Chinese errors."""
from trytond.tests.test_tryton import RouteTestCase

from .test_module import create_entry, publish
from .test_search import corpus

# What an entry may show the public: nothing about who wrote it.
PUBLIC_KEYS = {'id', 'title', 'kind', 'kind_name', 'unit',
    'document_number', 'issued_on', 'effective_date', 'expiry_date',
    'version', 'published_at'}


class KnowledgeRouteTestCase(RouteTestCase):
    module = 'sushi_knowledge'
    language = 'zh_CN'

    @classmethod
    def setUpDatabase(cls):
        entries, hidden = corpus()
        cls.answer = entries['withdraw'].id
        cls.loan = entries['loan'].id
        cls.draft = hidden['draft'].id
        markup = create_entry(title='居住证办理须知',
            content='办理<b>居住证</b>需提交近期照片 & 租房合同。')
        publish(markup)

    def get(self, path, **query):
        client = self.client()
        return client.get(f'/{self.db_name}/knowledge/{path}',
            query_string=query)

    def test_search(self):
        "KB-08: channels search the published entries, best first"
        response = self.get('search', q='公积金怎么提取')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content_type, 'application/json')
        data = response.json
        self.assertEqual(data['query'], '公积金怎么提取')
        self.assertEqual(data['count'], 2)
        first = data['results'][0]
        self.assertEqual(first['id'], self.answer)
        self.assertEqual(set(first),
            PUBLIC_KEYS | {'rank', 'confidence', 'snippet'})
        # KB-08: the same ranking as the call-taker's, with its confidence
        self.assertEqual(first['confidence'], 'confident')
        self.assertEqual(first['unit'], '市公积金中心')
        self.assertEqual(first['kind_name'], '常见咨询答复口径')
        self.assertEqual(first['effective_date'], '2025-01-01')
        self.assertTrue(first['published_at'].endswith('+00:00'))
        self.assertIn('<mark>提取</mark>', first['snippet'])

    def test_search_same_ranking(self):
        "KB-08, TRI-02: the API ranks a colloquial question as worked out by hand"
        # 俺 and 咋 are fillers; what is left asks for 公积金 and 提取.  The
        # withdrawal guide holds both (title and content), the loan entry
        # 公积金 only, the other published entries (医保, 营业执照, 居住证)
        # neither; the draft, future, expired and withdrawn 公积金提取
        # entries are not served.
        data = self.get('search', q='俺想问下公积金咋提取', limit=10).json
        self.assertEqual([r['id'] for r in data['results']],
            [self.answer, self.loan])
        self.assertEqual(data['results'][0]['confidence'], 'confident')
        self.assertGreater(data['results'][0]['rank'],
            data['results'][1]['rank'])

    def test_search_escapes_markup(self):
        "The snippet is safe HTML: the entry's own markup is escaped"
        data = self.get('search', q='居住证').json
        snippet = data['results'][0]['snippet']
        self.assertIn('&lt;b&gt;<mark>居住证</mark>&lt;/b&gt;', snippet)
        self.assertIn('&amp;', snippet)

    def test_search_kind_and_limit(self):
        "KB-05: the channel may ask for some kinds and fewer results"
        data = self.get('search', q='报销', kind='policy_interpretation').json
        self.assertEqual([r['kind'] for r in data['results']],
            ['policy_interpretation'])
        data = self.get('search', q='公积金', limit='1').json
        self.assertEqual(data['count'], 1)

    def test_bad_queries(self):
        "Bad input: a clear Chinese error, or an empty result"
        for query in ['？？！', '的']:
            response = self.get('search', q=query)
            self.assertEqual(response.status_code, 200, query)
            self.assertEqual(response.json['count'], 0, query)
        for query in ['', '   ']:
            response = self.get('search', q=query)
            self.assertEqual(response.status_code, 400, query)
            self.assertEqual(response.json['error'],
                '请在参数 q 中填写要检索的问题。')
        response = self.get('search', q='公积金' * 70)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json['error'],
            '检索内容有 210 个字符，请精简到 200 个字符以内。')
        for query in [{'limit': 'abc'}, {'limit': '0'}, {'limit': '1000'},
                {'kind': 'rumour'}]:
            response = self.get('search', q='公积金', **query)
            self.assertEqual(response.status_code, 400, query)
            self.assertTrue(response.json['error'], query)

    def test_entry(self):
        "A channel reads one published entry, with its content"
        response = self.get(f'entries/{self.answer}')
        self.assertEqual(response.status_code, 200)
        data = response.json
        self.assertEqual(data['title'], '住房公积金提取办理指南')
        self.assertIn('购房合同', data['content'])
        self.assertEqual(set(data),
            PUBLIC_KEYS | {'content', 'keywords', 'category'})

    def test_entry_not_published(self):
        "A draft or unknown entry is not found, with a JSON error"
        for entry_id in [self.draft, 999999]:
            response = self.get(f'entries/{entry_id}')
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.json['error'],
                f'没有编号为 {entry_id} 的已发布知识条目。')


del RouteTestCase
