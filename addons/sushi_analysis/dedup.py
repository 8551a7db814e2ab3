# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Duplicate detection of Chinese requests (PLT-02, SCP-04): pure helpers.

Two requests are about the same concrete matter when they name the same
place and the same problem.  A request is read into three parts:

- its places: estates (小区, 花园, 苑 ...), roads, villages, towns and
  public sites found by their suffix, plus building numbers (3号楼, 三栋);
- its problem concepts: a domain lexicon maps the many ways of saying a
  problem (没水, 停水, 断水, 水龙头不出水) to one concept;
- the rest, as character bigrams: what neither part knows (a shop's name,
  an estate without a suffix, a typo) still counts.

Two requests naming different places of the same kind (two estates, two
buildings) are different matters however alike the words: the template
"X小区门口路灯不亮" about two estates is the commonest false duplicate of
bigram measures.  Requests naming one place with disjoint problems are
different matters too.  Everything here is pure Python, so that the
benchmark and the tests read the same code the server runs."""
import re
import unicodedata
from functools import lru_cache

# Concept -> the ways callers name it.  A word may be in several concepts.
CONCEPTS = {
    'water_cut': '停水 没水 断水 没有水 不来水 不出水 无水 缺水 供水中断 '
        '没来水 用水困难 吃水 没自来水',
    'water_pressure': '水压低 水压小 水压不足 水流小 水很小 水太小 上不去水',
    'water_quality': '水质 水发黄 水浑浊 黄水 有异味的水 水有味 水浑 '
        '水有沉淀 自来水发浑',
    'pipe_leak': '漏水 爆管 水管破裂 管道破裂 水管爆 跑水 冒水 渗水 '
        '管网漏',
    'drain_block': '下水道 堵塞 堵了 不通 污水井 化粪池 污水外溢 污水冒 '
        '返水 反水 排水不畅 下水管 污水横流 冒污水 粪水',
    'flooding': '积水 内涝 淹 水淹 排涝 雨水倒灌 进水',
    'power_cut': '停电 没电 断电 跳闸 供电中断 没来电 不通电 电压不稳 '
        '电压低',
    'gas': '燃气 天然气 煤气 液化气 燃气泄漏 漏气 气味',
    'heating': '供暖 暖气 取暖 暖气片 供热 不热 温度低 集中供热',
    'streetlight': '路灯 灯不亮 不亮 照明 黑灯瞎火 灯坏',
    'road_damage': '坑洼 路面破损 坑 塌陷 路面塌 破损 翻浆 路面开裂 '
        '井盖 窨井盖',
    'noise': '噪音 噪声 吵 扰民 声音大 音响 喇叭 广场舞 轰鸣 震动',
    'construction_night': '夜间施工 半夜施工 连夜施工 施工 工地',
    'garbage': '垃圾 清运 垃圾桶 垃圾箱 堆放 臭 异味 卫生差 脏乱差',
    'smoke': '油烟 烧烤 烟雾 冒烟 焚烧 烧秸秆 烧垃圾 黑烟 废气',
    'elevator': '电梯 困人 停运 电梯坏 电梯故障',
    'property_fee': '物业费 收费 乱收费 涨价 停车费 多收',
    'property_service': '物业 不作为 不管 服务差',
    'parking': '停车 占道 乱停 乱停放 车位 堵门 占用消防通道 消防通道',
    'stall': '占道经营 摆摊 流动摊贩 摊点 出摊',
    'wage': '工资 欠薪 拖欠 讨薪 薪水 工钱 劳务费 农民工',
    'social_security': '社保 养老保险 医保 医疗保险 参保 缴费 退休金 '
        '养老金',
    'housing_delivery': '交房 延期交房 烂尾 房产证 不动产证 办证',
    'school': '入学 学位 上学 划片 学区 转学 学校 幼儿园',
    'traffic_signal': '红绿灯 信号灯 斑马线 交通信号',
    'bus': '公交 公交车 班次 站台 公交站 司机',
    'stray_animal': '流浪狗 流浪猫 狗 犬 遛狗 咬人',
    'tree': '树木 树枝 大树 砍伐 倒伏 绿化带 修剪',
    'illegal_building': '违建 违章建筑 违章搭建 私搭乱建 加盖 搭建',
    'food_safety': '食品 过期 变质 食物中毒 卫生许可 不卫生 苍蝇',
    'price': '价格 宰客 明码标价 高价',
    'pollution_water': '河水 河道 黑臭 排污 偷排 污染',
    'network': '网络 宽带 信号差 断网',
    'medical': '医院 看病 医生 挂号 收费不合理',
    'subsidy': '补贴 补助 低保 救助 贫困',
    'demolition': '拆迁 征收 安置 补偿款',
    }
# Place kinds, finest first; a suffix decides the kind.
PLACE_KINDS = [
    ('building', None),
    ('estate', '小区 花园 家园 新村 新城 公寓 广场 大厦 名都 名门 华庭 苑 '
        '城 园 庄园 公馆 府 湾 社区 宿舍 名邸 府邸 雅居 花苑 山庄 家属院 '
        '大院 小镇'),
    ('site', '小学 中学 学校 幼儿园 医院 菜市场 市场 公园 车站 超市 商场 '
        '工地 酒店 饭店 工厂 厂'),
    ('road', '大道 路 街 巷 桥'),
    ('village', '村 组 庄'),
    ('town', '镇 乡 街道'),
    ]
# Homophones callers and typists write for a suffix (小曲 for 小区, 露 for
# 路): read as the suffix, so that both spellings give one place key.
SUFFIX_HOMOPHONES = {'小曲': '小区', '花圆': '花园', '家圆': '家园',
    '露': '路'}
# Words that are no part of a place name even before a suffix.
_NOT_PLACE = set('我你他她在的了是有到从与及把被对向往附近门旁边'
    '这那个们家住位于县市省号栋幢单元层称说映话好喂下就都也还')
_STOP = set('的了吗呢啊吧呀嘛哦着过得地之其而及与和或在是有没不也都就还又再才'
    '很太更最被把让给对向从我你他她它们这那个些里儿样请问想要需能可会该怎么'
    '什啥哪多少几为何谁时候久长间点天办弄搞一下啦呗')
_FILLERS = ('来电人 市民 反映 反应 投诉 举报 咨询 求助 希望 要求 请求 尽快 '
    '相关部门 有关部门 处理 解决 一下 问题 情况 现在 目前 一直 已经 多次 '
    '我们 你们 他们 小区居民 居民 业主 附近 门口 楼下 这边 那边 谢谢 '
    '麻烦 帮忙 严重 影响 生活 出行 请 给 看看 怎么回事').split()
CN_DIGITS = {'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
    '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
_BUILDING = re.compile(
    r'([0-9一二两三四五六七八九十百零〇]{1,4})\s*(?:号楼|号搂|栋|幢|号楼栋|座)')
_PUNCT = re.compile(r'[\s\W_]+')


def normalize(text):
    "Fold full-width forms, lower the case and drop spaces."
    return re.sub(r'\s+', '', unicodedata.normalize('NFKC', text or '')
        ).lower()


def cn_number(text):
    "Return the integer of an Arabic or Chinese numeral below 10 000."
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in CN_DIGITS:
            current = CN_DIGITS[char]
        elif char == '十':
            total += (current or 1) * 10
            current = 0
        elif char == '百':
            total += (current or 1) * 100
            current = 0
    return total + current


def _suffix_pattern():
    words = []
    for kind, suffixes in PLACE_KINDS:
        if suffixes:
            words.extend((s, kind) for s in suffixes.split())
    kinds = dict(words)
    words.extend((typo, kinds[suffix])
        for typo, suffix in SUFFIX_HOMOPHONES.items())
    words.sort(key=lambda w: -len(w[0]))
    return words


_SUFFIXES = _suffix_pattern()
_SUFFIX_RE = re.compile('|'.join(re.escape(s) for s, _ in _SUFFIXES))
_SUFFIX_KIND = dict(_SUFFIXES)
_CONCEPT_WORDS = sorted({(w, c) for c, ws in CONCEPTS.items()
        for w in ws.split()}, key=lambda w: -len(w[0]))
_CONCEPT_RE = re.compile('|'.join(re.escape(w) for w, _ in _CONCEPT_WORDS))
_CONCEPT_OF = {}
for _word, _concept in _CONCEPT_WORDS:
    _CONCEPT_OF.setdefault(_word, set()).add(_concept)
# Suffixes that also end ordinary words: they need a name of 2+ chars.
_WEAK_SUFFIXES = {'城', '园', '里', '府', '湾', '组', '庄', '厂', '桥', '街',
    '露'}
# Characters that end ordinary words before a suffix: 马路, 公路, 占路,
# 走路, 路路边 are no road names.
_GENERIC_END = set('马公道走占修土泥岔小大上进过出有条段边路街村镇乡夜')
_PINYIN = {}
_SYLLABLES = {}


def _pinyin_table():
    "Return the str.translate table of CJK characters to ' pinyin'."
    if not _PINYIN:
        from pypinyin.constants import PINYIN_DICT
        for code, readings in PINYIN_DICT.items():
            reading = unicodedata.normalize('NFD', readings.split(',')[0])
            _PINYIN[code] = ' ' + ''.join(c for c in reading
                if not unicodedata.combining(c))
    return _PINYIN


def _syllables():
    "Return {code point: toneless syllable} of the CJK characters."
    if not _SYLLABLES:
        _SYLLABLES.update((k, v[1:]) for k, v in _pinyin_table().items())
    return _SYLLABLES


def pinyin(text):
    "Return text as toneless syllables, each after a space."
    return text.translate(_pinyin_table())


_BY_FIRST = {}
for _word, _ in _CONCEPT_WORDS:
    if _word not in _BY_FIRST.get(_word[0], []):
        _BY_FIRST.setdefault(_word[0], []).append(_word)


def _find_concepts(text):
    "Return [(start, word)] of every concept word in text, overlaps too."
    found = []
    for i, char in enumerate(text):
        for word in _BY_FIRST.get(char, ()):
            if text.startswith(word, i):
                found.append((i, word))
    return found


@lru_cache(maxsize=1)
def _concept_pinyin():
    """{first syllable: [(syllables, concepts)]} of the concept words of 2+
    characters, to forgive homophone typos (断谁 for 断水)."""
    of = {}
    for word, concept in _CONCEPT_WORDS:
        if len(word) >= 2:
            of.setdefault(tuple(pinyin(word).split()), set()).add(concept)
    index = {}
    for syllables, concepts in of.items():
        index.setdefault(syllables[0], []).append((syllables, concepts))
    return index


def _place_name(text, end):
    "Return the name before a suffix ending at end (up to 6 characters)."
    start = end
    while start > 0 and end - start < 6:
        char = text[start - 1]
        if not '\u4e00' <= char <= '\u9fff':
            break
        if char in _NOT_PLACE:
            break
        start -= 1
    name = text[start:end]
    # "育才街祥和" before 华庭: the name starts after the road's suffix
    last = None
    for last in _SUFFIX_RE.finditer(name):
        pass
    if last is not None and last.end() < len(name):
        name = name[last.end():]
        # "幸福街和东风" before 街: 和 joins two roads
        if name[0] in '和与及' and len(name) >= 3:
            name = name[1:]
    # "埇桥区汴河" before 路: the district is no part of the road's name
    cut = max(name.rfind('区'), name.rfind('市'))
    if cut >= 0 and len(name) - cut - 1 >= 2:
        name = name[cut + 1:]
    return name


@lru_cache(maxsize=65536)
def analyse(text):
    """Return the reading of a request text: a tuple (places, concepts,
    bigrams, words, cores, text) where places is a frozenset of (kind,
    name), concepts a frozenset of concept codes, bigrams the frozenset of
    character bigrams of the text without concept words and fillers, words
    the concept words found (for the reasons shown), cores the place names
    without their suffix and text the normalised text."""
    text = normalize(text)
    places, cores = set(), set()
    for match in _BUILDING.finditer(text):
        places.add(('building', str(cn_number(match.group(1)))))
    found = _find_concepts(text)
    # a suffix inside a longer concept word is none: 广场 of 广场舞
    inside = [(i, i + len(w)) for i, w in found]
    for match in _SUFFIX_RE.finditer(text):
        suffix = match.group(0)
        name = _place_name(text, match.start())
        if (len(name) < 2 or len(name) + len(suffix) < 3
                or (len(suffix) == 1 and name[-1] in _GENERIC_END)
                or _CONCEPT_RE.search(name)
                or any(start <= match.start() and match.end() <= end
                    and end - start > len(suffix)
                    for start, end in inside)):
            continue
        suffix = SUFFIX_HOMOPHONES.get(suffix, suffix)
        places.add((_SUFFIX_KIND[suffix], name + suffix))
        cores.add(name if len(name) >= 2 else name + suffix)
    concepts, words = set(), []
    covered = bytearray(len(text))
    for i, word in found:
        concepts |= _CONCEPT_OF[word]
        words.append(word)
        covered[i:i + len(word)] = b'\x01' * len(word)
    table = _syllables()
    syllables = [table.get(ord(c)) for c in text]
    index = _concept_pinyin()
    for i, syllable in enumerate(syllables):
        for word, found in index.get(syllable, ()):
            if tuple(syllables[i:i + len(word)]) == word:
                concepts |= found
    rest = ''.join('|' if covered[i] else c for i, c in enumerate(text))
    for filler in _FILLERS:
        rest = rest.replace(filler, '|')
    rest = _PUNCT.sub('|', rest)
    bigrams = frozenset(rest[i:i + 2] for i in range(len(rest) - 1)
        if '|' not in rest[i:i + 2] and not (
            rest[i] in _STOP and rest[i + 1] in _STOP))
    return (frozenset(places), frozenset(concepts), bigrams,
        tuple(dict.fromkeys(words)), frozenset(cores), text)


@lru_cache(maxsize=65536)
def _name_similar(a, b):
    "Tell whether two place names are one (equal, contained, one typo)."
    if a == b:
        return True
    if len(a) >= 3 and len(b) >= 3 and (a in b or b in a):
        return True
    # homophone typos: 育才露路 is 育才路
    pa, pb = pinyin(a), pinyin(b)
    if len(a) >= 3 and len(b) >= 3 and (
            pa.startswith(pb) or pb.startswith(pa)):
        return True
    # one typo in a long name, not in its suffix: 锦华新村小区 and
    # 新华新村小区 are two estates
    a, b = _core(a), _core(b)
    if len(a) == len(b) and len(a) >= 5:
        return sum(x != y for x, y in zip(a, b)) <= 1
    return False


def _core(name):
    "The name without its place suffixes: 金色 of 金色家园小区."
    while True:
        ends = [m for m in _SUFFIX_RE.finditer(name)
            if m.end() == len(name) and m.start() >= 2]
        if not ends:
            return name
        name = name[:ends[0].start()]


def place_relation(places_a, places_b):
    """Return ('same', kind), ('different', kind) or (None, None): the
    relation of the finest place kind both requests name.  Building
    numbers only tell places apart: two requests naming building 5 may be
    about two estates."""
    buildings_a = {n for k, n in places_a if k == 'building'}
    buildings_b = {n for k, n in places_b if k == 'building'}
    for kind, _ in PLACE_KINDS[1:]:
        names_a = {n for k, n in places_a if k == kind}
        names_b = {n for k, n in places_b if k == kind}
        if not names_a or not names_b:
            continue
        if any(_name_similar(x, y) for x in names_a for y in names_b):
            if (kind == 'estate' and buildings_a and buildings_b
                    and not buildings_a & buildings_b):
                return 'different', 'building'
            return 'same', kind
        return 'different', kind
    return None, None


def _dice(x, y):
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _overlap(x, y):
    "Overlap of two sets against the smaller: short and long texts meet."
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def score(a, b):
    """Return (score, place, concepts) of two request texts: score between
    0 and 1, the place relation ('same', 'different' or None) and the
    shared concept words."""
    places_a, concepts_a, bigrams_a, words_a, cores_a, text_a = analyse(a)
    places_b, concepts_b, bigrams_b, words_b, cores_b, text_b = analyse(b)
    relation, kind = place_relation(places_a, places_b)
    unnamed = False
    if relation is None and (places_a or places_b):
        # a place one request names, the other may name without its
        # suffix or with a typo in it ("和平小曲"): look for its name
        if (any(c in text_b for c in cores_a)
                or any(c in text_a for c in cores_b)):
            relation = 'same'
        else:
            unnamed = True
    rest = _dice(bigrams_a, bigrams_b)
    if concepts_a and concepts_b:
        shared = concepts_a & concepts_b
        problem = (len(shared) / (len(concepts_a) * len(concepts_b)) ** .5
            + _overlap(concepts_a, concepts_b)) / 2
    else:
        shared = set()
        problem = rest
    common_words = tuple(w for w in words_a
        if _CONCEPT_OF[w] & shared)
    if relation == 'different':
        value = 0.25 * problem
    elif relation == 'same':
        if concepts_a and concepts_b and not shared:
            value = 0.2 + 0.2 * rest
        else:
            value = 0.45 + 0.4 * problem + 0.15 * min(1.0, 2 * rest)
    else:
        # no place to compare: the words must carry it alone
        value = 0.55 * problem + 0.45 * min(1.0, 1.5 * rest)
        if unnamed:
            value *= 0.6
    return min(1.0, value), relation, common_words


def similarity(a, b):
    "Return the duplicate score of two request texts between 0 and 1."
    return score(a, b)[0]


def bigram_dice(a, b):
    "The baseline: Dice coefficient of the character bigrams."
    def bigrams(text):
        text = _PUNCT.sub('', text or '')
        return {text[i:i + 2] for i in range(len(text) - 1)}
    return _dice(bigrams(a), bigrams(b))


KEY_PLACES = frozenset(['estate', 'site', 'road', 'village'])
# The highest score two requests naming one indexed place with disjoint
# problems can reach (`score`: 0.2 + 0.2 * rest): at a threshold above
# it, only requests sharing a place *and* a problem (or the phone) can be
# duplicates, and the candidates are looked up by both at once.
PRUNE_BELOW = 0.4


def keys(text, phone=None):
    """Return the index keys of a request: its place names (estates,
    sites, roads, villages) and its phone; candidates share one."""
    places = analyse(text)[0]
    result = {'%s:%s' % (kind, name) for kind, name in places
        if kind in KEY_PLACES}
    if phone:
        result.add('phone:%s' % phone)
    return result


def matter_keys(text):
    """Return the place-and-problem keys of a request: one per indexed
    place and problem concept ('estate:金色家园|water_cut'), or the place
    with an empty problem ('estate:金色家园|') when it names no known
    problem.  Far more selective than the places alone: an estate has
    hundreds of requests a quarter, on dozens of matters."""
    places, concepts = analyse(text)[:2]
    names = ['%s:%s' % (kind, name) for kind, name in places
        if kind in KEY_PLACES]
    return {'%s|%s' % (name, concept) for name in names
        for concept in (concepts or [''])}


def lookup_keys(text, phone=None, threshold=1.0):
    """Return the index keys to find the candidate duplicates of a request
    by, for a score threshold.  Above PRUNE_BELOW: its place-and-problem
    keys, the same places without a known problem, and its phone; a
    request with no known problem (or a low threshold) looks up its
    places.  Both give the same duplicates at that threshold: see
    PRUNE_BELOW."""
    places, concepts = analyse(text)[:2]
    if not concepts or threshold <= PRUNE_BELOW:
        return keys(text, phone)
    result = matter_keys(text)
    result.update('%s:%s|' % (kind, name) for kind, name in places
        if kind in KEY_PLACES)
    if phone:
        result.add('phone:%s' % phone)
    return result


def shared_places(a, b):
    "Return the place names of a that b names too (for the reasons shown)."
    places_a, cores_a, text_b = analyse(a)[0], analyse(a)[4], analyse(b)[5]
    places_b = analyse(b)[0]
    shared = []
    for kind, name in sorted(places_a):
        if kind == 'building':
            continue
        if any(k == kind and _name_similar(name, n) for k, n in places_b) \
                or name[:-1] in text_b or name in text_b:
            shared.append(name)
    # the longest names only: 金色家园小区, not also 金色家园
    return [n for n in shared
        if not any(n != m and n in m for m in shared)] or sorted(
            c for c in cores_a if c in text_b)
