# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Masking of personal data in published texts (PUB-04, PUB-05).

`mask(text, names=(), addresses=())` hides phone numbers, ID-card
numbers, bank cards and other long digit runs, e-mail addresses, licence
plates, house numbers (an address is kept to its road or 小区), the
names it is given (requester, handler, staff of the unit) and the names it
finds itself: after a person word (联系人, 经理, 师傅, 我叫 …), before a
title (先生, 女士, 师傅 …) and the person names jieba tags.

A pure function, so the reviewer's preview, the publication cron and the
public API all mask the same way."""
import re

from trytond.modules.sushi_analysis.ticket import posseg

NAME_MASK = '某某'
DIGITS_MASK = '****'

_CN_DIGIT = '0-9０-９零〇一二三四五六七八九十百千两'
# Compound surnames first so that 欧阳 wins over 欧.
COMPOUND_SURNAMES = ('欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 '
    '宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门').split()
SURNAMES = (
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田'
    '董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方'
    '白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
    '常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左'
    '柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳'
    '管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄'
    '窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商'
    '刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝')
_SURNAME = '(?:%s|[%s])' % ('|'.join(COMPOUND_SURNAMES), SURNAMES)
_GIVEN = '[\u4e00-\u9fa5]'
# Words that say "a person's name follows".
_BEFORE_NAME = (
    '我叫|我是|本人|姓名|名叫|叫做|联系人|申请人|来电人|反映人|投诉人|举报人|'
    '诉求人|当事人|承办人|经办人|办理人|负责人|责任人|工作人员|网格员|社区干部|'
    '干部|书记|主任|站长|所长|科长|局长|队长|组长|经理|老板|店主|房东|业主|'
    '师傅|医生|老师|律师|民警|警官|邻居|同事|丈夫|妻子|老公|老婆|儿子|女儿|'
    '父亲|母亲|家属|员工|职工|客户|司机|保安|物业|车主|户主|租户|住户|'
    '村民|居民|学生|患者|病人|家长|爷爷|奶奶|外婆|姥姥|哥哥|姐姐|弟弟|妹妹')
# Titles that follow a surname or a name: 张先生, 李女士, 王建国同志.
_TITLES = ('先生|女士|小姐|师傅|老师|同志|大爷|大妈|阿姨|大姐|大哥|老人|'
    '经理|主任|科长|局长|书记|站长|所长|队长|组长|老板|医生|律师|警官')

PATTERNS = [
    # e-mail addresses
    (re.compile(r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+'), DIGITS_MASK),
    # ID-card numbers (18 digits, or 17 and X) and other long digit runs:
    # bank cards, mobile and fixed phones written with or without spaces,
    # dashes or the +86 prefix.
    (re.compile(r'(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}'
            r'(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])'),
        DIGITS_MASK),
    (re.compile(r'(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?!\d)'),
        DIGITS_MASK),
    (re.compile(r'(?:[（(]?0\d{2,3}[）)]?[-\s]?)?[2-9]\d{2,3}[-\s]?\d{4}'
            r'(?![\d])'), DIGITS_MASK),
    (re.compile(r'\d(?: ?\d){6,}'), DIGITS_MASK),
    # QQ, WeChat and similar account identifiers
    (re.compile(r'((?:微信|QQ|qq|微信号|QQ号|账号|帐号)[号:：\s]*)'
            r'[A-Za-z0-9_-]{5,}'), r'\1' + DIGITS_MASK),
    # licence plates: 皖L12345, 皖L·D12345, 皖 L 1234X, new energy 8 chars
    (re.compile(r'[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川'
            r'宁琼使领][\s·•.-]?[A-Za-z][\s·•.-]?[A-Za-z0-9]{4,6}'
            r'(?:[挂学警港澳])?'), DIGITS_MASK),
    ]

# An address below the road or 小区: numbers with their units (88号,
# 3栋2单元501室, 5号楼, 12层, 3-2-501, 门牌号 B座) are dropped, the road
# or 小区 stays.
_UNIT = ('号院|号楼|号门|号铺|号|栋|幢|座|单元|室|层|楼|户|弄|组|排|门面|'
    '门市|铺|房间|房')
ADDRESS = re.compile(
    r'(?:(?:[%(d)s]+|[A-Za-z])+(?:[-—_/－][%(d)s]+)*\s*(?:%(u)s)'
    r'(?:之[%(d)s]+)?\s*)+'
    r'|(?<![0-9])[0-9]{1,3}(?:[-－—][0-9]{1,4}){2,3}(?![0-9])'
    r'|(?<=[区苑园庭府湾城楼厦寓舍院村庄路街道巷])\s*[0-9]{1,3}[-－—]'
    r'[0-9]{1,4}(?![0-9])'
    % {'d': _CN_DIGIT, 'u': _UNIT})
# Lone room or door numbers after an estate or a building: 小区301, 楼1102
ROOM = re.compile(r'(?<=[区苑园庭府湾城楼厦寓舍])[%s]{2,5}(?![%s])'
    % ('0-9', '0-9'))

NAME_AFTER = re.compile(r'(%s)([:：\s]{0,2})(%s%s{1,2})'
    % (_BEFORE_NAME, _SURNAME, _GIVEN))
NAME_BEFORE = re.compile(r'(%s)(%s{0,2})(?=%s)'
    % (_SURNAME, _GIVEN, _TITLES))
# Words that start with a surname character but are not names.
NOT_NAMES = set('''
    王府 张贴 李子 刘海 陈旧 杨树 黄色 赵州 吴江 周边 周末 周围 周一 周二
    周三 周四 周五 周六 周日 徐州 孙子 马路 马上 朱雀 胡同 郭庄 何时 何处
    高速 高架 高层 林业 林地 罗马 郑州 梁山 谢谢 宋朝 唐朝 许可 韩国 冯村
    邓州 曹村 彭城 曾经 田地 田间 董事 袁庄 潘集 于是 蒋庄 蔡庄 余额 杜绝
    叶子 程序 苏州 魏庄 吕梁 丁字 任务 任何 沈阳 姚庄 卢沟 姜堰 崔庄 钟表
    谭庄 陆续 汪洋 范围 金额 金融 石头 石油 廖庄 贾庄 夏天 夏季 韦庄 付款
    付费 方面 方便 方向 方案 方式 方法 白天 白色 邹庄 孟庄 熊猫 秦庄 邱庄
    江苏 江边 尹庄 薛庄 段落 雷雨 侯车 龙头 史料 陶瓷 黎明 贺卡 顾客 毛病
    郝庄 龚庄 邵庄 万元 万一 钱款 严重 严格 覃庄 武装 戴帽 莫名 孔洞 向上
    向下 汤水 常常 常年 常规 温度 温暖 康复 施工 文明 文件 文化 牛奶 樊庄
    葛庄 邢庄 安全 安装 安排 安置 齐全 易于 乔迁 伍庄 庞大 颜色 倪庄 庄稼
    聂庄 章程 鲁庄 岳庄 翟庄 殷庄 詹庄 申请 申报 申诉 欧洲 耿庄 关于 关闭
    关心 关注 兰花 焦急 俞庄 左右 左边 柳树 甘蔗 祝福 包括 包装 宁可 尚未
    符合 舒适 阮庄 柯庄 纪律 梅花 童年 凌晨 毕业 单位 单元 单独 季节 裴庄
    霍乱 涂料 成本 成立 成功 苗木 谷物 盛夏 曲线 翁庄 冉庄 骆驼 蓝色 路面
    路灯 路口 路段 游客 游玩 辛苦 靳庄 管理 管道 管网 柴油 蒙城 鲍庄 华人
    喻庄 祁庄 蒲庄 房屋 房子 房东 房租 滕庄 屈庄 饶庄 解决 牟利 艾草 尤其
    阳台 阳光 时间 时候 穆庄 农村 农民 农业 司机 卓越 古代 吉祥 缪庄 简单
    车辆 车位 车库 项目 连续 芦苇 麦田 褚庄 娄庄 窦庄 戚庄 岑庄 景区 党员
    宫庄 费用 卜庄 冷水 晏庄 席位 卫生 米饭 柏油 宗教 瞿庄 桂花 全部 全面
    佟庄 应该 应当 臧庄 闵庄 苟庄 邬庄 边上 卞庄 姬庄 师傅 和平 仇恨 栾庄
    隋朝 商户 商铺 商场 刁难 沙子 荣誉 巫庄 寇庄 桑树 郎溪 甄别 丛林 仲裁
    虞庄 敖庄 巩固 明天 明年 明显 佘庄 池塘 查询 查处 查看 麻烦 苑庄 迟迟
    邝庄 时常 高温 路上 周边 宁愿 都是 包工 全家 任职 严禁 和谐 向阳 明确
    王某 李某 张某 刘某 陈某 常务 安徽 宿州 钟楼 石桥 高铁 金湖 汤池 许多
    方可 应急 万达 江南 华夏 金色 阳光 和园 东方 欧阳 司法 上官 诸如 东方
    '''.split())

# jieba's tagger, loaded once per process on first use (the analysis'
# hot words use the same)
_posseg = posseg


def _known_names(names):
    "The names and the given names alone (建国 of 王建国), longest first."
    found = set()
    for name in names:
        name = re.sub(r'\s+', '', name or '')
        if len(name) < 2:
            continue
        found.add(name)
        if len(name) >= 3 and len(name) <= 4:
            found.add(name[-2:])
    return sorted(found, key=len, reverse=True)


def _mask_name(match_text):
    return NAME_MASK if len(match_text) > 1 else match_text


def mask(text, names=(), addresses=()):
    """Return text with the personal data masked (PUB-04, PUB-05).

    names: the people the text may name (requester, handler, staff);
    addresses: exact addresses known to the caller, masked whole after the
    road or 小区."""
    if not text:
        return text
    text = str(text)
    for address in sorted(filter(None, addresses), key=len, reverse=True):
        address = address.strip()
        if len(address) >= 4 and address in text:
            text = text.replace(address, mask_address(address))
    for name in _known_names(names):
        text = text.replace(name, NAME_MASK)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    text = ROOM.sub('**', text)
    text = ADDRESS.sub(_address_mask, text)
    text = NAME_AFTER.sub(_after_mask, text)
    text = NAME_BEFORE.sub(_title_mask, text)
    text = _mask_tagged_names(text)
    return text


def _address_mask(match):
    value = match.group(0)
    # keep counts and dates that only look like numbers with units
    if re.fullmatch(r'[一二三四五六七八九十两几]+\s*(?:层|楼|户)', value):
        return value
    return '**'


def _after_mask(match):
    if match.group(3)[:2] in NOT_NAMES:
        return match.group(0)
    return match.group(1) + match.group(2) + NAME_MASK


def _title_mask(match):
    surname, given = match.group(1), match.group(2)
    word = surname + given
    if word in NOT_NAMES or (len(word) == 2 and word in NOT_NAMES):
        return word
    # 张先生 -> 某先生; 王建国同志 -> 某某同志
    return '某' if not given else NAME_MASK


def _mask_tagged_names(text):
    "Person names that jieba tags (nr), not in the list of common words."
    posseg = _posseg()
    out = []
    for word, flag in posseg.cut(text):
        if (flag == 'nr' and 2 <= len(word) <= 4
                and word not in NOT_NAMES
                and re.fullmatch(r'[\u4e00-\u9fa5]+', word)
                and re.match(_SURNAME, word)
                and NAME_MASK not in word and '某' not in word):
            out.append(NAME_MASK)
        else:
            out.append(word)
    return ''.join(out)


def mask_address(address):
    "An address to its road or 小区: 埇桥区汴河路88号3栋 -> 埇桥区汴河路**"
    if not address:
        return address
    masked = ROOM.sub('**', str(address))
    masked = ADDRESS.sub('**', masked)
    for pattern, replacement in PATTERNS:
        masked = pattern.sub(replacement, masked)
    return re.sub(r'(\*\*)+', '**', masked)
