"""Demo data for `make run` and the browser tests, through proteus.

Everything here goes through the same models and wizards a user would use:
the tier-3 units of one county (埇桥区) are imported with the unit import
wizard, and one account per role of DESIGN.md is created.
"""
import secrets
from pathlib import Path

from proteus import Model, Wizard

HERE = Path(__file__).resolve().parent

# login, name, groups (xml ids of sushi_ticket, or module.xml_id), units,
# leader role
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
    # the Office's assessment officer (考核专员): events, objections,
    # periods, results and bulletins of the 附件5 assessment
    ('officer', '演示考核专员', ['sushi_assessment.group_assessment_officer'],
        [], None),
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
            module, _, xml_id = xml_id.rpartition('.')
            user.groups.append(Group(_ref(module or 'sushi_ticket', xml_id)))
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
    # the database is configured: the administrator's first login opens
    # the platform, not Tryton's module configuration wizard
    Item = Model.get('ir.module.config_wizard.item')
    for item in Item.find([('state', '=', 'open')]):
        item.state = 'done'
        item.save()


# Requests of the demo tickets: (type, title, description, category code,
# address, region code)
REQUESTS = [
    ('consult', '公积金提取材料咨询', '想了解租房提取住房公积金需要准备哪些材料,'
        '能否在皖事通上办理。', 'housing_property', '埇桥区银河一路', 'yongqiao_district'),
    ('complaint', '夜间施工噪音扰民', '埇桥区汴河路某工地连续多日夜间23点后仍在施工,'
        '噪音很大,影响休息,希望有关部门查处。', 'environmental_protection',
        '埇桥区汴河路与淮河路交叉口', 'yongqiao_district'),
    ('complaint', '小区门口道路积水', '道东街道某小区门口道路积水严重,下雨后无法通行,'
        '希望尽快疏通排水管道。', 'urban_management', '埇桥区道东街道淮海路',
        'yongqiao_district'),
    ('help', '独居老人取暖困难', '符离镇一位独居老人家中取暖设备损坏,生活困难,'
        '请求帮助。', 'elderly_care', '埇桥区符离镇王庄村', 'yongqiao_district'),
    ('complaint', '农民工工资拖欠', '在埇桥区某建筑工地务工,工程结束三个月,'
        '工资仍未结清,共计一万二千元。', 'employment', '埇桥区经济开发区',
        'yongqiao_district'),
    ('suggestion', '建议增设公交站点', '建议在三里街道新建小区附近增设公交站点,'
        '方便居民出行。', 'transport', '埇桥区三里街道', 'yongqiao_district'),
    ('consult', '医保异地就医备案', '父母在外地居住,想咨询医保异地就医备案的办理流程。',
        'medical', '埇桥区', 'yongqiao_district'),
    ('consult', '社保卡补办', '社保卡丢失,如何补办?', 'employment', '埇桥区',
        'yongqiao_district'),
    ('complaint', '要求法院重新审理', '对法院判决不服,要求重新审理我的民事案件。',
        'public_security', '埇桥区', 'yongqiao_district'),
    ('complaint', '占道经营', '市区胜利路多家商户占用人行道经营,行人只能走机动车道。',
        'urban_management', '埇桥区胜利路', 'yongqiao_district'),
    ('praise', '表扬社区网格员', '道西街道网格员帮助我家解决了下水道堵塞问题,'
        '特此表扬。', 'urban_management', '埇桥区道西街道', 'yongqiao_district'),
    ('complaint', '燃气停供未通知', '小区燃气突然停供,事先没有任何通知,'
        '已经两天无法做饭。', 'gas', '埇桥区北关街道', 'yongqiao_district'),
    ]


def create_demo_tickets():
    """Tickets in every state of a working day, made through the buttons
    and wizards of the people who would make them."""
    import datetime as dt
    from proteus import config as pconfig
    cfg = pconfig.get_config()
    Ticket = Model.get('sushi.ticket')
    if Ticket.find([]):
        return 0
    Unit = Model.get('sushi.unit')
    Category = Model.get('sushi.category')
    Reason = Model.get('sushi.scope.reason')
    User = Model.get('res.user')
    users = {u.login: u.id for u in User.find([])}
    county, = Unit.find([('code', '=', 'yongqiao_district')])
    town, = Unit.find([('code', '=', 'yq_fuli')])
    city, = Unit.find([('code', '=', 'urban_management_bureau')])
    gas, = Unit.find([('code', '=', 'suzhou_gas_co')])
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

    def as_user(login):
        cfg.user = users[login]
        cfg._context = User.get_preferences(True, {})

    def ticket(i, received):
        kind, title, text, category, address, region = REQUESTS[i]
        category, = Category.find([('code', '=', category)])
        region, = Unit.find([('code', '=', region)])
        record = Ticket(request_type=kind, title=title, description=text,
            category=category, address=address, region=region,
            requester_phone='1380557%04d' % (1000 + i),
            requester_name=['张先生', '李女士', '王先生', '赵大爷', '刘女士',
                '陈先生'][i % 6], received_at=received)
        record.save()
        return record

    def dispatch(record, lead, co=()):
        wizard = Wizard('sushi.ticket.dispatch', [record])
        wizard.form.lead_unit = lead
        for unit in co:
            wizard.form.co_units.append(Unit(unit.id))
        wizard.form.basis = '属地管理,按职责派发'
        wizard.execute('dispatch')
        record.reload()
        return record.assignments

    def reply(assignment):
        Reply = Model.get('sushi.ticket.reply')
        record = Reply(assignment=assignment,
            content='经现场核查,问题已按规定处理,具体情况已电话告知诉求人。',
            result='resolved', no_policy_cited=True,
            contacted_at=now - dt.timedelta(hours=2), contact_method='phone',
            contact_summary='电话联系诉求人,告知处理情况,诉求人表示认可。',
            requester_satisfaction='satisfied', handler_name='周工',
            handler_phone='0557-3021234')
        record.save()
        record.click('request_sign_off')
        return record

    hour = dt.timedelta(hours=1)
    made = 0
    as_user('intake')
    drafts = [ticket(0, now - hour)]
    accepted = ticket(1, now - 3 * hour)
    accepted.click('accept')
    answered = ticket(7, now - 5 * hour)
    answered.answer = '携带身份证到任一社保经办网点,或在皖事通APP“社保卡补换”办理。'
    Entry = Model.get('sushi.knowledge.entry')
    for entry in Entry.find([('title', 'like', '%社保卡%'),
                ('state', '=', 'published')]):
        answered.knowledge_entries.append(Entry(entry.id))
    answered.save()
    answered.click('answer_directly')
    rejected = ticket(8, now - 6 * hour)
    rejected.rejection_reason, = Reason.find([('code', '=', 'litigation')])
    rejected.guidance = rejected.rejection_reason.guidance
    rejected.save()
    rejected.click('reject')
    handling = [ticket(i, now - (10 + i) * hour) for i in [2, 3, 4, 5, 6,
            9, 10, 11]]
    made += 4 + len(drafts) + len(handling)

    as_user('dispatcher')
    waiting, = dispatch(handling[0], county)
    redispatched, = dispatch(handling[1], county)
    wages, = [a for a in dispatch(handling[2], county, [Unit(city.id)])
        if a.unit == county]
    suggestion, = dispatch(handling[3], county)
    medical, = dispatch(handling[4], county)
    street, = dispatch(handling[5], city)
    dispatch(handling[6], county)
    gas_order, = dispatch(handling[7], gas)

    as_user('handler')
    for assignment in [redispatched, wages, suggestion, medical]:
        assignment.click('sign')
    wizard = Wizard('sushi.ticket.redispatch', [redispatched])
    wizard.form.unit = town
    wizard.form.basis = '请符离镇民政办上门核实'
    wizard.execute('redispatch')
    suggestion_reply = reply(suggestion)
    medical_reply = reply(medical)
    as_user('leader')
    suggestion_reply.click('sign_off')
    medical_reply.click('sign_off')
    as_user('reviewer')
    medical_reply.click('accept')
    as_user('city_handler')
    street.click('sign')
    # LGT-05: an extension the leader consented to awaits the platform, so
    # the unit's clock is paused (菜单"待平台审批")
    as_user('handler')
    extension = Model.get('sushi.ticket.extension')(assignment=wages, days=3,
        reason='需协调人社部门联合调查取证', basis='涉及多家用工单位',
        application='关于延期办理的申请', requester_informed_at=now - hour,
        requester_informed_method='phone')
    extension.save()
    extension.click('submit')
    as_user('leader')
    extension.click('leader_approve')
    as_user('admin')
    return made


# Published answer scripts and policies call-takers answer from:
# (kind, unit code, title, content, keywords, document number)
KNOWLEDGE = [
    ('faq_script', 'human_resources_social_security_bureau', '社保卡丢失如何补办',
        '社保卡丢失后,可拨打12345或到社保经办网点先办理挂失;补办时携带本人'
        '身份证到任一社保卡服务网点,或在皖事通APP“社保卡补换”办理,'
        '一般即时制卡或7个工作日内寄达。', '社保卡 补办 挂失 皖事通', None),
    ('faq_script', 'housing_provident_fund_center', '租房提取住房公积金需要哪些材料',
        '无房职工租房提取公积金,需提供本人身份证、租房合同及房租发票(或'
        '不动产登记查询证明),可通过皖事通APP或公积金中心柜台办理,'
        '每年可提取一次。', '公积金 租房 提取', None),
    ('policy_document', 'medical_security_bureau', '跨省异地就医直接结算备案办法',
        '参保人员跨省异地就医,可通过国家医保服务平台APP、皖事通APP或参保地'
        '医保经办机构办理备案,备案后在就医地定点医疗机构直接结算。',
        '医保 异地就医 备案 结算', '宿医保发〔2024〕12号'),
    ('policy_interpretation', 'urban_management_bureau',
        '关于夜间施工噪声管理的政策解读',
        '建筑施工单位在夜间22时至次日6时进行产生噪声的施工作业,须取得'
        '生态环境部门的夜间施工证明并公告附近居民;未经批准的,可向12345'
        '或生态环境部门投诉。', '夜间施工 噪音 噪声 扰民', None),
    # the call-takers' everyday questions, and the planted matters of the
    # demo history (停电, 停水, 燃气): the knowledge base is not near empty
    ('faq_script', 'state_grid_suzhou', '小区突然停电如何查询和报修',
        '可先通过“网上国网”APP或拨打95598查询是否为计划停电;非计划停电'
        '由供电公司抢修,城区一般2小时内到达现场。小区内部线路故障请联系'
        '物业。', '停电 报修 供电 95598', None),
    ('faq_script', 'suzhou_water_supply', '停水原因和恢复供水时间查询',
        '计划停水提前24小时在供水公司网站和小区公告栏公告;突发停水可拨打'
        '供水公司客服热线查询抢修进度,停水超过24小时的应安排临时送水。',
        '停水 供水 水压低 恢复供水', None),
    ('faq_script', 'suzhou_gas_co', '闻到燃气味或燃气故障怎么办',
        '闻到燃气味请立即关闭燃气总阀、开窗通风,不要开关电器、不要使用'
        '明火,到室外拨打燃气公司24小时抢修电话;燃气表欠费可在皖事通APP'
        '或燃气公司营业厅缴纳。', '燃气 漏气 煤气 抢修 燃气表', None),
    ('faq_script', 'public_security_bureau', '户口迁入宿州需要哪些材料',
        '购房、投靠、就业等迁入市区,本人携带身份证、户口簿及购房合同或'
        '劳动合同等证明到落户地派出所办理;省内迁移可“一站式”办理,'
        '无需回迁出地开具准迁证。', '户口 落户 迁入 派出所', None),
    ('faq_script', 'natural_resources_planning_bureau',
        '新房办理不动产权证的流程',
        '开发商办理首次登记后,购房人携带身份证、购房合同、契税完税凭证'
        '到不动产登记中心或通过皖事通APP申请转移登记,材料齐全的一般5个'
        '工作日内办结。', '不动产 房产证 产权证 登记', None),
    ('policy_interpretation', 'education_sports_bureau',
        '义务教育阶段入学报名政策解读',
        '小学和初中按学区划片、免试就近入学;适龄儿童凭户口簿、房产证明'
        '或居住证在规定时间内网上报名,随迁子女与户籍学生享受同等入学'
        '待遇。', '入学 报名 学区 划片 随迁子女', None),
    ]


def create_demo_knowledge():
    "A few published entries, through the units' and reviewers' buttons."
    import datetime as dt
    Entry = Model.get('sushi.knowledge.entry')
    Unit = Model.get('sushi.unit')
    if Entry.find([]):
        return
    # Suzhou's date (from 16:00 UTC it is tomorrow's)
    today = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
    entries = []
    for kind, code, title, content, keywords, number in KNOWLEDGE:
        unit, = Unit.find([('code', '=', code)])
        entry = Entry(kind=kind, owner_unit=unit, title=title,
            content=content, keywords=keywords, document_number=number,
            issued_on=today if number else None, effective_date=today)
        entry.save()
        entries.append(entry)
    for entry in entries:
        entry.click('submit')
        entry.click('publish')


def load_module_demo(name):
    "Run the load() of scripts/demo/<name>.py, a module's demo loader."
    import importlib.util
    import sys
    if str(HERE / 'demo') not in sys.path:
        # the loaders share scripts/demo/history.py
        sys.path.insert(0, str(HERE / 'demo'))
    spec = importlib.util.spec_from_file_location(
        f'sushi_demo_{name}', HERE / 'demo' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.load()


def load(password=None, tickets=True):
    """Load all demo data; return the accounts created.

    The six months of generated history (scripts/demo/history.py) are
    left out when the environment sets SUSHI_DEMO_HISTORY=0."""
    import os
    from trytond.modules.sushi_ticket.exceptions import (
        CalendarMissingYearError)
    set_admin_language()
    import_demo_units()
    accounts = create_accounts(password)
    create_demo_knowledge()
    load_module_demo('portal')
    history = False
    if tickets:
        try:
            create_demo_tickets()
        except CalendarMissingYearError as error:
            # Late in December the demo's deadlines reach next year, whose
            # official schedule must be imported first: no demo tickets then.
            from proteus import config as pconfig
            pconfig.get_config().user = 1
            print('演示工单未创建 (demo tickets skipped):', error.message)
        else:
            # six months of generated history, then what runs on it
            history = os.environ.get('SUSHI_DEMO_HISTORY', '1') != '0'
            if history:
                load_module_demo('history')
            load_module_demo('supervision')
    load_module_demo('consultation')
    if history:
        load_module_demo('analysis')
    load_module_demo('assessment')
    return accounts
