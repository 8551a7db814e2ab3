"""A call answered from the knowledge base, in sao, and the knowledge base's
public API (issue #4, "Done when": a call-taker finds the right answer in
Chinese in under a second and closes the call as a direct answer).

One demo server (tests/browser.py: every sushi module and the demo data of
scripts/demo.py, among them four published entries) and one headless
Chromium for the class.  Each person works in a browser context of their
own, in Chinese, on Suzhou's clock; the API is called with urllib, as a
channel's server would.

The search latency the call-taker sees (from the click on 知识库解答, and
from Enter after typing a question, to the results drawn) is printed, not
asserted: on a loaded CI machine a time bound only flakes.  The latency is
measured where it can be, by bench/bench_knowledge_search.py on a quiet
machine (README, "Knowledge search"); these tests assert what the
call-taker sees, with generous waits (tests/browser.py: 60 s and more).
"""
import contextlib
import datetime as dt
import importlib.util
import itertools
import json
import re
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo

from playwright.sync_api import expect

from tests import browser
from tests.test_browser_ticket import Sao

SHANGHAI = zoneinfo.ZoneInfo('Asia/Shanghai')


def _demo_knowledge():
    "{title: content} of the published entries of scripts/demo.py."
    spec = importlib.util.spec_from_file_location(
        'sushi_demo', browser.ROOT / 'scripts' / 'demo.py')
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return {title: content for _, _, title, content, _, _ in demo.KNOWLEDGE}


KNOWLEDGE = _demo_knowledge()

# The call: a resident who lost their social security card.
CALLER_PHONE = '13805579021'
CALLER_NAME = '陈先生'
TITLE = '社保卡丢了怎么补办'
DESCRIPTION = ('来电人称昨天在公交车上丢失了社保卡,询问如何挂失、'
    '到哪里补办、需要携带什么材料。')
# How the call-taker puts the caller's words, once the wizard is open.
RETYPED = '社保卡掉了在哪补办'
SOCIAL_SECURITY = '社保卡丢失如何补办'
HOUSING_FUND = '租房提取住房公积金需要哪些材料'
MEDICAL = '跨省异地就医直接结算备案办法'
NIGHT_WORK = '关于夜间施工噪声管理的政策解读'
# Issue #15: questions as callers put them (colloquial words, fillers,
# dialect, a typo, a story), and the demo entry that answers each.
# With the words of the answer's title the caller's words stand for, as
# the dictionary reads them (社宝卡 → 社保卡, 掉了 → 丢失, 公积金能取 → 提取公积金,
# 看病 → 就医): the call-taker sees them highlighted in the title.
COLLOQUIAL = [
    ('社宝卡掉了咋整', SOCIAL_SECURITY, ['社保卡', '丢失']),
    ('俺租的房子，公积金能取出来交房租不', HOUSING_FUND,
        ['租房', '提取', '公积金']),
    ('去上海看病医保卡能直接刷吗，要不要先弄个啥手续', MEDICAL,
        ['就医', '直接']),
    ('隔壁工地天天半夜还在干活，吵得睡不着觉', NIGHT_WORK, []),
    ]

# The confidence bands as the result list shows them (可信度).
BANDS = {'把握大', '可能相关', '弱匹配'}
WEAK = '弱匹配'

# What the public API may show of an entry: nothing about who wrote,
# reviewed or used it.
PUBLIC_KEYS = {'id', 'title', 'kind', 'kind_name', 'unit',
    'document_number', 'issued_on', 'effective_date', 'expiry_date',
    'version', 'published_at'}
MOBILE = re.compile(r'(?<!\d)1[3-9]\d{9}(?!\d)')

# sao 8.0.11 bug: ticking a checkbox of an editable list inside a form
# (here 采用 in the results) raises this in BooleanColumn.clicked, which
# reads `this.group.parent` where a column has no `group`.  The tick is
# recorded before the error, so the answer goes through; see
# test_direct_answer_from_knowledge_base (it ticks, then fails on any
# JavaScript error) and the proposed fix in sao/custom.js.
# Whether a freshly drawn first row of the results shows a title (query
# words are shown between 【】); rows drawn before are marked stale.
FIRST_RESULT = '''title => {
    const dialogs = document.querySelectorAll('.modal.in');
    const dialog = dialogs[dialogs.length - 1];
    const label = dialog && dialog.querySelector(
        '.form-one2many thead th label[title="标题"]');
    if (!label) return false;
    const cell = dialog.querySelector(
        `.form-one2many tbody tr td[headers="${label.closest('th').id}"]`);
    return !!cell && !cell.closest('tr').dataset.stale
        && cell.innerText.replace(/[【】]/g, '').trim() === title;
}'''
MARK_STALE = '''dialog => dialog.querySelectorAll(
    '.form-one2many tbody tr').forEach(row => row.dataset.stale = '1')'''


def _is_search_execute(response):
    "Whether a response is that of a step of the knowledge search wizard."
    return '"wizard.sushi.knowledge.search.execute"' in (
        response.request.post_data or '')


def plain(text):
    "A result's text without the marks around the query words."
    return text.replace('【', '').replace('】', '')


def wait_rows(sao, label, column, count, timeout=browser.WAIT):
    """The cells of a relation field's column once it shows count rows (a
    relation field is drawn after the form's plain fields).

    sao draws a relation field's rows only once its list is on screen: its
    only row is then 更多, which an IntersectionObserver clicks when it
    comes into view.  A field below the fold stays empty until the user
    scrolls to it (CI failed on that), so its 更多 row is scrolled into
    view, as the user would, and clicked if it is still there."""
    widget = sao.tab.locator(
        '.form-one2many:visible, .form-many2many:visible').filter(
        has=sao.page.locator('.form-one2many-string, .form-many2many-string',
            has_text=re.compile(rf'^{re.escape(label)}$')))
    more = widget.locator('tr.more-row button')
    deadline = time.monotonic() + timeout
    seen = False
    while True:
        # (in the page: the row goes as soon as it is clicked, and a
        # locator's click would wait for one that is gone)
        if more.evaluate_all('(buttons, click) => buttons.map(b => click '
                '? b.click() : b.scrollIntoView({block: "center"}))',
                seen):
            seen = True
        cells = sao.list_of(label, column=column)
        if len(cells) >= count or time.monotonic() > deadline:
            return cells
        sao.page.wait_for_timeout(200)


class KnowledgeSao(Sao):
    "sao, with the gestures of the knowledge search wizard."

    def __init__(self, page):
        super().__init__(page)
        # Known sao bugs (patterns of console lines) not to fail on.
        self.tolerated = []

    def js_errors(self):
        return [m for m in super().js_errors()
            if not any(p.search(m) for p in self.tolerated)]

    def menu_wizard(self, *path):
        "Open a menu entry that starts a wizard (a dialog, not a tab)."
        menu = self.page.locator('#menu')
        for parent, child in itertools.pairwise(path):
            if not self._menu_row(menu, child).count():
                self._menu_row(menu, parent).locator('.expander').click()
            self._menu_row(menu, child).wait_for()
        self._menu_row(menu, path[-1]).click()
        self.dialog.locator('.form').wait_for()
        self.settle()

    def results(self, column='标题'):
        "A column of the search results, top first."
        return self.list_of('检索结果', self.dialog, column=column)

    def search(self, text, first=None):
        """Type a question and press Enter (the wizard's 检索); with first,
        wait for a new first result showing that title and return the
        seconds from the question committed until it is drawn.

        sao reads a typed value when the field commits it (its `change`
        event, as when the field is left): Enter alone would send 检索
        the question the field had before.  The committed question is
        searched at once (on change); Enter then runs 检索, whose answer
        draws the form again."""
        dialog = self.dialog
        query = self.field('query', dialog)
        query.click()
        query.fill(text)
        dialog.evaluate(MARK_STALE)
        elapsed = None
        started = time.monotonic()
        query.dispatch_event('change')
        if first:
            self.page.wait_for_function(FIRST_RESULT, arg=first,
                polling='raf')
            elapsed = time.monotonic() - started
        self.settle()
        dialog.evaluate(MARK_STALE)
        with self.page.expect_response(_is_search_execute):
            query.press('Enter')
        if first:
            self.page.wait_for_function(FIRST_RESULT, arg=first,
                polling='raf')
        self.settle()
        self.expect_value('query', text, dialog)
        return elapsed

    def band(self, index=0):
        """The confidence band (可信度) a result row shows, the top one by
        default (found by its header's text: its label's title is the
        field's help)."""
        widget = self.dialog.locator('.form-one2many')
        header = widget.locator('thead th').filter(
            has_text=re.compile(r'^\s*可信度\s*$'))
        return widget.locator(
            f'tbody tr td[headers="{header.get_attribute("id")}"]').nth(
            index).inner_text().strip()

    def tick(self, index=0):
        "Tick 采用 on a result row (the top one by default)."
        widget = self.dialog.locator('.form-one2many')
        header = widget.locator('thead th').filter(
            has_text=re.compile(r'^\s*采用\s*$'))
        checkbox = widget.locator('tbody tr').nth(index).locator(
            f'td[headers="{header.get_attribute("id")}"] '
            'input[type=checkbox]')
        checkbox.click()
        expect(checkbox).to_be_checked()
        self.settle()


class KnowledgeBrowserTest(unittest.TestCase):
    "The call-taker answers from the knowledge base; the API answers channels."

    @classmethod
    def setUpClass(cls):
        cls.server = browser.shared_server()
        cls.browser = browser.Browser(cls.server)
        cls.addClassCleanup(cls.browser.stop)
        cls.browser.start()

    @contextlib.contextmanager
    def person(self, login, dump=True):
        """sao in a browser context of login's own, logged in; fails on
        any JavaScript error but the known sao bugs tolerated.  dump: keep
        a screenshot when the block fails."""
        with self.browser.page(name=f'{self.id()}.{login}', locale='zh-CN',
                timezone_id='Asia/Shanghai', dump=dump) as page:
            sao = KnowledgeSao(page)
            sao.login(self.server, login)
            yield sao
            self.assertEqual(sao.js_errors(), [],
                f'sao reported JavaScript errors to {login}')

    def report(self, what, seconds):
        sys.stderr.write(f'\n  {what}: {seconds * 1000:.0f} ms\n')
        sys.stderr.flush()

    # Steps

    def new_call(self, sao):
        "INT-04: the call-taker registers the consultation and saves it."
        sao.menu('宿事速办', '来电登记')
        sao.fill('requester_phone', CALLER_PHONE)
        sao.fill('requester_name', CALLER_NAME)
        sao.select('request_type', '咨询')
        sao.fill('title', TITLE)
        sao.fill('description', DESCRIPTION)
        sao.save()
        sao.expect_value('state', '草稿')
        number = sao.value('number')
        # INT-07: date, channel 01 (12345 line), type 01 (consultation)
        today = dt.datetime.now(SHANGHAI).strftime('%Y%m%d')
        self.assertRegex(number, rf'^{today}0101\d{{6}}$')
        return number

    def open_search(self, sao, first):
        """Click 知识库解答 on the order; return the seconds until the
        results, searched for the order's title, show first on top."""
        button = sao.tab.locator('button[name="search_knowledge"]:visible')
        self.assertEqual(button.inner_text().strip(), '知识库解答')
        self.assertTrue(button.is_enabled())
        started = time.monotonic()
        button.click()
        sao.page.wait_for_function(FIRST_RESULT, arg=first, polling='raf')
        elapsed = time.monotonic() - started
        sao.settle()
        return elapsed

    # Tests

    def test_direct_answer_from_knowledge_base(self):
        """KB-08, TRI-02: a call-taker answers a caller from the knowledge
        base and closes the call as a direct answer, in sao, in Chinese.

        The order's 知识库解答 opens the search already searching its
        title; the answer script of 市人社局 is on top, the caller's words
        marked; retyped in other words it is found again, in well under
        the bound; ticked (采用) and 直接解答, the order is closed at
        intake with the script as the answer and the entry recorded."""
        with self.person('intake') as sao:
            number = self.new_call(sao)
            opened = self.open_search(sao, SOCIAL_SECURITY)
            self.report('knowledge search, 知识库解答 clicked to results '
                'shown', opened)
            dialog = sao.dialog
            self.assertEqual(
                dialog.locator('.modal-header').inner_text().strip(),
                f'知识库检索 ({number})')
            # The question is the order's title, searched at once
            self.assertEqual(sao.value('query', dialog), TITLE)
            self.assertEqual(sao.value('summary', dialog),
                f'找到 {len(sao.results())} 条，按相关度排列。')
            titles = sao.results()
            self.assertEqual(plain(titles[0]), SOCIAL_SECURITY)
            # The caller's words are marked in the title and the snippet
            self.assertIn('【社保卡】', titles[0])
            self.assertIn('【补办】', titles[0])
            snippet = sao.results('摘要')[0]
            self.assertIn('【社保卡】', snippet)
            self.assertIn('【补办】', snippet)
            self.assertIn(plain(snippet).strip('…'),
                KNOWLEDGE[SOCIAL_SECURITY])
            self.assertEqual(sao.results('责任单位')[0], '市人社局')
            # every word of the title asked is in the script's title
            self.assertEqual(sao.band(), '把握大')

            # The caller says it again in other words: found again
            typed = sao.search(RETYPED, first=SOCIAL_SECURITY)
            self.report('knowledge search, Enter to results shown', typed)
            self.assertEqual(plain(sao.results()[0]), SOCIAL_SECURITY)

            sao.tick()
            sao.wizard_button('直接解答')

            # Closed at intake as a direct answer, from the script
            sao.expect_value('state', '受理即办结')
            self.assertEqual(sao.value('number'), number)
            # (a selection's label may be drawn after the state's)
            sao.expect_value('disposal', '直接解答')
            self.assertEqual(sao.value('answer'),
                KNOWLEDGE[SOCIAL_SECURITY])
            self.assertFalse(sao.field('answer').is_editable())
            # the linked entries load after the form's fields
            self.assertEqual(wait_rows(sao, '答复依据的知识', '标题', 1),
                [SOCIAL_SECURITY])
            self.assertFalse(sao.tab.locator(
                    'button[name="search_knowledge"]:visible').count())
            sao.page_tab('流转记录')
            events = list(zip(sao.list_of('流转记录', column='操作'),
                    sao.list_of('流转记录', column='操作人')))
            self.assertEqual(events[::-1], [
                    ('来电登记', '演示受理员'),
                    ('直接解答', '演示受理员'),
                    ])

    def test_search_bad_questions(self):
        """KB-08, KB-05: in the knowledge search, the kinds are in Chinese,
        a question of punctuation only finds nothing and says so, an
        over-long one is refused with a clear Chinese message; the page
        keeps working."""
        with self.person('intake') as sao:
            sao.menu_wizard('宿事速办', '知识库', '知识库检索')
            dialog = sao.dialog
            self.assertEqual(
                dialog.locator('.modal-header').inner_text().strip(),
                '知识库检索')
            # Without an order there is no call to close (sao hides
            # 直接解答 once it has read the empty form)
            expect(dialog.locator('.modal-footer button:visible')
                ).to_have_text(['关闭', '检索'])

            sao.search(HOUSING_FUND, first=HOUSING_FUND)
            self.assertEqual(plain(sao.results()[0]), HOUSING_FUND)
            # KB-05: the kinds of knowledge, offered and shown in Chinese
            self.assertEqual(sao.results('类别')[0], '常见咨询答复口径')
            self.assertEqual(set(dialog.locator(
                        'select[name="kinds"] option').all_inner_texts()),
                {'政策文件', '政策解读', '常见咨询答复口径', '疑难问题工单'})

            sao.search('？？！。，……!?')
            sao.expect_value('summary', '没有匹配的已发布知识，请换个说法试试。',
                dialog)
            self.assertEqual(sao.results(), [])

            # A whole description pasted in: too long to be a question
            pasted = DESCRIPTION * 6
            self.assertGreater(len(pasted), 200)
            sao.search(pasted)
            sao.expect_value('summary',
                f'检索内容有 {len(pasted)} 个字符，请精简到 200 个字符以内。',
                dialog)
            self.assertEqual(sao.results(), [])

            # Still working: a real question is answered again
            typed = sao.search('租房提取公积金要带什么材料', first=HOUSING_FUND)
            self.report('knowledge search (menu), Enter to results shown',
                typed)
            self.assertEqual(sao.results('责任单位')[0], '市公积金中心')

    def test_colloquial_questions(self):
        """KB-08, TRI-02 (issue #15): the call-taker types questions as
        callers put them and finds their answers on top, sees why they
        matched (the caller's words highlighted as the knowledge base's
        words) and how sure the search is (the band, and the summary that
        says so when it is not sure); a question the knowledge base cannot
        answer says there is no confident answer."""
        with self.person('intake') as sao:
            sao.menu_wizard('宿事速办', '知识库', '知识库检索')
            dialog = sao.dialog
            for question, answer, marked in COLLOQUIAL:
                # waits until the answer is drawn as the first result
                typed = sao.search(question, first=answer)
                # (the latency is measured by bench/; reported here)
                self.report(f'knowledge search "{question}"', typed)
                title = sao.results()[0]
                self.assertEqual(plain(title), answer)
                for word in marked:
                    self.assertIn(f'【{word}】', title, question)
                band = sao.band()
                self.assertIn(band, BANDS, question)
                summary = sao.value('summary', dialog)
                self.assertEqual(summary.startswith('没有把握的答案'),
                    band == WEAK, (question, band, summary))
                if band != WEAK:
                    self.assertTrue(summary.startswith('找到'), summary)
                if question == COLLOQUIAL[0][0]:
                    # every word it asks is in the title: a sure answer
                    self.assertEqual(band, '把握大')
            # Nothing in the knowledge base answers it: a weak match at best
            sao.search('公积金能拿去炒股票吗')
            summary = sao.value('summary', dialog)
            self.assertTrue(summary.startswith('没有把握的答案')
                or summary.startswith('没有匹配'), summary)

    def api(self, path, **query):
        "GET a path of the knowledge API: (status, JSON body, raw text)."
        url = (f'{self.server.url}{self.server.database}/knowledge/{path}'
            f'?{urllib.parse.urlencode(query)}')
        try:
            with urllib.request.urlopen(url, timeout=browser.WAIT) as response:
                status, content_type = response.status, response.headers[
                    'Content-Type']
                text = response.read().decode('utf-8')
        except urllib.error.HTTPError as error:
            status, content_type = error.code, error.headers['Content-Type']
            text = error.read().decode('utf-8')
        self.assertEqual(content_type, 'application/json', text)
        return status, json.loads(text), text

    def test_public_api(self):
        """KB-08, KB-09: a channel searches the knowledge base over the
        public JSON API and reads an entry: published answers only, never a
        person's data."""
        started = time.monotonic()
        status, data, text = self.api('search', q='公积金')
        self.report('knowledge API, search round trip',
            time.monotonic() - started)
        self.assertEqual(status, 200, text)
        self.assertEqual(data['query'], '公积金')
        first = data['results'][0]
        self.assertEqual(first['title'], HOUSING_FUND)
        self.assertEqual(first['unit'], '市公积金中心')
        self.assertEqual(first['kind_name'], '常见咨询答复口径')
        self.assertIn('<mark>公积金</mark>', first['snippet'])
        # the one entry about 公积金, and the search is sure of it
        self.assertEqual(first['confidence'], 'confident')
        for result in data['results']:
            self.assertEqual(set(result),
                PUBLIC_KEYS | {'rank', 'snippet', 'confidence'})
        # Nothing of the demo's people: no phone number, no account
        self.assertNotRegex(text, MOBILE)
        self.assertNotIn('演示', text)

        status, entry, text = self.api(f'entries/{first["id"]}')
        self.assertEqual(status, 200, text)
        self.assertEqual(entry['content'], KNOWLEDGE[HOUSING_FUND])
        self.assertEqual(set(entry),
            PUBLIC_KEYS | {'content', 'keywords', 'category'})
        self.assertNotRegex(text, MOBILE)

        # Over-long: refused in Chinese, with the limit
        status, data, _ = self.api('search', q='公积金' * 70)
        self.assertEqual(status, 400)
        self.assertEqual(data,
            {'error': '检索内容有 210 个字符，请精简到 200 个字符以内。'})

    def test_api_refuses_empty_query(self):
        "KB-08: the API refuses a search without a question, in Chinese"
        for query in [{'q': ''}, {'q': '  '}, {}]:
            status, data, text = self.api('search', **query)
            self.assertEqual(status, 400, text)
            self.assertRegex(data['error'], r'[\u4e00-\u9fff]')
