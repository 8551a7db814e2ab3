# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Write dedup_labelled.jsonl: requests labelled with their matter.

Each line is {"id", "group", "split", "kind", "text"}: requests of one
group are about the same concrete matter (duplicates); every other pair is
not.  The set mixes what makes Chinese duplicate detection hard:

- paraphrases: several callers describe one matter in their own words,
  short or long, with or without the road, the estate's suffix or the
  building number, in Arabic or Chinese numerals;
- typos (homophones, dropped characters) and spoken padding;
- hard negatives: the same place with another problem ("same_place"), the
  same problem and wording elsewhere ("same_problem"), singles.

Groups are split 60/40 into "dev" (to choose the threshold) and "heldout"
(reported).  Run: python bench/data/dedup_make.py (deterministic)."""
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

ESTATES = ['金色家园', '汴河花园', '御景园', '香樟苑', '幸福家园', '阳光新城',
    '银河小区', '锦绣江南', '凤凰城', '世纪花园', '东方明珠', '梨都新城',
    '和顺小区', '翡翠城', '龙湖春天', '文化苑', '碧桂园', '书香门第',
    '滨河人家', '丽景华庭', '福馨苑', '盛世名门', '幸福里', '恒大名都',
    '新城花园', '北城家园', '泰和园', '清华苑', '淮海新村', '绿地世纪城',
    '南湖春天', '沱河小区', '建设新村', '银泰花园', '华府名城', '云景苑']
ROADS = ['汴河路', '淮海路', '胜利路', '银河路', '人民路', '浍水路', '西昌路',
    '环城路', '宿怀路', '磬云路', '梨都大道', '利民路', '龙城路', '凤山路',
    '钟馗大道', '奇石路', '泗州大道', '运河路', '拂晓大道', '金江一路',
    '鞋城大道', '外环北路', '朝阳路', '解放路', '建设路', '新汴河路']
_HEADS = ['锦华', '翠湖', '桂花', '紫薇', '和平', '光明', '兴华', '红星', '新华',
    '育才', '东城', '西城', '康乐', '祥和', '万家', '紫金', '青年', '春晖',
    '景秀', '柳岸', '金桥', '天润', '宏达', '安居', '永兴', '明珠']
ESTATES += [h + s for h in _HEADS for s in ['小区', '花园', '家园', '苑',
    '新村', '公寓', '华庭', '名邸']]
ROADS += [h + s for h in ['光明', '兴华', '和平', '育才', '康乐', '青年', '工农',
    '东风', '迎宾', '沱河', '淮河', '汴水', '幸福', '长安', '文昌', '紫阳',
    '北海', '南京', '上海', '复兴'] for s in ['路', '街', '大道', '北路']]
VILLAGES = ['大李村', '小湖村', '前营村', '王楼村', '后张村', '孙庄村',
    '杨圩村', '马庙村', '高口村', '刘集村', '陈湾村', '新河村'] + [
    a + b + '村' for a in '张王李赵周吴郑孙朱胡' for b in ['庄', '楼', '圩', '集']]
TOWNS = ['符离镇', '夹沟镇', '曹村镇', '永安镇', '大店镇', '黄口镇', '杨楼镇',
    '韦集镇', '大庄镇', '长沟镇', '灰古镇', '蒿沟镇']
SITES = ['第三小学', '实验中学', '市立医院', '东关菜市场', '中心公园',
    '汽车南站', '新区幼儿园', '人民医院'] + [
    h + s for h in ['城东', '城西', '新区', '开发区', '南关', '北关', '道东',
        '三里', '汴北', '朱仙庄'] for s in ['小学', '中学', '菜市场', '医院']]
# Homophones and look-alikes callers and typists confuse.
TYPOS = {'停': '亭', '水': '谁', '电': '店', '梯': '题', '区': '曲', '路': '露',
    '灯': '登', '噪': '燥', '音': '因', '堵': '赌', '垃': '拉', '圾': '及',
    '臭': '丑', '暖': '援', '坏': '怀', '修': '休', '楼': '搂', '施': '是',
    '工': '公', '漏': '露', '费': '废', '物': '务', '积': '级'}
OPENERS = ['', '', '', '你好，', '您好，我想反映个事，', '喂，你好，',
    '来电人反映：', '市民来电称，', '网民留言：', '']
CLOSERS = ['', '', '希望尽快处理。', '请相关部门尽快解决。', '麻烦你们派人看看。',
    '已经反映过好几次了，一直没人管。', '谢谢！', '请给个答复。', '']

# Problem: (code, place kind, phrasings).  {p} is the place as the caller
# says it; phrasings differ in words and length on purpose.
PROBLEMS = [
    ('water_cut', 'estate', [
        '{p}停水了', '{p}从昨天晚上到现在一直没有水，做饭洗澡都成问题，也没看到停水通知',
        '{p}自来水停了一天了，水龙头一滴水都不出', '{p}断水两天了，老人孩子吃水都困难',
        '{p}今天早上起来发现没水了，物业说不清楚什么原因']),
    ('water_pressure', 'estate', [
        '{p}水压太低，高层根本上不去水', '{p}最近水流特别小，洗澡都洗不了',
        '{p}一到用水高峰水压就不足，楼上住户用不上水']),
    ('drain_block', 'estate', [
        '{p}下水道堵了，污水冒出来满地都是', '{p}楼下污水井堵塞，污水外溢，臭气熏天',
        '{p}化粪池满了往外冒粪水，味道很大，物业不管',
        '{p}的下水管道不通，一楼家里返水']),
    ('elevator', 'estate', [
        '{p}电梯坏了好几天没人修', '{p}电梯经常停运，前天还困人了，物业一直推诿',
        '{p}的电梯故障半个月了，老人上下楼非常不方便', '{p}电梯又坏了，请督促物业维修']),
    ('streetlight', 'road', [
        '{p}路灯不亮', '{p}那一段路灯晚上全黑，好几盏灯都坏了，走夜路很危险',
        '{p}的路灯坏了一个多月没人修', '晚上{p}黑灯瞎火的，路灯一直不亮']),
    ('road_damage', 'road', [
        '{p}路面坑洼不平', '{p}路面破损严重，有个大坑，电动车经过容易摔倒',
        '{p}有个窨井盖丢了，路面塌陷了一块，很危险', '{p}路面塌陷，车辆通行困难']),
    ('flooding', 'road', [
        '{p}下雨就积水', '{p}一下雨路面积水很深，电动车都淹了，没法通行',
        '{p}内涝严重，雨水倒灌进了门面房', '{p}低洼处积水好几天退不下去']),
    ('night_work', 'estate', [
        '{p}旁边工地夜间施工，噪音太大', '{p}附近工地每天晚上施工到凌晨两三点，吵得睡不着',
        '{p}边上的工地半夜还在打桩，轰鸣声扰民', '晚上十一点以后{p}附近还在施工，严重影响休息']),
    ('square_dance', 'estate', [
        '{p}广场舞音响声音太大', '{p}每天晚上跳广场舞，喇叭开得震天响，孩子没法写作业',
        '{p}楼下广场舞噪音扰民，到十点还不停']),
    ('bbq_smoke', 'estate', [
        '{p}楼下烧烤店油烟太大', '{p}底商烧烤店油烟直排，呛得窗户都不敢开',
        '{p}门口的烧烤摊每晚冒烟，油烟扰民']),
    ('garbage', 'estate', [
        '{p}垃圾没人清运', '{p}垃圾桶满了好几天没人拉，臭味很大，苍蝇乱飞',
        '{p}门口垃圾堆放成山，一直没清理', '{p}的生活垃圾好久没人清运了']),
    ('property_fee', 'estate', [
        '{p}物业乱收费', '{p}物业没有公示就把物业费从一块二涨到一块八，业主不认可',
        '{p}物业费涨价了，没开业主大会', '{p}物业强制收取停车费，收费不合理']),
    ('parking', 'estate', [
        '{p}消防通道被车辆占用', '{p}里面消防通道上停满了私家车，出了事消防车进不来',
        '{p}乱停车堵住了消防通道', '{p}的车位被外来车辆长期占用']),
    ('heating', 'estate', [
        '{p}暖气不热', '{p}供暖以后家里温度只有十几度，暖气片一直是凉的',
        '{p}集中供热温度太低，老人冻得受不了', '{p}暖气到现在还没来，交了取暖费的']),
    ('wage', 'site', [
        '{p}工地拖欠工资', '在{p}的工地干活，老板拖欠了我们半年的工资不给',
        '{p}项目欠薪，二十多个农民工讨薪无门', '{p}的包工头欠了我们工钱一直不结']),
    ('stray_dog', 'estate', [
        '{p}流浪狗很多', '{p}里有一群流浪狗，昨天还咬了一个小孩',
        '{p}遛狗不拴绳，流浪狗到处跑，很吓人']),
    ('illegal_building', 'estate', [
        '{p}有人违建', '{p}一楼住户私自扩建院子，违章搭建了彩钢房',
        '{p}顶楼业主在楼顶违章加盖房子', '{p}有业主违规搭建，占用公共绿地']),
    ('stall', 'road', [
        '{p}占道经营', '{p}人行道上全是摆摊的，流动摊贩占道经营，行人只能走机动车道',
        '{p}早上菜贩子出摊占路，交通堵塞']),
    ('traffic_light', 'road', [
        '{p}红绿灯坏了', '{p}路口的信号灯不亮了，车辆乱行很危险',
        '{p}交通信号灯时间设置不合理，绿灯只有十秒']),
    ('power_cut', 'estate', [
        '{p}停电了', '{p}从中午开始停电，到现在还没来电，冰箱里的东西都坏了',
        '{p}经常跳闸断电，一个星期停了三次', '{p}突然断电了，也没有通知']),
    ('pipe_leak', 'road', [
        '{p}水管爆了', '{p}路边自来水管破裂，水哗哗往外冒，浪费严重',
        '{p}地下管道漏水，路面一直在冒水', '{p}爆管了，水流到马路上']),
    ('river_pollution', 'village', [
        '{p}河道黑臭', '{p}旁边的河水又黑又臭，有厂子往河里偷排污水',
        '{p}的沟渠被污染了，鱼都死了', '{p}有企业夜里偷排，河水发黑']),
    ('straw_burning', 'village', [
        '{p}有人焚烧秸秆', '{p}田里有人烧秸秆，烟雾很大，路上都看不清',
        '{p}晚上有人偷偷焚烧秸秆和垃圾，浓烟呛人']),
    ('village_road', 'village', [
        '{p}村里的路坑坑洼洼', '{p}通村公路破损严重，下雨一地泥，孩子上学不方便',
        '{p}的水泥路塌了一段，一直没人修']),
    ('bus', 'road', [
        '{p}公交站台被撤了', '{p}的公交车班次太少，等半小时都不来',
        '{p}公交司机不按站停车，甩站']),
    ('school_enrol', 'site', [
        '{p}入学划片不合理', '孩子今年上一年级，{p}的学区划片把我们小区划出去了',
        '咨询{p}今年入学报名的条件，户口和房产不在一起能不能上']),
    ('food_safety', 'site', [
        '{p}卖过期食品', '在{p}买的熟食变质了，吃了拉肚子', '{p}食品卫生差，后厨苍蝇乱飞']),
    ]


def typo(text, rng, rate=0.5):
    "One homophone typo or one dropped character, with a chance of rate."
    if rng.random() > rate:
        return text
    positions = [i for i, c in enumerate(text) if c in TYPOS]
    if positions and rng.random() < 0.7:
        i = rng.choice(positions)
        return text[:i] + TYPOS[text[i]] + text[i + 1:]
    i = rng.randrange(1, max(2, len(text) - 1))
    return text[:i] + text[i + 1:]


CN = '零一二三四五六七八九'


def building_text(number, rng):
    style = rng.choice(['{n}号楼', '{n}栋', '{c}号楼', '{c}栋', '{n}幢'])
    return style.format(n=number, c=(CN[number] if number < 10
            else '十' + (CN[number - 10] if number > 10 else '')))


def place_forms(kind, rng, used):
    """Return a function giving one caller's way of naming a new place of
    kind, and the place's identity."""
    while True:
        if kind == 'estate':
            estate = rng.choice(ESTATES)
            road = rng.choice(ROADS)
            building = rng.randint(1, 18)
            ident = (estate, building)
        elif kind == 'road':
            road = rng.choice(ROADS)
            near = rng.choice(ESTATES + SITES)
            ident = (road,)
        elif kind == 'village':
            town = rng.choice(TOWNS)
            village = rng.choice(VILLAGES)
            ident = (town, village)
        else:
            site = rng.choice(SITES)
            road = rng.choice(ROADS)
            ident = (site,)
        if ident[-1 if kind == 'village' else 0] not in used:
            used.add(ident[-1 if kind == 'village' else 0])
            break

    def say():
        if kind == 'estate':
            name = estate
            if not name.endswith('小区') and rng.random() < 0.4:
                name += '小区'
            if rng.random() < 0.3:
                name = road + name
            if rng.random() < 0.6:
                name += building_text(building, rng)
            return name
        if kind == 'road':
            form = rng.random()
            if form < 0.4:
                return road
            if form < 0.7:
                return road + near + '附近'
            return road + rng.choice(['与', '和']) + rng.choice(ROADS) + '交叉口'
        if kind == 'village':
            if rng.random() < 0.5:
                return town + village
            return village
        if rng.random() < 0.3:
            return road + site
        return site
    return say, ident


def utter(phrasing, place, rng):
    text = rng.choice(OPENERS) + phrasing.format(p=place)
    if not text.endswith(('。', '！', '？')):
        text += rng.choice(['，', '。']) if rng.random() < 0.5 else '。'
    text += rng.choice(CLOSERS)
    return typo(text.rstrip('，'), rng)


def main(seed=12345, groups=120):
    rng = random.Random(seed)
    rows = []
    used = set()
    group_id = 0

    def add(group, kind, text, split):
        rows.append({'id': len(rows) + 1, 'group': group, 'split': split,
                'kind': kind, 'text': text})

    for n in range(groups):
        code, kind, phrasings = rng.choice(PROBLEMS)
        say, ident = place_forms(kind, rng, used)
        split = 'dev' if n % 5 < 3 else 'heldout'
        group_id += 1
        size = rng.choice([2, 2, 3, 3, 3, 4, 5])
        for _ in range(size):
            add(group_id, 'duplicate', utter(rng.choice(phrasings), say(), rng),
                split)
        # hard negative: same place, another problem of that place kind
        if rng.random() < 0.6:
            others = [p for p in PROBLEMS if p[1] == kind and p[0] != code]
            _, _, other_phrasings = rng.choice(others)
            group_id += 1
            add(group_id, 'same_place', utter(rng.choice(other_phrasings),
                    say(), rng), split)
        # hard negative: same problem, same wording, another place
        if rng.random() < 0.6:
            other_say, _ = place_forms(kind, rng, used)
            group_id += 1
            add(group_id, 'same_problem', utter(rng.choice(phrasings),
                    other_say(), rng), split)
    # singles of every problem and place
    for n in range(60):
        code, kind, phrasings = rng.choice(PROBLEMS)
        say, _ = place_forms(kind, rng, used)
        group_id += 1
        add(group_id, 'single', utter(rng.choice(phrasings), say(), rng),
            'dev' if n % 5 < 3 else 'heldout')
    with open(HERE / 'dedup_labelled.jsonl', 'w', encoding='utf-8') as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + '\n')
    return rows


if __name__ == '__main__':
    rows = main()
    print(len(rows), 'requests,',
        len({r['group'] for r in rows}), 'groups')
