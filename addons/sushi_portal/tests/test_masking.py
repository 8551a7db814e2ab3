# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PUB-04, PUB-05: no planted personal data survives the masking of a
published text.  120 requests and replies in the words of Suzhou's
callers and units, each with a requester, a handler and often a third
person, phones, ID-card numbers, plates and exact addresses planted."""
import random
import unittest

from trytond.modules.sushi_portal.masking import mask, mask_address

SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭'
GIVEN = ['建国', '秀英', '志强', '丽娟', '海燕', '永刚', '桂兰', '文静', '德华',
    '春梅', '小龙', '玉珍', '国庆', '红霞', '卫东', '淑芬', '子涵', '浩然', '明',
    '伟', '芳', '静', '磊', '洋', '勇', '军', '杰', '娜', '敏', '强']
ROADS = ['汴河路', '淮河西路', '银河一路', '胜利东路', '拂晓大道', '浍河路',
    '人民路', '西昌南路', '鞋城路', '沱河路', '光明路', '环城北路']
ESTATES = ['金色家园小区', '雍景湾', '华夏名都', '绿地世纪城', '天润城',
    '百大花园', '阳光新城', '御景苑', '盛世华庭', '东方名城']
TOWNS = ['埇桥区', '砀山县', '萧县', '灵璧县', '泗县', '宿马园区', '经开区']
PLATE_LETTERS = 'LLLLABCDEFGHJK'


def phone(rng):
    return rng.choice('3456789') and '1%s%s%08d' % (
        rng.choice('3578'), rng.randint(0, 9), rng.randint(0, 99999999))


def landline(rng):
    return '0557-%d%06d' % (rng.randint(2, 8), rng.randint(0, 999999))


def id_card(rng):
    region = rng.choice(['341302', '341321', '341322', '341323', '341324'])
    birth = '%04d%02d%02d' % (rng.randint(1950, 2005), rng.randint(1, 12),
        rng.randint(1, 28))
    return region + birth + '%03d' % rng.randint(0, 999) + rng.choice(
        '0123456789X')


def plate(rng):
    tail = ''.join(rng.choice('0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')
        for _ in range(rng.choice([5, 5, 5, 6])))
    sep = rng.choice(['', '', '·', ' '])
    return '皖' + rng.choice(PLATE_LETTERS) + sep + tail


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def house(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return '%d号' % rng.randint(1, 399)
    if kind == 1:
        return '%d栋%d单元%d室' % (rng.randint(1, 30), rng.randint(1, 4),
            rng.randint(1, 33) * 100 + rng.randint(1, 4))
    if kind == 2:
        return '%d号楼%d0%d' % (rng.randint(1, 40), rng.randint(1, 28),
            rng.randint(1, 4))
    return '%d-%d-%d0%d' % (rng.randint(1, 30), rng.randint(1, 4),
        rng.randint(1, 18), rng.randint(1, 4))


REQUESTS = [
    '我叫{name}，住在{town}{estate}{house}，楼下烧烤店每天营业到凌晨两点，'
    '油烟和噪音严重影响休息，电话{phone}，希望有关部门尽快处理。',
    '{town}{road}{house}门口的下水道堵塞一周了，污水漫到路上，我是{name}，'
    '手机{phone}，请派人疏通。',
    '本人{name}，身份证号{id}，在{estate}购房已满三年仍未办理不动产权证，'
    '开发商一直推诿，联系电话：{phone}。',
    '车牌{plate}的白色轿车长期占用{estate}消防通道，物业不管，反映人{name}，'
    '联系方式{phone}。',
    '{name}反映：{town}{road}{house}附近路灯不亮已有半个月，晚上出行很不安全，'
    '请尽快维修。回电{phone}。',
    '我在{road}一家装修公司打工，老板{third}拖欠工资八千元，多次讨要无果，'
    '我的身份证{id}，电话{phone}，请帮忙讨薪。',
    '{estate}{house}楼上漏水，邻居{third}不配合维修，家里墙面都泡坏了。'
    '来电人{name}，{phone}。',
    '本人{name}（{id}），想咨询灵活就业人员养老保险怎么缴纳，'
    '电话{landline}。',
    '{town}{road}上一辆{plate}的渣土车沿路撒漏，尘土很大，'
    '希望城管部门查处。投诉人{name}，{phone}。',
    '我家孩子在{road}小学上学，想咨询转学手续，联系人{name}，手机{phone}，'
    '住址{town}{estate}{house}。',
    '{estate}电梯经常困人，上周我母亲{third}被困了四十分钟，物业经理{third2}'
    '说没钱修，我是业主{name}，{phone}。',
    '建议在{road}与{road2}交口增设红绿灯，早晚高峰行人过马路非常危险。'
    '建议人{name}，电话{phone}。',
    '{name}求助：我父亲{third}独居在{town}{estate}{house}，患病无人照顾，'
    '想申请居家养老服务，电话{phone}。',
    '我是外卖骑手{name}，电动车{plate}在{road}被扣，想问怎么处理，'
    '身份证号码{id}，电话{phone}。',
    ]
REPLIES = [
    '经核实，{name}反映的{road}{house}情况属实。我局已于当日责令整改，'
    '承办人：{handler}，联系电话{handler_phone}。',
    '收到工单后，{town}城管执法中队{handler}同志立即到{estate}{house}现场查看，'
    '已与来电人{name}电话沟通（{phone}），问题已解决。',
    '您好{name}女士，您反映的问题已转{town}人社局处理，工作人员{handler}'
    '将与您联系，办公电话{handler_landline}。',
    '关于车牌{plate}车辆占道问题，交警大队已现场处置并告知车主{third}，'
    '经办人{handler}，{handler_phone}。',
    '{handler}经理已与{name}先生联系，约定本周五上门维修，如有问题请致电'
    '{handler_phone}。',
    '我中心网格员{handler}已走访{estate}{house}，并联系{name}的家属{third}，'
    '协调社区提供上门服务。',
    ]


def corpus(n=120, seed=12345):
    """Yield (text, planted items, known names, known addresses)."""
    rng = random.Random(seed)
    for i in range(n):
        values = {
            'name': person(rng), 'third': person(rng), 'third2': person(rng),
            'handler': person(rng), 'phone': phone(rng),
            'landline': landline(rng), 'id': id_card(rng),
            'plate': plate(rng), 'town': rng.choice(TOWNS),
            'road': rng.choice(ROADS), 'road2': rng.choice(ROADS),
            'estate': rng.choice(ESTATES), 'house': house(rng),
            'handler_phone': phone(rng), 'handler_landline': landline(rng),
            }
        template = (REQUESTS[i % len(REQUESTS)] if i % 3
            else REQUESTS[i % len(REQUESTS)] + REPLIES[i % len(REPLIES)])
        if i % 5 == 4:
            template = REPLIES[i % len(REPLIES)]
        text = template.format(**values)
        planted = []
        for key in ['name', 'third', 'third2', 'handler', 'phone',
                'landline', 'id', 'plate', 'handler_phone',
                'handler_landline']:
            if '{%s}' % key in template:
                planted.append(values[key])
        if '{house}' in template:
            planted.append(values['house'])
        address = values['town'] + values['road'] + values['house']
        yield text, planted, [values['name'], values['handler']], [address]


class MaskingTestCase(unittest.TestCase):
    "Masking of published texts"

    def test_corpus_no_planted_item_survives(self):
        "PUB-04, PUB-05: 120 texts, no name, number, plate or house survives"
        texts = list(corpus())
        self.assertGreaterEqual(len(texts), 100)
        leaks = []
        for text, planted, names, addresses in texts:
            masked = mask(text, names=names, addresses=addresses)
            digits = ''.join(c for c in masked if c.isdigit())
            for item in planted:
                compact = item.replace('·', '').replace(' ', '')
                item_digits = ''.join(c for c in item if c.isdigit())
                if (item in masked or compact in masked.replace(' ', '')
                        or (len(item_digits) >= 4
                            and item_digits in digits)):
                    leaks.append((item, masked))
        self.assertFalse(leaks, msg='\n'.join(
                f'{item}: {masked}' for item, masked in leaks[:20]))

    def test_address_kept_to_road_or_estate(self):
        "PUB-05: the road and the 小区 stay, the house number goes"
        self.assertEqual(mask_address('埇桥区汴河路88号'), '埇桥区汴河路**')
        self.assertEqual(
            mask_address('埇桥区金色家园小区3栋2单元501室'),
            '埇桥区金色家园小区**')
        self.assertEqual(mask_address('萧县天润城5-2-1102'), '萧县天润城**')

    def test_ordinary_words_stay(self):
        "Masking does not destroy the matter: dates, sums, places remain"
        text = ('2024年11月30日反映的路面积水问题，施工方已于3天内修复，'
            '费用3000元由物业公司承担。')
        self.assertEqual(mask(text), text)

    def test_phone_forms(self):
        "Mobile, landline, +86 and spaced numbers are all hidden"
        for number in ['13805571234', '138 0557 1234', '+86 13805571234',
                '0557-3021234', '（0557）3021234']:
            with self.subTest(number=number):
                masked = mask('电话%s谢谢' % number)
                self.assertFalse(any(c.isdigit() for c in masked),
                    msg=masked)

    def test_titles_and_staff(self):
        "张先生 and 承办人王建国 lose their names"
        self.assertEqual(mask('张先生反映'), '某先生反映')
        self.assertEqual(mask('承办人：王建国，已处理'), '承办人：某某，已处理')
