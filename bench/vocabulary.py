# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The vocabulary of the synthetic requests: request types and channels
with their shares, the counties, districts and parks of 宿州 with their
towns and roads, names, and the title and description templates of each
topic (see generate.py)."""

# Request types and their shares of a city hotline's work orders.
REQUEST_TYPES = [
    ('consult', 40), ('complaint', 25), ('help', 15),
    ('suggestion', 10), ('report', 7), ('praise', 3),
    ]

# Channel code, share; 'sisong_yifu_platform' only takes enterprise topics.
CHANNELS = [
    ('hotline_12345', 620), ('wanshitong_app', 90),
    ('xunsuban_miniprogram', 80), ('mayor_mailbox', 50),
    ('people_cn_mayor_board', 40), ('city_interaction_platform', 40),
    ('ahzwfw_suzhou', 30), ('suzhou_release_wechat_weibo', 30),
    ('provincial_platform', 12), ('big_data_discovery', 3),
    ('city_leader_instruction', 2),
    ]
ENTERPRISE_CHANNEL = 'sisong_yifu_platform'
CHANNEL_PREFIX = {
    'hotline_12345': 'CALL', 'wanshitong_app': 'WST',
    'xunsuban_miniprogram': 'XSB', 'mayor_mailbox': 'SZXX',
    'people_cn_mayor_board': 'RMW', 'city_interaction_platform': 'HDJL',
    'ahzwfw_suzhou': 'ZWFW', 'suzhou_release_wechat_weibo': 'SZFB',
    'provincial_platform': 'SJJB', 'big_data_discovery': 'DSJ',
    'city_leader_instruction': 'LDPS', ENTERPRISE_CHANNEL: 'SSYF',
    }

# Region unit code, name, share of requests, towns/streets, roads.
REGIONS = [
    ('yongqiao_district', '埇桥区', 36,
        ['汴河街道', '南关街道', '三里街道', '道东街道', '北关街道',
            '东关街道', '城东街道', '西关街道', '沱河街道', '符离镇',
            '夹沟镇', '曹村镇', '永安镇', '大店镇', '灰古镇', '栏杆镇',
            '蒿沟镇', '时村镇', '桃园镇', '褚兰镇'],
        ['汴河路', '淮海路', '胜利路', '银河路', '人民路', '浍水路',
            '西昌路', '环城路', '宿怀路', '北二环路', '磬云路', '大河南街']),
    ('dangshan_county', '砀山县', 14,
        ['砀城镇', '李庄镇', '唐寨镇', '葛集镇', '周寨镇', '玄庙镇',
            '官庄坝镇', '程庄镇', '关帝庙镇', '良梨镇'],
        ['梨都大道', '利民路', '健康路', '光明路', '新城路', '永安路']),
    ('xiao_county', '萧县', 15,
        ['龙城镇', '黄口镇', '杨楼镇', '闫集镇', '新庄镇', '刘套镇',
            '马井镇', '永堌镇', '丁里镇', '酒店镇'],
        ['龙城路', '凤山路', '书画大道', '萧国路', '建设路', '百善路']),
    ('lingbi_county', '灵璧县', 13,
        ['灵城镇', '韦集镇', '黄湾镇', '娄庄镇', '尹集镇', '浍沟镇',
            '渔沟镇', '虞姬镇'],
        ['钟馗大道', '虞姬大道', '奇石路', '磬云路', '朝阳路', '解放路']),
    ('si_county', '泗县', 12,
        ['泗城镇', '大庄镇', '长沟镇', '黑塔镇', '屏山镇', '草沟镇',
            '丁湖镇', '墩集镇'],
        ['泗州大道', '运河路', '汴河大道', '虹乡路', '九龙路', '隋河路']),
    ('econ_dev_zone', '市经开区', 3,
        ['金海岸社区', '宿东社区'],
        ['金江一路', '金泰路', '银河一路', '外环东路']),
    ('high_tech_zone', '市高新区', 3,
        ['朱仙庄镇', '高新社区'],
        ['拂晓大道', '外环北路', '科技大道']),
    ('suma_park', '宿马园区', 2,
        ['马鞍山路社区', '宿马南社区'],
        ['马鞍山路', '纬二路', '经五路']),
    ('shoe_city', '鞋城', 2,
        ['鞋城社区'],
        ['鞋城大道', '鞋都路']),
    ]
COMMUNITIES = ['金色家园', '汴河花园', '御景园', '香樟苑', '幸福家园',
    '阳光新城', '银河小区', '锦绣江南', '凤凰城', '世纪花园', '东方明珠',
    '梨都新城', '和顺小区', '翡翠城', '龙湖春天', '文化苑', '碧桂园',
    '书香门第', '滨河人家', '丽景华庭', '福馨苑', '盛世名门', '幸福里',
    '恒大名都', '新城花园', '北城家园', '泰和园', '清华苑']
HOSPITALS = ['宿州市立医院', '宿州市第一人民医院', '宿州市中医医院',
    '埇桥区人民医院', '砀山县人民医院', '萧县人民医院', '灵璧县人民医院',
    '泗县人民医院']
SHOPS = ['烧烤店', '生鲜超市', '水果店', '小吃店', '餐馆', '便利店',
    '面馆', '火锅店', '奶茶店', '熟食店']
SURNAMES = ('张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董'
    '程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方'
    '石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段')
GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国'
COMPANY_WORDS = ['恒达', '宏远', '鑫源', '华信', '金泰', '瑞丰', '润通',
    '永盛', '盛世', '天一', '佳和', '新亚', '皖北', '汴水', '梨都']
INDUSTRIES = ['建筑工程', '食品', '商贸', '纺织', '物流', '新材料',
    '电子科技', '农业科技', '服装', '机械制造']
# Mobile prefixes in use (三大运营商 and 广电).
MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137',
    '138', '139', '150', '151', '152', '153', '155', '156', '157', '158',
    '159', '166', '173', '176', '177', '178', '180', '181', '182', '183',
    '184', '185', '186', '187', '188', '189', '191', '192', '195', '198',
    '199']


def _t(title, description, ask=None):
    return (title, description, ask)


# Each topic: name, category code, handling units ('REGION' = the
# county or park of the address), weight, months with more requests,
# whether it is an enterprise topic, urgency chances, and templates per
# request type: (title, description, the requester's ask).
TOPICS = [
    {'name': '道路积水', 'category': 'urban_management',
        'units': ['REGION', 'REGION', 'urban_management_bureau',
            'housing_urban_rural_dev_bureau'],
        'weight': 6, 'peak': {6, 7, 8, 9},
        'types': {
            'complaint': [
                _t('{road}{community}门口道路积水严重',
                    '{place}门口路段每逢下雨就积水,最深处约{depth}厘米,'
                    '行人和电动车无法通行,已反映多次未解决。',
                    '请相关部门尽快疏通排水管网,彻底解决积水问题。'),
                _t('{town}{road}下雨积水影响出行',
                    '{county}{town}{road}与{road2}交叉口地势低洼,'
                    '近{days}天降雨后积水一直未退,车辆熄火现象时有发生。',
                    '希望尽快排涝并改造该路段排水设施。'),
                ],
            'help': [
                _t('{community}地下车库进水求助',
                    '{place}地下车库进水,已有多辆车被淹,物业抽水设备不足。',
                    '请求有关部门协调抽水设备尽快排水。'),
                ],
            'suggestion': [
                _t('建议改造{road}排水设施',
                    '{county}{road}排水管道管径偏小,夏季暴雨时路面积水严重。',
                    '建议结合城市更新对该路段雨污管网进行改造扩容。'),
                ],
            'praise': [
                _t('表扬城管部门排涝及时',
                    '来电人表示前期反映的{road}积水问题,城管部门当天就'
                    '组织人员排涝,现已恢复通行。',
                    '对工作人员的高效负责表示感谢。'),
                ],
            }},
    {'name': '噪音扰民', 'category': 'environmental_protection',
        'units': ['REGION', 'ecology_environment_bureau',
            'urban_management_bureau', 'public_security_bureau'],
        'weight': 6, 'peak': {5, 6, 7, 8},
        'types': {
            'complaint': [
                _t('{community}附近夜间施工噪音扰民',
                    '{place}附近工地每天夜间施工至凌晨{hour}点左右,'
                    '机械噪音很大,严重影响周边居民休息。',
                    '请核实该工地是否办理夜间施工许可并依法处理。'),
                _t('{road}广场舞音响声音过大',
                    '{county}{road}{community}旁广场每晚有人跳广场舞,'
                    '音响音量过大,持续到晚上{night}点以后。',
                    '希望相关部门劝导降低音量、控制时间。'),
                _t('商铺高音喇叭叫卖扰民',
                    '{place}楼下{shop}长期使用高音喇叭循环播放促销广告,'
                    '噪音扰民。', '请求城管部门依法制止。'),
                ],
            'report': [
                _t('举报{town}一工厂夜间噪音',
                    '{county}{town}{road}附近一加工厂夜间生产,'
                    '设备噪音和震动明显,疑似未落实降噪措施。',
                    '请环保部门夜间现场检测并查处。'),
                ],
            }},
    {'name': '物业纠纷', 'category': 'housing_property',
        'units': ['REGION', 'housing_admin_center',
            'housing_urban_rural_dev_bureau'],
        'weight': 7, 'peak': set(),
        'types': {
            'complaint': [
                _t('{community}电梯长期故障物业不维修',
                    '{place}{building}号楼电梯已停运{days}天,楼内有多位'
                    '老人上下楼困难,物业以维修资金未到位为由推诿。',
                    '请求主管部门督促物业尽快维修电梯。'),
                _t('{community}物业乱收费',
                    '{place}物业公司在未公示的情况下上调物业费,'
                    '每平方米由{fee}元涨至{fee2}元,业主多次反映无果。',
                    '请核实物业收费是否合规。'),
                _t('{community}小区公共收益不公开',
                    '{place}物业公司将小区广告位、停车位对外出租,'
                    '公共收益从未向业主公示。',
                    '要求物业公开公共收益账目。'),
                ],
            'consult': [
                _t('咨询住宅专项维修资金使用流程',
                    '来电人是{place}业主,小区屋面漏水,'
                    '想了解申请使用住宅专项维修资金的条件和流程。', None),
                _t('咨询更换物业公司的程序',
                    '{place}业主对现物业服务不满意,咨询业主大会'
                    '选聘新物业公司需要履行哪些程序。', None),
                ],
            'suggestion': [
                _t('建议加强对老旧小区物业的监管',
                    '{county}部分老旧小区无物业或物业服务不到位,'
                    '环境卫生差、安全隐患多。',
                    '建议推行社区托管或引入国有物业兜底。'),
                ],
            }},
    {'name': '拖欠工资', 'category': 'employment',
        'units': ['human_resources_social_security_bureau', 'REGION'],
        'weight': 6, 'peak': {1, 2, 12},
        'types': {
            'complaint': [
                _t('{company}拖欠工人工资',
                    '来电人反映在{county}{town}{company}承建的项目务工,'
                    '共{workers}名工人被拖欠{months}个月工资,合计约'
                    '{amount}元,多次讨要未果。',
                    '请求劳动保障监察部门督促企业尽快支付工资。'),
                _t('{county}{shop}拖欠员工工资',
                    '来电人原在{place}附近一家{shop}工作,离职后店主'
                    '拖欠{months}个月工资共{amount}元拒不支付。',
                    '希望相关部门帮助追讨。'),
                ],
            'help': [
                _t('农民工讨薪求助',
                    '来电人在{county}{town}工地务工,年底临近,包工头'
                    '失联,{workers}名工人工资无人支付。',
                    '请求政府部门帮助联系施工总包单位解决。'),
                ],
            }},
    {'name': '医保报销', 'category': 'medical',
        'units': ['medical_security_bureau', 'REGION'],
        'weight': 6, 'peak': {1, 2, 3},
        'types': {
            'consult': [
                _t('咨询异地就医医保报销比例',
                    '来电人参加{county}城乡居民医保,家人在外省住院,'
                    '咨询异地就医如何备案以及报销比例。', None),
                _t('咨询门诊慢特病申报流程',
                    '来电人患有高血压、糖尿病,咨询{county}门诊慢特病'
                    '待遇的申报材料和办理地点。', None),
                _t('咨询城乡居民医保缴费标准',
                    '来电人咨询{year}年度城乡居民医保个人缴费标准、'
                    '缴费截止时间和缴费渠道。', None),
                ],
            'complaint': [
                _t('医保报销迟迟未到账',
                    '来电人于{month}月在{hospital}住院,出院时提交了医保'
                    '手工报销材料,至今已超过{days}个工作日仍未到账。',
                    '请核实办理进度。'),
                ],
            }},
    {'name': '公积金提取', 'category': 'housing_property',
        'units': ['housing_provident_fund_center'],
        'weight': 5, 'peak': {3, 4, 9},
        'types': {
            'consult': [
                _t('咨询住房公积金提取条件',
                    '来电人在{county}购买首套住房,咨询使用住房公积金'
                    '提取支付购房首付款需要哪些材料。', None),
                _t('咨询租房提取公积金',
                    '来电人在{county}租房居住,咨询租房提取住房公积金的'
                    '额度和线上办理渠道。', None),
                _t('咨询公积金贷款额度',
                    '来电人夫妻双方连续缴存公积金{months}个月,咨询在宿州'
                    '申请公积金贷款的最高额度。', None),
                ],
            'complaint': [
                _t('公积金提取申请被退回',
                    '来电人通过皖事通APP申请提取公积金,多次被退回,'
                    '每次退回原因不一致。', '希望一次性告知所需材料。'),
                ],
            'praise': [
                _t('表扬公积金中心窗口服务',
                    '来电人在公积金中心办理提取业务时,窗口工作人员'
                    '耐心指导、当场办结。', '特致电表扬。'),
                ],
            }},
    {'name': '占道经营', 'category': 'urban_management',
        'units': ['REGION', 'urban_management_bureau'],
        'weight': 5, 'peak': {5, 6, 7, 8, 9},
        'types': {
            'complaint': [
                _t('{road}流动摊贩占道经营',
                    '{county}{road}{community}门口每天傍晚聚集大量流动摊贩,'
                    '占用人行道和机动车道,造成交通拥堵、垃圾遍地。',
                    '请城管部门加强管理。'),
                _t('{shop}店外经营占用人行道',
                    '{place}附近一家{shop}长期在店外摆放桌椅经营,'
                    '行人只能绕行到机动车道。', '请求依法处理。'),
                ],
            'report': [
                _t('举报{road}夜市占道经营',
                    '{county}{road}夜市摊点占道经营至深夜,油烟和噪音扰民。',
                    '请相关部门规范管理。'),
                ],
            'suggestion': [
                _t('建议在{town}设置便民摊点区',
                    '{county}{town}周边流动摊贩较多,'
                    '屡禁不止。', '建议规划固定便民疏导点,疏堵结合。'),
                ],
            }},
    {'name': '燃气停供', 'category': 'gas',
        'units': ['suzhou_gas_co', 'suzhou_cr_gas_co', 'suzhou_china_gas_co'],
        'weight': 4, 'peak': {11, 12, 1, 2},
        'urgent': 0.35,
        'types': {
            'help': [
                _t('{community}燃气突然停供',
                    '{place}从今天上午开始燃气停供,燃气公司事先未通知,'
                    '居民无法做饭,家中有老人和小孩。',
                    '请求尽快恢复供气并说明原因。'),
                _t('燃气表故障无法用气',
                    '来电人家住{place},燃气表显示异常无法用气,'
                    '已联系燃气公司{days}天仍未上门。', '请求尽快安排维修。'),
                ],
            'complaint': [
                _t('燃气公司维修不及时',
                    '{place}燃气管道维修后迟迟未恢复供气,'
                    '客服电话长时间无法接通。', '请督促燃气公司尽快处理。'),
                ],
            'consult': [
                _t('咨询燃气开户和通气流程',
                    '来电人新购{place}住房,咨询天然气开户需要哪些材料、'
                    '多久可以通气。', None),
                ],
            'praise': [
                _t('表扬燃气维修师傅',
                    '来电人反映燃气维修师傅冒雪上门,很快排除了故障。',
                    '特此表扬。'),
                ],
            }},
    {'name': '学区划分', 'category': 'education',
        'units': ['education_sports_bureau', 'REGION'],
        'weight': 4, 'peak': {5, 6, 7, 8},
        'types': {
            'consult': [
                _t('咨询{community}所属学区',
                    '来电人家住{place},孩子今年上{grade},'
                    '咨询该小区对应的学区学校和报名时间。', None),
                _t('咨询随迁子女入学政策',
                    '来电人在{county}务工,咨询外地户籍随迁子女'
                    '在{county}就读{grade}需要提供哪些材料。', None),
                ],
            'suggestion': [
                _t('建议调整{community}学区划分',
                    '{place}距离划片学校较远,孩子上学需穿过{road}主干道,'
                    '存在安全隐患。', '建议将该小区划入就近学校学区。'),
                ],
            'complaint': [
                _t('学区划分不合理',
                    '{place}今年被划入较远的学校,家长意见较大。',
                    '希望教育部门公开学区划分依据。'),
                ],
            }},
    {'name': '食品安全', 'category': 'food_drug_safety',
        'units': ['market_regulation_bureau', 'REGION'],
        'weight': 4, 'peak': {6, 7, 8},
        'types': {
            'report': [
                _t('举报{shop}售卖过期食品',
                    '来电人于{month}月{day}日在{place}附近一家{shop}'
                    '购买的食品已超过保质期,商家拒绝退换。',
                    '请市场监管部门核查处理。'),
                _t('举报{road}无证餐饮店卫生差',
                    '{county}{road}一家餐馆无营业执照,后厨卫生条件差,'
                    '疑似使用地沟油。', '请求依法查处。'),
                ],
            'complaint': [
                _t('在{shop}就餐后身体不适',
                    '来电人在{place}附近一家{shop}就餐后出现腹泻呕吐,'
                    '已到{hospital}就诊。', '要求商家赔偿并请相关部门检查。'),
                ],
            }},
    {'name': '停电', 'category': 'power',
        'units': ['state_grid_suzhou'],
        'weight': 3, 'peak': {7, 8, 1},
        'urgent': 0.3,
        'types': {
            'help': [
                _t('{community}突然停电',
                    '{place}从{hour}点左右开始停电,至今未恢复,'
                    '天气炎热,家中有病人。', '请求尽快抢修恢复供电。'),
                ],
            'complaint': [
                _t('{town}频繁停电',
                    '{county}{town}近一个月频繁停电,'
                    '影响生产生活。', '请供电公司排查线路隐患。'),
                ],
            'praise': [
                _t('表扬供电抢修人员',
                    '来电人表示{community}停电后,供电公司抢修人员连夜'
                    '抢修,很快恢复供电。', '对抢修人员表示感谢。'),
                ],
            }},
    {'name': '供水', 'category': 'water',
        'units': ['suzhou_water_supply', 'REGION'],
        'weight': 3, 'peak': {7, 8},
        'urgent': 0.2,
        'types': {
            'help': [
                _t('{community}停水未通知',
                    '{place}自昨晚开始停水,供水公司未提前通知,'
                    '居民生活受到影响。', '请求尽快恢复供水。'),
                ],
            'complaint': [
                _t('{community}自来水发黄有异味',
                    '{place}近几天自来水发黄、有异味,'
                    '居民不敢饮用。', '请供水部门检测水质。'),
                _t('{town}水压低高层用水难',
                    '{county}{town}{community}高层住户水压不足,'
                    '早晚用水高峰时段基本没水。', '请求改造加压设施。'),
                ],
            'consult': [
                _t('咨询水费阶梯计价标准',
                    '来电人咨询宿州市居民生活用水阶梯水价标准'
                    '及一户多人口如何申请调整。', None),
                ],
            }},
    {'name': '路灯不亮', 'category': 'urban_management',
        'units': ['REGION', 'urban_management_bureau'],
        'weight': 3, 'peak': {10, 11, 12, 1},
        'types': {
            'help': [
                _t('{road}路灯不亮',
                    '{county}{road}{community}至{road2}路段路灯已'
                    '损坏{days}天,夜间漆黑一片,存在安全隐患。',
                    '请尽快维修。'),
                ],
            'complaint': [
                _t('{town}路灯长期不亮无人维修',
                    '{county}{town}主街道路灯长期不亮,'
                    '多次反映无人维修。', '请明确管养单位并尽快修复。'),
                ],
            }},
    {'name': '消费维权', 'category': 'consumer_rights',
        'units': ['market_regulation_bureau'],
        'weight': 4, 'peak': {3, 11, 12},
        'types': {
            'complaint': [
                _t('预付卡门店关门无法退费',
                    '来电人在{place}附近一家健身房办理预付卡{amount}元,'
                    '门店突然关门,负责人联系不上。', '请求帮助退还余额。'),
                _t('网购商品质量问题商家拒不退货',
                    '来电人在{county}一家商场购买的电器使用{days}天后'
                    '出现故障,商家拒绝退换。', '请求市场监管部门调解。'),
                _t('{shop}价格欺诈',
                    '来电人在{place}附近一家{shop}消费,结账价格与'
                    '标价不一致。', '请求依法处理。'),
                ],
            'consult': [
                _t('咨询七天无理由退货规定',
                    '来电人咨询网购商品七天无理由退货的适用范围。', None),
                ],
            }},
    {'name': '社保养老', 'category': 'elderly_care',
        'units': ['human_resources_social_security_bureau',
            'civil_affairs_bureau', 'REGION'],
        'weight': 5, 'peak': {1, 7},
        'types': {
            'consult': [
                _t('咨询养老保险补缴政策',
                    '来电人{age}岁,在{county}参加城乡居民养老保险,'
                    '咨询缴费年限不足能否一次性补缴。', None),
                _t('咨询高龄津贴申领',
                    '来电人父亲今年{age}岁,户籍在{county}{town},'
                    '咨询高龄津贴的申领条件和办理地点。', None),
                _t('咨询退休手续办理',
                    '来电人即将达到退休年龄,咨询在{county}办理退休'
                    '需要准备哪些材料。', None),
                ],
            'help': [
                _t('独居老人生活困难求助',
                    '来电人反映{place}一位独居老人年事已高,'
                    '生活无人照料。', '请求社区和民政部门上门帮扶。'),
                ],
            'suggestion': [
                _t('建议在{town}增设社区养老服务站',
                    '{county}{town}老年人口较多,缺少日间照料场所。',
                    '建议增设社区养老服务站和老年食堂。'),
                ],
            }},
    {'name': '违章建筑', 'category': 'urban_management',
        'units': ['REGION', 'urban_management_bureau',
            'natural_resources_planning_bureau'],
        'weight': 3, 'peak': set(),
        'types': {
            'report': [
                _t('举报{community}顶楼私搭乱建',
                    '{place}{building}号楼顶楼住户在楼顶搭建彩钢房,'
                    '存在安全隐患,影响其他住户。', '请求依法拆除。'),
                _t('举报{town}违法占用耕地建房',
                    '{county}{town}有人在基本农田上违法建房,'
                    '已打好地基。', '请自然资源部门核查制止。'),
                ],
            'complaint': [
                _t('{community}一楼住户私扩院墙',
                    '{place}一楼住户私自扩建院墙,占用公共绿地。',
                    '请城管部门处理。'),
                ],
            }},
    {'name': '企业政策咨询', 'category': 'enterprise_policy_consultation',
        'units': ['development_reform_commission', 'economy_it_bureau',
            'taxation_bureau', 'human_resources_social_security_bureau'],
        'weight': 3, 'peak': {3, 4}, 'enterprise': True,
        'types': {
            'consult': [
                _t('咨询稳岗返还政策',
                    '来电企业为{company},咨询{year}年失业保险稳岗返还的'
                    '申领条件和办理时间。', None),
                _t('咨询小微企业税收优惠',
                    '{company}咨询小型微利企业所得税优惠政策的'
                    '适用条件。', None),
                _t('咨询技改项目奖补申报',
                    '{company}咨询{year}年工业企业技术改造项目'
                    '奖补资金的申报条件和材料。', None),
                ],
            'suggestion': [
                _t('建议简化惠企政策申报材料',
                    '{company}反映部分惠企政策申报材料繁多、'
                    '需多部门盖章。', '建议推行免申即享。'),
                ],
            }},
    {'name': '企业问题诉求', 'category': 'enterprise_problem',
        'units': ['REGION', 'economy_it_bureau', 'state_grid_suzhou'],
        'weight': 2, 'peak': set(), 'enterprise': True,
        'types': {
            'help': [
                _t('企业用电报装进度慢',
                    '{company}位于{county}{town},新建厂房已竣工,'
                    '申请增容用电{days}天仍未接电,影响投产。',
                    '请求协调加快办理。'),
                _t('企业招工难求助',
                    '{company}因订单增加急需招聘普工{workers}名,'
                    '招工困难。', '请求人社部门协助对接用工。'),
                ],
            'complaint': [
                _t('政府项目拖欠企业工程款',
                    '{company}承建{county}某市政项目,竣工验收后'
                    '仍有{amount}元工程款未支付。',
                    '请求督促建设单位按合同付款。'),
                ],
            }},
    {'name': '营业执照办理', 'category': 'enterprise_lifecycle_service',
        'units': ['gov_services_bureau', 'market_regulation_bureau'],
        'weight': 3, 'peak': {3, 4, 5}, 'enterprise': True,
        'types': {
            'consult': [
                _t('咨询个体工商户营业执照办理',
                    '来电人准备在{place}附近开一家{shop},咨询办理营业执照'
                    '和食品经营许可证的流程。', None),
                _t('咨询企业简易注销流程',
                    '{company}咨询申请简易注销登记的条件'
                    '和线上办理渠道。', None),
                ],
            'complaint': [
                _t('政务服务中心窗口办事推诿',
                    '来电人在{county}政务服务中心办理业务,'
                    '窗口人员要求补充的材料前后不一,往返{times}次未办成。',
                    '希望一次性告知。'),
                ],
            'praise': [
                _t('表扬政务服务中心帮办代办',
                    '{company}在政务服务中心办理开办手续时,'
                    '帮办人员全程代办,一天办结。', '特此表扬。'),
                ],
            }},
    {'name': '环境污染', 'category': 'environmental_protection',
        'units': ['ecology_environment_bureau', 'REGION'],
        'weight': 3, 'peak': {5, 6, 10},
        'types': {
            'report': [
                _t('举报{town}焚烧秸秆',
                    '{county}{town}田间有人焚烧秸秆,浓烟很大,'
                    '影响周边村民和道路通行。', '请相关部门及时处置。'),
                _t('举报企业向河道排放污水',
                    '{county}{town}一企业夜间向附近河道偷排污水,'
                    '河水发黑发臭。', '请环保部门查处。'),
                ],
            'complaint': [
                _t('{community}附近餐馆油烟扰民',
                    '{place}楼下餐馆油烟直排,'
                    '居民无法开窗。', '请求督促安装油烟净化设施。'),
                ],
            }},
    {'name': '交通出行', 'category': 'transport',
        'units': ['transport_bureau', 'public_security_bureau', 'REGION'],
        'weight': 3, 'peak': {1, 2, 9},
        'types': {
            'complaint': [
                _t('{bus}路公交车发车间隔过长',
                    '{county}{bus}路公交车高峰时段发车间隔超过'
                    '{minutes}分钟,乘客候车时间长。', '请求增加班次。'),
                _t('出租车拒载绕路',
                    '来电人在{road}乘坐出租车,司机绕路'
                    '并拒绝打表。', '请求查处。'),
                ],
            'suggestion': [
                _t('建议增设{community}公交站点',
                    '{place}周边居民较多,最近的公交站步行需{minutes}分钟。',
                    '建议在小区附近增设公交站点。'),
                _t('建议{road}路口增设红绿灯',
                    '{county}{road}与{road2}交叉口车流量大,'
                    '无信号灯,事故多发。', '建议增设信号灯。'),
                ],
            'report': [
                _t('举报非法营运车辆',
                    '{county}{road}客运站附近有多辆私家车'
                    '非法拉客营运。', '请求依法查处。'),
                ],
            }},
    {'name': '通信信号', 'category': 'telecom_postal',
        'units': ['china_mobile_suzhou', 'china_telecom_suzhou',
            'china_unicom_suzhou', 'china_post_suzhou'],
        'weight': 2, 'peak': set(),
        'types': {
            'complaint': [
                _t('{community}手机信号差',
                    '{place}室内手机信号很差,经常无法接通电话。',
                    '请运营商增设基站。'),
                _t('宽带故障报修未处理',
                    '来电人家住{place},宽带断网{days}天,报修后'
                    '一直无人上门。', '请求尽快维修。'),
                ],
            'help': [
                _t('快递丢失求助',
                    '来电人在{county}寄出的快递显示已签收'
                    '但本人未收到。', '请求邮政管理部门协调。'),
                ],
            }},
    {'name': '医疗服务', 'category': 'medical',
        'units': ['health_commission'],
        'weight': 3, 'peak': {1, 2, 12},
        'types': {
            'complaint': [
                _t('{hospital}挂号排队时间过长',
                    '来电人在{hospital}就诊,挂号、缴费排队时间'
                    '超过{minutes}分钟。', '建议优化就诊流程。'),
                _t('{hospital}医护人员服务态度差',
                    '来电人陪同家人在{hospital}就诊,医护人员'
                    '态度生硬、解释不清。', '请卫健部门核实处理。'),
                ],
            'consult': [
                _t('咨询疫苗接种时间地点',
                    '来电人咨询{county}{town}社区卫生服务中心'
                    '疫苗接种的时间和预约方式。', None),
                ],
            'praise': [
                _t('表扬{hospital}医护人员',
                    '来电人家属在{hospital}住院期间,医护人员'
                    '细心照料、医术精湛。', '特致电表扬。'),
                ],
            }},
    {'name': '不动产登记', 'category': 'housing_property',
        'units': ['natural_resources_planning_bureau', 'REGION'],
        'weight': 3, 'peak': {3, 4, 10},
        'types': {
            'consult': [
                _t('咨询不动产权证办理',
                    '来电人购买的{place}商品房已交付{months}个月,'
                    '咨询办理不动产权证的流程和所需材料。', None),
                _t('咨询二手房过户税费',
                    '来电人咨询在{county}购买二手房办理过户'
                    '需缴纳哪些税费。', None),
                ],
            'complaint': [
                _t('{community}交房多年办不了房产证',
                    '{place}业主交房已{years}年,因开发商原因'
                    '至今无法办理不动产权证。', '请求相关部门协调解决。'),
                ],
            }},
    {'name': '户籍证件', 'category': 'public_security',
        'units': ['public_security_bureau'],
        'weight': 3, 'peak': {7, 8},
        'types': {
            'consult': [
                _t('咨询户口迁移办理',
                    '来电人咨询将户口从外地迁入{county}'
                    '需要的材料和办理地点。', None),
                _t('咨询身份证异地补办',
                    '来电人户籍在外省,咨询在{county}能否补办居民身份证。',
                    None),
                ],
            'help': [
                _t('家中老人走失求助',
                    '来电人家中老人在{place}附近走失,已{hours}小时未归。',
                    '请求公安部门协助寻找。'),
                ],
            }},
    {'name': '非法集资', 'category': 'banking',
        'units': ['local_financial_regulation_bureau',
            'public_security_bureau'],
        'weight': 1, 'peak': set(),
        'types': {
            'report': [
                _t('举报{company}涉嫌非法集资',
                    '{county}{road}一家{company}以高额回报为诱饵'
                    '吸收老年人资金,已有多人无法取回本金。',
                    '请相关部门调查。'),
                ],
            'consult': [
                _t('咨询银行贷款利率',
                    '来电人咨询在宿州办理个人住房商业贷款的利率。', None),
                ],
            }},
    ]
GRADES = ['小学一年级', '初中一年级']
FREQUENT_CALLERS = 200
EARLIER = ['12345热线', '皖事通APP', '市长信箱', '社区', '镇政府']
CONTACT_TIMES = ['工作日上午', '工作日下午', '中午12点前', '下午5点后']
HELP_URGENCY = 0.1
