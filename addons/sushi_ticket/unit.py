# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The 3-tier network of handling units (ORG-08..16)."""
import csv
import io

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import _decode
from .exceptions import (
    DispatchError, UnitImportError, UnitRightError, UnitValidationError)
from .tools import UniqueCodeMixin, rec_name_domain

TIERS = [
    ('1', "Tier 1 (platform office)"),
    ('2', "Tier 2"),
    ('3', "Tier 3"),
    ]
KINDS = [
    ('platform', "Platform Office"),
    ('county', "County / District"),
    ('park', "City-Managed Park"),
    ('department', "City Department"),
    ('enterprise', "Public-Service Enterprise"),
    ('town', "Town / Street"),
    ('county_department', "County Department"),
    ]
# The tier each kind belongs to (ORG-08).
KIND_TIER = {
    'platform': '1',
    'county': '2', 'park': '2', 'department': '2', 'enterprise': '2',
    'town': '3', 'county_department': '3',
    }
GROUPS = [
    (None, ""),
    ('county', "Counties / Districts"),
    ('park', "City-Managed Parks"),
    ('department', "City Units"),
    ]
CATEGORIES = [
    (None, ""),
    ('1', "Category 1"),
    ('2', "Category 2"),
    ('3', "Category 3 (hotline consolidation)"),
    ('4', "Category 4"),
    ]
# units.csv writes categories in Chinese.
CATEGORY_WORDS = {'一类': '1', '二类': '2', '三类': '3', '四类': '4',
    '1': '1', '2': '2', '3': '3', '4': '4', '': None}
GROUP_WORDS = {'county': 'county', 'park': 'park', 'department': 'department',
    '县区': 'county', '园区': 'park', '部门': 'department',
    '市有关单位': 'department', '': None}


class Unit(UniqueCodeMixin, DeactivableMixin, tree(separator=' / '),
        ModelSQL, ModelView):
    __name__ = 'sushi.unit'
    __string__ = "Handling Unit"
    _code_unique_message = 'sushi_ticket.msg_unit_code_unique'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True,
        help="A stable identifier used by imports, the API and reports.")
    tier = fields.Selection(TIERS, "Tier", required=True, sort=False)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    parent = fields.Many2One('sushi.unit', "Parent", ondelete='RESTRICT',
        domain=[
            If(Eval('tier') == '3', ('tier', '=', '2'), ('tier', '=', '1')),
            ],
        states={
            'required': Eval('tier').in_(['2', '3']),
            'invisible': Eval('tier') == '1',
            })
    children = fields.One2Many('sushi.unit', 'parent', "Sub-Units")
    assessed = fields.Boolean("Assessed",
        help="One of the 106 units of the monthly assessment (附件5).")
    assessment_group = fields.Selection(GROUPS, "Assessment Group",
        states={
            'required': Eval('assessed', False),
            'invisible': ~Eval('assessed', False),
            })
    category = fields.Selection(CATEGORIES, "Category",
        states={
            'required': Eval('assessment_group') == 'department',
            'invisible': Eval('assessment_group') != 'department',
            },
        help="The category of a city unit in the assessment (1 to 4).")
    aliases = fields.Char("Other Names",
        help="Other names of the unit, separated by commas (ORG-16).")
    responsible_section = fields.Char("Responsible Section",
        help="The section that receives and handles work orders (ORG-14).")
    phone = fields.Char("Phone")
    users = fields.Many2Many('sushi.unit-res.user', 'unit', 'user',
        "Handlers")
    leaders = fields.One2Many('sushi.unit.leader', 'unit', "Leaders")

    _user_units_cache = Cache('sushi.unit.user_units', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('tier', 'ASC'), ('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_tier(cls):
        return '3'

    @classmethod
    def default_kind(cls):
        return 'town'

    @classmethod
    def default_assessed(cls):
        return False

    @fields.depends('kind')
    def on_change_kind(self):
        if self.kind:
            self.tier = KIND_TIER[self.kind]

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['name', 'code', 'aliases'])

    @classmethod
    def validate_fields(cls, units, field_names):
        super().validate_fields(units, field_names)
        if field_names & {'tier', 'kind', 'parent'}:
            for unit in units:
                unit.check_tier()

    def check_tier(self):
        if KIND_TIER[self.kind] != self.tier:
            raise UnitValidationError(gettext(
                    'sushi_ticket.msg_unit_kind_tier',
                    unit=self.rec_name))
        parent_tier = {'1': None, '2': '1', '3': '2'}[self.tier]
        if (self.parent.tier if self.parent else None) != parent_tier:
            raise UnitValidationError(gettext(
                    'sushi_ticket.msg_unit_parent_tier',
                    unit=self.rec_name))

    @classmethod
    def on_modification(cls, mode, units, field_names=None):
        super().on_modification(mode, units, field_names=field_names)
        cls._user_units_cache.clear()

    @classmethod
    def user_units(cls, user_id=None):
        """Return the ids of the units the user works for: as a handler or
        as a leader.  Sub-units are added by the `child_of` rules."""
        pool = Pool()
        UnitUser = pool.get('sushi.unit-res.user')
        Leader = pool.get('sushi.unit.leader')
        if user_id is None:
            user_id = Transaction().user
        units = cls._user_units_cache.get(user_id)
        if units is None:
            cursor = Transaction().connection.cursor()
            unit_user = UnitUser.__table__()
            leader = Leader.__table__()
            cursor.execute(*unit_user.select(unit_user.unit,
                    where=unit_user.user == user_id)
                | leader.select(leader.unit, where=leader.user == user_id))
            units = sorted({u for u, in cursor})
            cls._user_units_cache.set(user_id, units)
        return units

    @classmethod
    def user_unit_tree(cls, user_id=None):
        "Return the ids of the user's units and all their sub-units."
        if user_id is None:
            user_id = Transaction().user
        key = ('tree', user_id)
        tree = cls._user_units_cache.get(key)
        if tree is None:
            ids = cls.user_units(user_id)
            tree = []
            if ids:
                with Transaction().set_context(
                        active_test=False, _check_access=False):
                    tree = sorted(u.id for u in cls.search([
                                ('parent', 'child_of', ids),
                                ]))
            cls._user_units_cache.set(key, tree)
        return tree

    # --- who acts for a unit (SGN-05, RPL-04, EXT-01) ------------------
    # One place for the rights of unit staff, leaders and the principal;
    # other modules extend these classmethods through the pool.  `record`
    # only names what the user acts on in the error.

    @classmethod
    def _acts_for_every_unit(cls):
        "The root user and platform administrators act for every unit."
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not Transaction().user:
            return True
        admin = ModelData.get_id('sushi_ticket', 'group_sushi_admin')
        return admin in User.get_groups()

    @classmethod
    def check_member(cls, units, record=None):
        """SGN-05: only the unit's own staff act for it (a tier-2 unit
        oversees its sub-units' work but does not act for them)."""
        if cls._acts_for_every_unit():
            return
        mine = set(cls.user_units(Transaction().user))
        for unit in units:
            if unit.id not in mine:
                raise UnitRightError(gettext(
                        'sushi_ticket.msg_unit_not_member',
                        unit=unit.rec_name,
                        record=(record or unit).rec_name))

    @classmethod
    def leader_roles(cls, units, user_id=None):
        "{unit id: set of roles} of the user (default: current) per unit."
        Leader = Pool().get('sushi.unit.leader')
        if user_id is None:
            user_id = Transaction().user
        roles = {u.id: set() for u in units}
        for leader in Leader.search([
                    ('unit', 'in', list(roles)),
                    ('user', '=', user_id),
                    ]):
            roles[leader.unit.id].add(leader.role)
        return roles

    @classmethod
    def check_leader(cls, units, record=None, principal=False):
        """RPL-04, EXT-01: the user is a leader of each unit (its principal
        leader when `principal`, e.g. for supervised orders).  Return
        {unit id: the role the user signs in}; the root user passes with
        no role."""
        if not Transaction().user:
            return {u.id: None for u in units}
        result = {}
        for unit_id, roles in cls.leader_roles(units).items():
            unit = cls(unit_id)
            name = (record or unit).rec_name
            if not roles:
                raise UnitRightError(gettext(
                        'sushi_ticket.msg_unit_not_leader',
                        unit=unit.rec_name, record=name))
            if principal and 'principal' not in roles:
                raise UnitRightError(gettext(
                        'sushi_ticket.msg_unit_principal_required',
                        unit=unit.rec_name, record=name))
            result[unit_id] = (
                'principal' if 'principal' in roles else 'deputy_in_charge')
        return result

    def check_dispatchable(self, config):
        "TRI-05: orders go to active tier-2 units (tier 3 if configured)."
        if self.tier == '1' or (self.tier == '3'
                and not config['direct_tier3_dispatch']):
            raise DispatchError(gettext('sushi_ticket.msg_dispatch_tier',
                    unit=self.rec_name))
        if not self.active:
            raise DispatchError(gettext('sushi_ticket.msg_dispatch_inactive',
                    unit=self.rec_name))

    @classmethod
    def import_csv(cls, data):
        """Create or update units from CSV data (code, name, group, category,
        kind, parent).  Every bad row is named; nothing is saved unless every
        row is good."""
        reader = csv.DictReader(io.StringIO(_decode(data)))
        if not reader.fieldnames or not {'code', 'name'} <= set(
                f.strip() for f in reader.fieldnames):
            raise UnitImportError(gettext('sushi_ticket.msg_unit_import_header'))
        with Transaction().set_context(active_test=False):
            existing = {u.code: u for u in cls.search([])}
        platform = [u for u in existing.values() if u.tier == '1']
        rows, errors, seen = [], [], {}
        for lineno, row in enumerate(reader, start=2):
            row = {k.strip(): (v or '').strip() for k, v in row.items() if k}
            code, name = row.get('code', ''), row.get('name', '')
            if not code and not name:
                continue
            problems = []
            if not code:
                problems.append(gettext('sushi_ticket.msg_unit_import_no_code'))
            elif code in seen:
                problems.append(gettext('sushi_ticket.msg_unit_import_duplicate',
                        code=code, first=seen[code]))
            if not name:
                problems.append(gettext('sushi_ticket.msg_unit_import_no_name'))
            group = GROUP_WORDS.get(row.get('group', ''), False)
            if group is False:
                problems.append(gettext('sushi_ticket.msg_unit_import_bad_group',
                        value=row.get('group')))
            category = CATEGORY_WORDS.get(row.get('category', ''), False)
            if category is False:
                problems.append(gettext(
                        'sushi_ticket.msg_unit_import_bad_category',
                        value=row.get('category')))
            elif group == 'department' and not category:
                problems.append(gettext(
                        'sushi_ticket.msg_unit_import_no_category'))
            kind = row.get('kind') or {
                'county': 'county', 'park': 'park',
                'department': 'enterprise' if category == '4' else 'department',
                }.get(group, '')
            if kind not in KIND_TIER:
                problems.append(gettext('sushi_ticket.msg_unit_import_bad_kind',
                        value=kind))
            parent_code = row.get('parent', '')
            if kind in KIND_TIER and KIND_TIER[kind] == '3':
                if parent_code not in existing and parent_code not in seen:
                    problems.append(gettext(
                            'sushi_ticket.msg_unit_import_bad_parent',
                            value=parent_code))
            if problems:
                errors.append(gettext('sushi_ticket.msg_unit_import_row',
                        line=lineno, problems='；'.join(problems)))
                continue
            seen[code] = lineno
            rows.append((code, name, group, category, kind, parent_code))
        if errors:
            raise UnitImportError(gettext('sushi_ticket.msg_import_rejected',
                    count=len(errors), errors='\n'.join(errors)))
        if not rows:
            raise UnitImportError(gettext('sushi_ticket.msg_import_empty'))
        # Tier 2 first so that tier-3 rows can point at units of the same file.
        rows.sort(key=lambda r: KIND_TIER[r[4]])
        for code, name, group, category, kind, parent_code in rows:
            tier = KIND_TIER[kind]
            if tier == '3':
                parent = existing[parent_code]
            else:
                parent = platform[0] if platform else None
            unit = existing.get(code) or cls(code=code)
            unit.name = name
            unit.kind = kind
            unit.tier = tier
            unit.parent = parent
            unit.assessed = bool(group)
            unit.assessment_group = group
            unit.category = category
            unit.save()
            existing[code] = unit


class UnitMemberMixin:
    """A user's place in a unit (handler or leader), once per unit; any
    change empties the cache of the users' units (and so the rules)."""
    __slots__ = ()
    _unit_user_unique_message = None

    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('unit_user_unique', Unique(t, t.unit, t.user),
                cls._unit_user_unique_message))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('sushi.unit')._user_units_cache.clear()


class UnitUser(UnitMemberMixin, ModelSQL):
    __name__ = 'sushi.unit-res.user'
    __string__ = "Unit - User"
    _unit_user_unique_message = 'sushi_ticket.msg_unit_user_unique'


class UnitLeader(UnitMemberMixin, ModelSQL, ModelView):
    "A unit leader who signs off replies and consents to extensions."
    __name__ = 'sushi.unit.leader'
    __string__ = "Unit Leader"
    _unit_user_unique_message = 'sushi_ticket.msg_unit_leader_unique'

    role = fields.Selection([
            ('principal', "Principal Leader"),
            ('deputy_in_charge', "Deputy Leader in Charge"),
            ], "Role", required=True,
        help="Replies to supervised orders need the principal leader "
        "(RPL-04).")

    @classmethod
    def default_role(cls):
        return 'deputy_in_charge'

    def get_rec_name(self, name):
        return f'{self.user.rec_name} ({self.unit.rec_name})'


class UnitImportStart(ModelView):
    __name__ = 'sushi.unit.import.start'
    __string__ = "Import Units"

    file_ = fields.Binary("File", required=True, filename='filename',
        help="CSV with the columns code, name, group, category and "
        "optionally kind and parent (the parent's code).")
    filename = fields.Char("File Name")


class UnitImport(Wizard):
    "Create or update units from a CSV file, all rows or none."
    __name__ = 'sushi.unit.import'
    __string__ = "Import Units"

    start = StateView('sushi.unit.import.start',
        'sushi_ticket.unit_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        Pool().get('sushi.unit').import_csv(self.start.file_)
        return 'end'
