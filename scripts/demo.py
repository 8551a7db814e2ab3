"""Demo data for `make run` and the browser tests, through proteus.

Everything here goes through the same models and wizards a user would use:
the tier-3 units of one county (埇桥区) are imported with the unit import
wizard, and one account per role of DESIGN.md is created.
"""
import secrets
from pathlib import Path

from proteus import Model, Wizard

HERE = Path(__file__).resolve().parent

# login, name, groups (xml ids of sushi_ticket), units, leader role
ACCOUNTS = [
    ('intake', '演示受理员', ['group_sushi_intake'], [], None),
    ('dispatcher', '演示派单员', ['group_sushi_dispatcher'], [], None),
    ('reviewer', '演示审核员', ['group_sushi_reviewer'], [], None),
    ('supervisor', '演示督办员', ['group_sushi_supervisor'], [], None),
    ('handler', '埇桥区承办人(演示)', ['group_sushi_unit_handler'],
        ['yongqiao_district'], None),
    ('leader', '埇桥区分管负责同志(演示)', ['group_sushi_unit_leader'],
        [], ('yongqiao_district', 'deputy_in_charge')),
    ('principal', '埇桥区主要负责同志(演示)', ['group_sushi_unit_leader'],
        [], ('yongqiao_district', 'principal')),
    ('town_handler', '符离镇承办人(演示)', ['group_sushi_unit_handler'],
        ['yq_fuli'], None),
    ('city_handler', '市城管局承办人(演示)', ['group_sushi_unit_handler'],
        ['urban_management_bureau'], None),
    ('city_leader', '演示市领导', ['group_sushi_city_leader'], [], None),
    ('analyst', '演示研判分析员', ['group_sushi_analyst'], [], None),
    ]


def _ref(module, xml_id):
    from proteus.config import get_config
    return get_config().get_proxy('ir.model.data').get_id(
        module, xml_id, {})


def import_demo_units():
    "Import the towns, streets and departments of 埇桥区 (tier 3)."
    Unit = Model.get('sushi.unit')
    if Unit.find([('code', '=', 'yq_fuli')]):
        return
    wizard = Wizard('sushi.unit.import')
    wizard.form.file_ = (HERE / 'demo' / 'yongqiao_units.csv').read_bytes()
    wizard.form.filename = 'yongqiao_units.csv'
    wizard.execute('import_')


def create_accounts(password=None):
    """Create one account per role; return [(login, name, password)].

    Each account gets its own random password unless one is given."""
    User = Model.get('res.user')
    Group = Model.get('res.group')
    Unit = Model.get('sushi.unit')
    Lang = Model.get('ir.lang')
    zh_cn, = Lang.find([('code', '=', 'zh_CN')])
    created = []
    for login, name, groups, units, leader in ACCOUNTS:
        if User.find([('login', '=', login)]):
            continue
        secret = password or secrets.token_urlsafe(9)
        user = User(login=login, name=name, password=secret,
            language=zh_cn, email=f'{login}@example.org')
        for xml_id in groups:
            user.groups.append(Group(_ref('sushi_ticket', xml_id)))
        for code in units:
            unit, = Unit.find([('code', '=', code)])
            user.sushi_units.append(unit)
        user.save()
        if leader:
            code, role = leader
            unit, = Unit.find([('code', '=', code)])
            Leader = Model.get('sushi.unit.leader')
            Leader(unit=unit, user=user, role=role).save()
        created.append((login, name, secret))
    return created


def set_admin_language():
    User = Model.get('res.user')
    Lang = Model.get('ir.lang')
    zh_cn, = Lang.find([('code', '=', 'zh_CN')])
    admin, = User.find([('login', '=', 'admin')])
    admin.language = zh_cn
    admin.save()


def load(password=None):
    "Load all demo data; return the accounts created."
    set_admin_language()
    import_demo_units()
    return create_accounts(password)
