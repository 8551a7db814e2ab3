"""The sao web client in headless Chromium against a demo server.

One demo server (tests/browser.py: a fresh database with every sushi module
and scripts/demo.py's accounts) and one browser for the class; each test
opens its own browser context, so no session is shared between tests.
"""
import csv
import re
import unittest

from playwright.sync_api import expect

from tests import browser

OFFICE = '宿事速办工作领导小组办公室'
TIER_1 = '一级网络单位（平台办公室）'
TIER_2 = '二级网络单位'
TIER_3 = '三级网络单位'

# Name, tier and depth (indentation of the expander, in em) of every row of
# a tree view, in display order.
TREE_ROWS = '''(rows, [name, tier]) => rows.map(row => [
    row.querySelector(`td[headers="${name}"] .column-char`)
        ?.getAttribute('title'),
    row.querySelector(`td[headers="${tier}"]`)?.innerText.trim(),
    parseFloat(row.querySelector('.expander img')?.style.marginLeft),
    ])'''


def demo_units(parent):
    "Names of the demo units scripts/demo.py imports under `parent`."
    path = browser.ROOT / 'scripts' / 'demo' / 'yongqiao_units.csv'
    with open(path, encoding='utf-8', newline='') as f:
        return {row['name'] for row in csv.DictReader(f)
            if row['parent'] == parent}


class BrowserTestCase(unittest.TestCase):
    "sao in Chinese; a unit handler browses the three-tier unit network."

    @classmethod
    def setUpClass(cls):
        cls.server = browser.shared_server()
        cls.browser = browser.Browser(cls.server, timeout=180_000)
        cls.addClassCleanup(cls.browser.stop)
        cls.browser.start()

    def page(self, **options):
        return self.browser.page(name=self.id(), **options)

    def login(self, page, login):
        "Log in through sao's two dialogs: user name, then password."
        browser.submit_login_name(page, self.server, login)
        page.locator('.ask-dialog input[type=password]').fill(
            self.server.password)
        page.locator('.ask-dialog .btn-primary').click()
        page.locator('#menu .column-char').first.wait_for()

    @staticmethod
    def row(scope, name):
        "The row of a sao tree whose name cell is exactly `name`."
        return scope.locator('tbody tr').filter(
            has=scope.page.locator(f'.column-char[title="{name}"]'))

    def tree_rows(self, tab):
        def column(label):
            return tab.locator('thead th').filter(
                has=tab.page.locator(f'label[title="{label}"]')
                ).get_attribute('id')
        return [tuple(r) for r in tab.locator('tbody tr').evaluate_all(
                TREE_ROWS, [column('名称'), column('网络层级')])]

    def test_login_page_in_chinese_for_english_browser(self):
        """Foundation (#2): the login page speaks Chinese to any browser

        sao/custom.js makes zh_CN the default language of sao, so an English
        browser gets the Chinese login dialog and the title 宿事速办."""
        with self.page(locale='en-US') as page:
            page.goto(self.server.url)
            dialog = page.locator('.login-dialog')
            dialog.wait_for()
            self.assertEqual(
                page.evaluate('navigator.language'), 'en-US')

            self.assertEqual(
                dialog.locator('.modal-title').inner_text().split()[0],
                '登录')
            self.assertEqual(
                dialog.locator('label[for=database]').inner_text(), '数据库')
            self.assertEqual(
                dialog.locator('label[for=login]').inner_text(), '用户名')
            self.assertEqual(
                dialog.locator('button[type=submit]').inner_text().strip(),
                '登录')
            page.wait_for_function("document.title == '宿事速办'")
            self.assertEqual(page.title(), '宿事速办')
            self.assertEqual(page.locator('html').get_attribute('lang'),
                'zh-CN')

    def test_password_prompt_in_chinese(self):
        """The password prompt of the login is in Chinese.

        sao writes its locale BCP 47 style ('zh-CN') but trytond knows the
        language as 'zh_CN': sao/custom.js sends the latter, or the server
        would answer "Password for handler" in English."""
        with self.page(locale='en-US', dump=False) as page:
            browser.submit_login_name(page, self.server, 'handler')
            label = page.locator('.ask-dialog label[for=ask-dialog-entry]')
            self.assertEqual(label.inner_text(), 'handler 的密码')

    def test_handler_sees_units_in_tiers(self):
        """ORG-08: the handler of 埇桥区 logs in and browses the three tiers

        宿事速办 › 网络体系 › 三级网络 shows the leading group office at
        tier 1; expanding it shows the tier-2 units, among them 埇桥区,
        whose expansion shows its tier-3 towns and departments."""
        with self.page(locale='en-US') as page:
            self.login(page, 'handler')
            menu = page.locator('#menu')
            self.assertIn('宿事速办', menu.locator('.column-char').evaluate_all(
                    'cells => cells.map(cell => cell.title)'))
            self.assertIn('埇桥区承办人(演示)',
                page.locator('#user-preferences').inner_text())

            # The menu may open with 宿事速办 expanded: expand what is not
            for parent, child in [('宿事速办', '网络体系'),
                    ('网络体系', '三级网络')]:
                if not self.row(menu, child).count():
                    self.row(menu, parent).locator('.expander').click()
                self.row(menu, child).wait_for()
            self.row(menu, '三级网络').click()

            # The handler's home (本单位承办任务) opens at login: the tree
            # comes in a tab of its own, active once sao has drawn it.
            tab = page.locator('#tabcontent .tab-pane.active')
            expect(tab.locator('.toolbar .title')).to_have_attribute(
                'title', re.compile('宿事速办 / 网络体系 / 三级网络'))
            office = self.row(tab, OFFICE)
            office.wait_for()
            self.assertEqual(self.tree_rows(tab), [(OFFICE, TIER_1, 0)])

            office.locator('.expander').click()
            yongqiao = self.row(tab, '埇桥区')
            yongqiao.wait_for()
            rows = self.tree_rows(tab)
            self.assertEqual(rows[0], (OFFICE, TIER_1, 0))
            names = [name for name, _, _ in rows]
            for name in ['砀山县', '萧县', '埇桥区']:
                self.assertIn(name, names)
            # Every unit under the office is a tier-2 unit, one level down.
            self.assertEqual({(tier, depth) for _, tier, depth in rows[1:]},
                {(TIER_2, 1)})
            self.assertNotIn('埇桥区符离镇', names)

            yongqiao.locator('.expander').click()
            self.row(tab, '埇桥区符离镇').wait_for()
            expanded = self.tree_rows(tab)
            index = expanded.index(('埇桥区', TIER_2, 1))
            children = expanded[index + 1:index + 1 + len(expanded)
                - len(rows)]
            self.assertIn(('埇桥区符离镇', TIER_3, 2), children)
            # The new rows are exactly 埇桥区's tier-3 units, right below it.
            self.assertEqual({(tier, depth) for _, tier, depth in children},
                {(TIER_3, 2)})
            self.assertEqual({name for name, _, _ in children},
                demo_units('yongqiao_district'))
            self.assertEqual(expanded[:index + 1], rows[:index + 1])
            self.assertEqual(expanded[index + 1 + len(children):],
                rows[index + 1:])


if __name__ == '__main__':
    unittest.main()
