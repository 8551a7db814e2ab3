# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers shared by the tests of every sushi module."""
import datetime as dt
import os
import re

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools import find_path

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PLACEHOLDER = re.compile(r'%\(\w+\)s')


def local(*args):
    "The naive UTC datetime of a wall-clock time in Asia/Shanghai."
    return dt.datetime(*args, tzinfo=SHANGHAI).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def as_local(value):
    "The Asia/Shanghai wall-clock time of a naive UTC datetime."
    return value.replace(tzinfo=dt.timezone.utc).astimezone(
        SHANGHAI).replace(tzinfo=None)


class TranslationTestMixin:
    "Fail on any string of the module that locale/zh_CN.po does not cover."

    @with_transaction()
    def test_translations_complete(self):
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        TranslationUpdate = pool.get('ir.translation.update', type='wizard')

        lang, = Lang.search([('code', '=', 'zh_CN')])
        lang.translatable = True
        lang.save()
        session_id, _, _ = TranslationSet.create()
        TranslationSet.execute(session_id, {}, 'set_')
        TranslationSet.delete(session_id)
        session_id, _, _ = TranslationUpdate.create()
        TranslationUpdate.execute(
            session_id, {'start': {'language': lang.id}}, 'update')
        TranslationUpdate.delete(session_id)

        exported = Translation.translation_export('zh_CN', self.module)
        template = polib.pofile(exported.decode('utf-8')) if exported else []
        path = find_path(os.path.join(self.module, 'locale', 'zh_CN.po'))
        po = polib.pofile(path) if path else []
        done = {(e.msgctxt, e.msgid): e for e in po
            if e.msgstr and 'fuzzy' not in e.flags}
        missing = [f'{e.msgctxt} {e.msgid!r}' for e in template
            if (e.msgctxt, e.msgid) not in done]
        self.assertFalse(missing,
            msg='untranslated in %s/locale/zh_CN.po:\n%s' % (
                self.module, '\n'.join(missing)))
        broken = [f'{e.msgctxt} {e.msgid!r}' for e in done.values()
            if sorted(PLACEHOLDER.findall(e.msgid))
            != sorted(PLACEHOLDER.findall(e.msgstr))]
        self.assertFalse(broken,
            msg='placeholders differ in the translation of:\n%s' % (
                '\n'.join(broken)))


class DBTestCase:
    """Mixin for unittest.TestCase classes that need the module activated
    in the test database, without re-running ModuleTestCase's checks."""
    module = 'sushi_ticket'
    extras = []

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        super().setUpClass()
        drop_db()
        activate_module([cls.module] + list(cls.extras))

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        super().tearDownClass()
        drop_db()
