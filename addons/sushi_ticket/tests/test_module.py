# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import Counter

from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from ..exceptions import UnitImportError
from .tools import TranslationTestMixin


class SushiTicketTestCase(TranslationTestMixin, ModuleTestCase):
    "Test the sushi_ticket module"
    module = 'sushi_ticket'

    @with_transaction()
    def test_assessed_units(self):
        "ORG-15: 106 assessed units in their groups and categories"
        Unit = Pool().get('sushi.unit')
        units = Unit.search([('assessed', '=', True)])
        self.assertEqual(len(units), 106)
        self.assertEqual(Counter(u.assessment_group for u in units),
            {'county': 5, 'park': 4, 'department': 97})
        self.assertEqual(Counter(u.category for u in units
                if u.assessment_group == 'department'),
            {'1': 19, '2': 45, '3': 13, '4': 20})
        platform, = Unit.search([('tier', '=', '1')])
        self.assertTrue(all(u.parent == platform for u in units))
        # ORG-16: a unit is found by its other name
        unit, = Unit.search([('rec_name', '=', '市教育体育局')])
        self.assertEqual(unit.name, '市教体局')

    @with_transaction()
    def test_unit_tiers(self):
        "ORG-08: a tier-3 unit hangs under a tier-2 unit, never deeper"
        Unit = Pool().get('sushi.unit')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        town, = Unit.create([{
                    'code': 'yq_fuli', 'name': '符离镇', 'kind': 'town',
                    'tier': '3', 'parent': county.id}])
        with self.assertRaises(ValidationError):
            Unit.create([{
                        'code': 'yq_fuli_village', 'name': '村',
                        'kind': 'town', 'tier': '3', 'parent': town.id}])
        with self.assertRaises(ValidationError):
            # a town is tier 3 whatever tier it says
            Unit.create([{
                        'code': 'bad', 'name': '镇', 'kind': 'town',
                        'tier': '2', 'parent': county.parent.id}])

    @with_transaction()
    def test_user_unit_tree(self):
        "A tier-2 unit's staff see its tier-3 units (ORG-10)"
        pool = Pool()
        Unit = pool.get('sushi.unit')
        User = pool.get('res.user')
        county, = Unit.search([('code', '=', 'yongqiao_district')])
        other, = Unit.search([('code', '=', 'xiao_county')])
        town, other_town = Unit.create([{
                    'code': 'yq_fuli', 'name': '符离镇', 'kind': 'town',
                    'tier': '3', 'parent': county.id,
                    }, {
                    'code': 'xx_town', 'name': '龙城镇', 'kind': 'town',
                    'tier': '3', 'parent': other.id}])
        user, = User.create([{
                    'login': 'handler', 'name': 'Handler',
                    'sushi_units': [('add', [county.id])]}])
        self.assertEqual(Unit.user_units(user.id), [county.id])
        self.assertEqual(set(Unit.user_unit_tree(user.id)),
            {county.id, town.id})
        # Leaders count as unit staff too; the cache follows the change
        Leader = pool.get('sushi.unit.leader')
        Leader.create([{'unit': other_town.id, 'user': user.id,
                    'role': 'principal'}])
        self.assertEqual(set(Unit.user_unit_tree(user.id)),
            {county.id, town.id, other_town.id})

    @with_transaction()
    def test_import_units(self):
        "Units are imported from CSV, tier 3 under their tier-2 parent"
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Import = pool.get('sushi.unit.import', type='wizard')
        data = ('code,name,group,category,kind,parent\n'
            'yq_daodong,道东街道,,,town,yongqiao_district\n'
            'yq_zjj,埇桥区住建局,,,county_department,yongqiao_district\n'
            'new_bureau,市新设局,department,二类,,\n').encode('utf-8')
        session_id, _, _ = Import.create()
        Import.execute(session_id, {'start': {'file_': data}}, 'import_')
        street, = Unit.search([('code', '=', 'yq_daodong')])
        self.assertEqual(street.tier, '3')
        self.assertEqual(street.parent.code, 'yongqiao_district')
        bureau, = Unit.search([('code', '=', 'new_bureau')])
        self.assertEqual((bureau.tier, bureau.category, bureau.assessed),
            ('2', '2', True))

    @with_transaction()
    def test_import_units_rejects_whole_file(self):
        "A units file with bad rows names each one and imports nothing"
        pool = Pool()
        Unit = pool.get('sushi.unit')
        Import = pool.get('sushi.unit.import', type='wizard')
        data = ('code,name,group,category,kind,parent\n'
            'yq_ok,好街道,,,town,yongqiao_district\n'
            ',无编码,,,town,yongqiao_district\n'
            'yq_orphan,孤儿镇,,,town,no_such_unit\n'
            'dept_nocat,某局,department,,,\n'
            'yq_ok,重复,,,town,yongqiao_district\n').encode('utf-8')
        session_id, _, _ = Import.create()
        with self.assertRaises(UnitImportError) as cm:
            Import.execute(session_id, {'start': {'file_': data}}, 'import_')
        message = cm.exception.message
        for row in ['Row 3:', 'Row 4:', 'Row 5:', 'Row 6:']:
            self.assertIn(row, message)
        self.assertNotIn('Row 2:', message)
        self.assertEqual(Unit.search([('code', '=', 'yq_ok')]), [])

    @with_transaction()
    def test_channels(self):
        "INT-01: the 12345 line and eight online ends"
        Channel = Pool().get('sushi.channel')
        public = Channel.search([('public', '=', True)])
        self.assertEqual(len(public), 9)
        self.assertEqual(public[0].code, 'hotline_12345')

    @with_transaction()
    def test_time_limits(self):
        "LIM-01..05: the limit of each request type and class"
        TimeLimit = Pool().get('sushi.time_limit')

        def limit(*args):
            l = TimeLimit.find(*args)
            return (l.kind, l.working_days)

        self.assertEqual(limit('consult', 'general'), ('working_days', 1))
        self.assertEqual(limit('consult', 'complex'), ('working_days', 3))
        self.assertEqual(limit('suggestion'), ('working_days', 3))
        self.assertEqual(limit('complaint'), ('working_days', 7))
        self.assertEqual(limit('report'), ('working_days', 7))
        self.assertEqual(limit('help'), ('working_days', 3))
        self.assertEqual(limit('help', 'general', 'urgent'),
            ('working_days', 1))
        self.assertEqual(limit('complaint', 'general', 'sudden'),
            ('same_day', None))
        self.assertEqual(limit('praise'), ('information', None))
        self.assertFalse(TimeLimit.find('complaint', None, 'sudden').extendable)

    @with_transaction()
    def test_time_limits_editable(self):
        "LIM: an office changes a limit and the next lookup uses it"
        TimeLimit = Pool().get('sushi.time_limit')
        complaint = TimeLimit.find('complaint')
        complaint.working_days = 5
        complaint.save()
        self.assertEqual(TimeLimit.find('complaint').working_days, 5)

    @with_transaction()
    def test_list_colours_are_pyson(self):
        "LGT-01: the traffic-light colours of the lists reach the client"
        from trytond.pyson import PYSONDecoder
        pool = Pool()
        for name in ['sushi.ticket', 'sushi.ticket.assignment']:
            Model = pool.get(name)
            arch = Model.fields_view_get(view_type='tree')['arch']
            from lxml import etree
            visual = etree.fromstring(arch).get('visual')
            self.assertTrue(visual, name)
            # sao decodes it as JSON-encoded PYSON
            decoded = PYSONDecoder({'light': 'red'}).decode(visual)
            self.assertEqual(decoded, 'danger', name)


del ModuleTestCase
