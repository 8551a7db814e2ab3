#!/usr/bin/env python3
# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the knowledge-base search a call-taker uses while talking.

Generates N realistic Chinese knowledge entries (answer scripts, policy
documents and interpretations, difficult cases of the units of 宿州: 公积金,
医保, 社保, 户籍, 营业执照, 入学, 物业, 供水 ... in its counties and towns),
cuts them into words with the module's own jieba segmentation, inserts them
with one multi-row INSERT per batch (set-based, not measured), then times
Q realistic questions (spoken Chinese, place and unit names, document
numbers, Chinese mixed with Latin letters and digits) through
`Entry.search_text(query, limit=20)`: the words, the ranked full-text
queries, the entries read and the highlighted snippets, plus the fields the
call-taker's result list shows, each in its own read-only transaction, as
an RPC call would be.  It prints p50/p95/p99 latency in ms;
it asserts nothing (target: p95 ≤ 50 ms on PostgreSQL).

PostgreSQL runs in a throwaway cluster (scripts/runtests.py's Cluster);
SQLite, for comparison, in a temporary directory.

Relevance (issue #15): the labelled set of bench/data (kb_entries.txt,
402 entries; kb_questions.txt, 350 questions as callers put them, with
graded answers, 40 without an answer) is loaded on top of the generated
entries; each question is asked through `Entry.search_text` and scored
(hit@1, hit@3, MRR@10, nDCG@10, empty results, confidence bands), beside
a character-bigram overlap baseline computed in the same run over the
same entries.  Every third question is held out: `--tune` searches the
ranking weights on the others only.  That third was asked in two sessions
and is spent; kb_questions_fresh.txt (234 questions, 26 without an
answer, written before the eighth session's changes) is a third part,
"fresh", asked once in the eighth session and spent too;
kb_questions_fresh2.txt (347 questions, 27 without an answer, written
before the ninth session's changes) is the fourth, "fresh2", spent since;
any later kb_questions_freshN.txt in the same format is the part
"freshN" (`--parts dev,fresh3`; absent, it is left out with a warning).  Among generated entries, the set's
questions are judged by matter (kb_background.txt: the generated entries
whose title names a matter that answers the question count as relevant),
so three readings are reported: raw (every generated entry counts as a
miss), judged background, and judged entries only (condensed lists).

Usage:
    .venv/bin/python bench/bench_knowledge_search.py --entries 0 \
        --backend sqlite                                 # the set alone
    .venv/bin/python bench/bench_knowledge_search.py            # PostgreSQL
    .venv/bin/python bench/bench_knowledge_search.py --backend both \\
        --entries 100000 --queries 200
"""
import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = 'bench_knowledge'
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

PLACES = ['埇桥区', '砀山县', '萧县', '灵璧县', '泗县', '宿马园区', '市高新区',
    '市经开区', '符离镇', '大泽乡镇', '夹沟镇', '时村镇', '道东街道', '三八街道',
    '汴河街道', '砀城镇', '龙城镇', '黄口镇', '灵城镇', '泗城镇']
WHO = ['职工', '城乡居民', '个体工商户', '退休人员', '新市民', '企业',
    '灵活就业人员', '在校学生', '残疾人', '退役军人', '农民工', '老年人']
DOCS = ['身份证', '户口簿', '购房合同', '营业执照副本', '医疗费用票据',
    '劳动合同', '租房合同', '结婚证', '出生医学证明', '不动产权证书',
    '银行卡', '近期免冠照片', '社会保障卡', '学生证']
CHANNELS = ['皖事通APP', '政务服务中心窗口', '12345热线', '“宿事速办”小程序',
    '安徽政务服务网', '微信公众号']
# (unit code, subject words, matters)
TOPICS = [
    ('housing_provident_fund_center', '公积金', [
        '住房公积金提取', '公积金贷款', '公积金缴存基数调整', '公积金转移接续',
        '公积金异地贷款', '租房提取公积金', '公积金冲还贷', '公积金账户查询']),
    ('medical_security_bureau', '医保', [
        '城乡居民医保缴费', '异地就医备案', '门诊慢特病申请', '医保报销比例',
        '医保卡挂失补办', '生育津贴申领', '职工医保个人账户', '医保电子凭证']),
    ('human_resources_social_security_bureau', '社保', [
        '养老保险缴费', '社保卡申领', '失业保险金申领', '工伤认定',
        '退休手续', '灵活就业参保', '技能提升补贴', '拖欠工资投诉']),
    ('market_regulation_bureau', '市场监管', [
        '个体工商户营业执照', '食品经营许可证', '企业名称变更', '消费投诉处理',
        '预付卡退费', '价格欺诈举报', '营业执照年报', '特种设备检验']),
    ('housing_urban_rural_dev_bureau', '住建', [
        '物业费收费标准', '商品房预售许可', '老旧小区改造', '房屋维修资金',
        '公租房申请', '燃气安全检查', '物业服务投诉', '房屋租赁备案']),
    ('public_security_bureau', '公安', [
        '户口迁移', '身份证补办', '居住证申领', '新生儿落户', '电动车上牌',
        '驾驶证换证', '无犯罪记录证明', '出入境证件']),
    ('taxation_bureau', '税务', [
        '个人所得税汇算', '发票申领', '契税缴纳', '小规模纳税人减免',
        '城乡居民社保费缴纳', '电子税务局登录', '房产税申报', '车船税缴纳']),
    ('education_sports_bureau', '教育', [
        '义务教育入学报名', '学区划分', '学籍转移', '学生资助申请',
        '校外培训退费', '教师资格认定', '中考加分政策', '幼儿园收费标准']),
    ('civil_affairs_bureau', '民政', [
        '最低生活保障申请', '特困人员供养', '临时救助', '高龄津贴',
        '婚姻登记预约', '残疾人两项补贴', '养老机构补贴', '殡葬惠民政策']),
    ('suzhou_water_supply', '供水', [
        '停水通知查询', '自来水开户', '水费缴纳', '水表更换',
        '水质问题反映', '供水管道维修', '阶梯水价标准', '过户更名']),
    ('urban_management_bureau', '城管', [
        '占道经营', '违章建筑举报', '渣土车撒漏', '噪音扰民',
        '户外广告审批', '垃圾分类', '共享单车乱停', '路灯不亮']),
    ('transport_bureau', '交通', [
        '公交线路调整', '出租车投诉', '网约车驾驶员证', '道路运输证年审',
        '客运班车时刻', '公交卡', '道路维修', '货车通行证']),
    ]
KINDS = [('faq_script', 50), ('policy_interpretation', 20),
    ('policy_document', 20), ('difficult_ticket', 10)]
TITLES = {
    'faq_script': ['{place}{matter}怎么办理', '{matter}需要什么材料',
        '{matter}常见问题解答', '{who}{matter}指南', '{matter}在哪里办'],
    'policy_interpretation': ['《{year}年{matter}实施办法》政策解读',
        '{matter}新政解读', '一图读懂{matter}'],
    'policy_document': ['关于{year}年{matter}有关事项的通知',
        '{place}{matter}管理办法', '关于调整{matter}标准的通知'],
    'difficult_ticket': ['{place}{who}反映{matter}问题的处理',
        '{matter}疑难问题答复口径'],
    }
SENTENCES = [
    '符合条件的{who}可以申请{matter}，{place}辖区居民就近办理。',
    '办理{matter}需携带{doc}、{doc2}等材料，复印件一份。',
    '可通过{channel}或{channel2}申请，材料齐全的{days}个工作日内办结。',
    '{matter}不收取任何费用，请勿相信中介代办。',
    '{year}年起，{matter}标准调整为每月{amount}元，按季度发放。',
    '如对{matter}结果有异议，可在收到告知之日起{days}日内申请复核。',
    '{who}因特殊情况无法到场的，可委托他人代为办理，需提供委托书和{doc}。',
    '节假日期间{matter}业务暂停，工作日正常受理，咨询请拨打12345。',
    '{place}{subject}服务大厅地址：{street}，工作时间8:30-12:00、14:30-17:30。',
    '逾期未办理{matter}的，将影响后续{subject}待遇的享受。',
    ]
STREETS = ['拂晓大道', '汴河路', '淮海路', '银河路', '人民路', '胜利路', '浍水路']
QUESTIONS = [
    '{matter}怎么办', '{matter}需要带什么材料', '{place}{matter}在哪里办',
    '请问{matter}多久能办好', '{doc}丢了怎么补办', '{subject}电话是多少',
    '{who}可以办{matter}吗', '{year}年{matter}标准是多少', '皖事通APP怎么办{matter}',
    '12345{matter}', '{matter}不给办怎么投诉', '我想咨询一下{matter}的政策',
    '{place}{subject}大厅几点上班', '{matter}网上能办吗', '宿{abbr}〔{year}〕{n}号',
    ]


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def log(message):
    print(message, flush=True)


class Generator:
    "Realistic knowledge entries and questions; the same seed, the same."

    def __init__(self, seed):
        self.random = random.Random(seed)

    def fill(self, template, unit, subject, matter):
        r = self.random
        doc, doc2 = r.sample(DOCS, 2)
        channel, channel2 = r.sample(CHANNELS, 2)
        return template.format(place=r.choice(PLACES), who=r.choice(WHO),
            doc=doc, doc2=doc2, channel=channel, channel2=channel2,
            matter=matter, subject=subject, year=r.choice([2024, 2025, 2026]),
            days=r.choice([1, 3, 5, 7, 15]), amount=r.randrange(50, 2000, 10),
            street=r.choice(STREETS) + f'{r.randrange(1, 400)}号',
            abbr=subject[0], n=r.randrange(1, 60))

    def entry(self):
        r = self.random
        unit, subject, matters = r.choice(TOPICS)
        matter = r.choice(matters)
        kind = r.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        title = self.fill(r.choice(TITLES[kind]), unit, subject, matter)
        content = ''.join(self.fill(s, unit, subject, matter)
            for s in r.sample(SENTENCES, r.randrange(3, 7)))
        year = r.choice([2024, 2025, 2026])
        document_number = (f'宿{subject[0]}〔{year}〕{r.randrange(1, 60)}号'
            if kind == 'policy_document' else None)
        # 90 % published and in force; the rest drafts, withdrawn or expired
        state = r.choices(['published', 'draft', 'withdrawn', 'expired'],
            [90, 4, 3, 3])[0]
        return {
            'unit': unit, 'kind': kind, 'title': title, 'content': content,
            'keywords': ' '.join(r.sample(matters, 2)),
            'document_number': document_number,
            'issued_on': (dt.date(year, r.randrange(1, 13), r.randrange(1, 28))
                if document_number else None),
            'state': state,
            'expiry_date': (dt.date(2025, 6, 30) if state == 'expired'
                else None),
            }

    def question(self):
        r = self.random
        unit, subject, matters = r.choice(TOPICS)
        return self.fill(r.choice(QUESTIONS), unit, subject, r.choice(matters))


# --- the relevance set (issue #15) --------------------------------------

DATA = Path(__file__).resolve().parent / 'data'
# The owner unit of an entry of the set, by the letters of its key.
UNIT_OF_PREFIX = {
    'gjj': 'housing_provident_fund_center',
    'hj': 'public_security_bureau', 'sfz': 'public_security_bureau',
    'jzz': 'public_security_bureau', 'crj': 'public_security_bureau',
    'cg': 'public_security_bureau', 'ga': 'public_security_bureau',
    'sb': 'human_resources_social_security_bureau',
    'ld': 'human_resources_social_security_bureau',
    'jyc': 'human_resources_social_security_bureau',
    'yb': 'medical_security_bureau',
    'bdc': 'natural_resources_planning_bureau',
    'jy': 'education_sports_bureau',
    'mz': 'civil_affairs_bureau', 'bz': 'civil_affairs_bureau',
    'sj': 'market_regulation_bureau',
    'sw': 'taxation_bureau',
    'zj': 'housing_urban_rural_dev_bureau',
    'fw': 'housing_urban_rural_dev_bureau',
    'gs': 'suzhou_water_supply', 'gd': 'state_grid_suzhou',
    'rq': 'suzhou_gas_co',
    'cgj': 'urban_management_bureau',
    'jt': 'transport_bureau',
    'wj': 'health_commission',
    'tyjr': 'veterans_affairs_bureau',
    'cl': 'disabled_persons_federation',
    'sf': 'justice_bureau',
    'st': 'ecology_environment_bureau',
    'ny': 'agriculture_rural_affairs_bureau',
    'wl': 'culture_tourism_bureau',
    'yj': 'emergency_management_bureau',
    'zw': 'gov_services_bureau',
    'jr': 'local_financial_regulation_bureau',
    'tx': 'china_mobile_suzhou', 'yz': 'postal_administration',
    'fl': 'womens_federation', 'gh': 'federation_of_trade_unions',
    'qt': 'gov_services_bureau',
    }


def read_lines(name):
    with open(DATA / name, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f
            if line.strip() and not line.startswith('#')]


# The parts of the questions: 'dev' (tuned on), 'held-out' (every third
# question of kb_questions.txt: asked twice, spent), 'fresh' (the fresh
# held-out set, kb_questions_fresh.txt, written in the eighth session
# before that session's changes, asked once then: spent) and 'fresh2'
# (kb_questions_fresh2.txt, written in the ninth session before that
# session's changes, asked once then: spent), and any later freshN
# (kb_questions_freshN.txt, same format: fresh3, fresh4 and fresh5, blind
# sets, were each asked once, in the tenth, twelfth and thirteenth
# sessions: spent; a new held-out set is a new freshN file).
# A fresh part whose file is absent is left out with a warning.
_FRESH_NAME = re.compile(r'^kb_questions_(fresh\d*)\.txt$')
_FRESH_PART = re.compile(r'^fresh\d*$')


def fresh_file(part):
    "Return the file name of the fresh part part (fresh, fresh2, fresh3 …)."
    return f'kb_questions_{part}.txt'


def _fresh_order(part):
    return int(part[len('fresh'):] or 1)


FRESH = sorted((m.group(1) for m in map(_FRESH_NAME.match,
            os.listdir(Path(__file__).resolve().parent / 'data')) if m),
    key=_fresh_order)
PARTS = ('dev', 'held-out', *FRESH)


def asked_parts(names):
    """Return the parts of names (comma-separated) that can be asked:
    an unknown name is an error, a fresh part without its file a
    warning."""
    parts = set()
    for name in filter(None, (n.strip() for n in names.split(','))):
        if name in PARTS:
            parts.add(name)
        elif _FRESH_PART.match(name):
            log(f'warning: {fresh_file(name)} is not in bench/data: '
                f'part {name} left out')
        else:
            raise SystemExit(f'unknown part {name!r}: one of '
                f"{', '.join(PARTS)} or freshN")
    return parts


def load_set():
    """Return (entries, questions) of bench/data: entries as dicts,
    questions as (text, {key: grade}, part) (see PARTS)."""
    entries = []
    for line in read_lines('kb_entries.txt'):
        key, title, keywords, content = line.split('|')
        prefix = key.rstrip('0123456789')
        entries.append({'key': key, 'unit': UNIT_OF_PREFIX[prefix],
                'title': title, 'keywords': keywords, 'content': content})
    keys = {e['key'] for e in entries}
    questions = []
    for i, line in enumerate(read_lines('kb_questions.txt')):
        text, labels = line.split('|')
        grades = {}
        for label in labels.split():
            key, grade = label.split(':')
            assert key in keys, key
            grades[key] = int(grade)
        questions.append((text, grades,
                'held-out' if i % 3 == 2 else 'dev'))
    earlier = {q[0] for q in questions}
    for part in FRESH:
        # the questions of a fresh set that equal an earlier set's
        # (written again by chance): its part "freshN-new" leaves them out
        REPEATED[part] = set()
        texts = set()
        for text, labels, _ in fresh_lines(part):
            if text in earlier:
                REPEATED[part].add(text)
            texts.add(text)
            grades = {}
            for label in labels.split():
                key, grade = label.split(':')
                assert key in keys, key
                grades[key] = int(grade)
            questions.append((text, grades, part))
        earlier |= texts
    return entries, questions


# {fresh part: its questions equal to an earlier set's}, filled by load_set
REPEATED = {}


def splits(asked):
    """Return the parts figures are reported on, in order: the asked
    parts, "freshN-new" beside a fresh part some of whose questions equal
    an earlier set's, and 'all'."""
    result = []
    for part in PARTS:
        if part in asked:
            result.append(part)
            if REPEATED.get(part):
                result.append(part + '-new')
    return result + ['all']


def in_split(split, question):
    "Tell whether question (text, grades, part) is reported in split."
    text, _, part = question
    if split.endswith('-new'):
        part_ = split[:-len('-new')]
        return part == part_ and text not in REPEATED.get(part_, ())
    return split in {'all', part}


def fresh_lines(part='fresh'):
    """Return the (question, entries, matters) of a fresh held-out set
    (FRESH): question|key:grade …|matter:grade … (the matters may be
    left out)."""
    lines = []
    for line in read_lines(fresh_file(part)):
        fields = line.split('|')
        lines.append(tuple((fields + ['', ''])[:3]))
    return lines


# The generator's matters, longest first: every generated title names its
# entry's matter (see TITLES).
MATTERS = sorted((m for _, _, matters in TOPICS for m in matters),
    key=len, reverse=True)
BACKGROUND = 'bg:'


def background_key(title):
    """Return the key of a generated entry of title for the judged
    background ('bg:' and its matter), or None."""
    for matter in MATTERS:
        if matter in (title or ''):
            return BACKGROUND + matter
    return None


def load_background():
    """Return {question: {'bg:matter': grade}}: the generated entries the
    questions of the set were judged against (kb_background.txt)."""
    judged = {}
    lines = [line.split('|') for line in read_lines('kb_background.txt')]
    lines += [(text, matters) for part in FRESH
        for text, _, matters in fresh_lines(part) if matters.strip()]
    for text, labels in lines:
        grades = judged.setdefault(text, {})
        for label in labels.split():
            matter, grade = label.split(':')
            grades[BACKGROUND + matter] = int(grade)
    return judged


def with_background(questions):
    "Return questions with the grades of their judged background added."
    judged = load_background()
    return [(text, {**grades, **judged.get(text, {})}, part)
        for text, grades, part in questions]


def is_set_key(key):
    "Tell whether key is that of an entry of the set (not generated)."
    return isinstance(key, str) and not key.startswith(BACKGROUND)


def insert_set(pool, entries):
    "Insert the entries of the set, published; return {entry id: key}."
    from sql.aggregate import Max
    from sql.functions import CurrentTimestamp
    from trytond.transaction import Transaction
    Entry = pool.get('sushi.knowledge.entry')
    Term = pool.get('sushi.knowledge.term')
    Unit = pool.get('sushi.unit')
    with Transaction().start(DATABASE, 0) as transaction:
        units = {u.code: u.id for u in Unit.search([])}
        table = Entry.__table__()
        cursor = transaction.connection.cursor()
        keys = {}
        for e in entries:
            unit = units[e['unit']]
            cursor.execute(*table.insert([table.create_uid,
                        table.create_date, table.title, table.kind,
                        table.owner_unit, table.assessed_unit, table.content,
                        table.keywords, table.effective_date, table.state,
                        table.version, table.usage_count, table.published_at,
                        table.search_title, table.search_body],
                    [[0, CurrentTimestamp(), e['title'], 'faq_script', unit,
                            unit, e['content'], e['keywords'],
                            dt.date(2025, 1, 1), 'published', 1, 0,
                            local(2025, 1, 6, 9),
                            Term.index_words(e['title'], e['keywords']),
                            Term.index_words(e['content'])]]))
            cursor.execute(*table.select(Max(table.id)))
            keys[cursor.fetchone()[0]] = e['key']
        Entry.refresh_search_statistics()
        transaction.commit()
    return keys


class BigramBaseline:
    """The trivial baseline: entries ranked by how many distinct character
    bigrams of the question they hold (title, keywords and content)."""

    def __init__(self, rows):
        self.index = {}
        for id_, text in rows:
            for gram in set(self.grams(text)):
                self.index.setdefault(gram, []).append(id_)

    @staticmethod
    def grams(text):
        text = ''.join(c for c in (text or '').lower() if c.isalnum())
        return [text[i:i + 2] for i in range(len(text) - 1)]

    def search(self, question, limit=10):
        counts = {}
        for gram in set(self.grams(question)):
            for id_ in self.index.get(gram, ()):
                counts[id_] = counts.get(id_, 0) + 1
        return sorted(counts, key=lambda i: (-counts[i], i))[:limit]


def has_answer(grades):
    """Tell whether a question has an answer: an entry (or a judged
    matter) graded 2.  A question whose labels are all 1 (neighbours
    only) has none, as the sets' labelling guide defines it; fresh6 was
    labelled that way for 123 of its questions."""
    return any(g == 2 for g in grades.values())


def scores(rankings, questions):
    """Return the relevance figures of rankings (one list of keys per
    question, best first) against questions."""
    import math
    answerable = [(r, q) for r, q in zip(rankings, questions)
        if has_answer(q[1])]
    figures = {'questions': len(answerable)}
    hit1 = hit3 = rr = ndcg = empty = 0
    for ranking, (_, grades, _) in answerable:
        answers = [i for i, k in enumerate(ranking[:10])
            if grades.get(k) == 2]
        hit1 += bool(answers and answers[0] < 1)
        hit3 += bool(answers and answers[0] < 3)
        rr += 1 / (answers[0] + 1) if answers else 0
        dcg = sum((2 ** grades.get(k, 0) - 1) / math.log2(i + 2)
            for i, k in enumerate(ranking[:10]))
        # a judged matter of the background stands for many entries
        ideal = sorted((g for k, g in grades.items()
                for _ in range(10 if k.startswith(BACKGROUND) else 1)),
            reverse=True)[:10]
        best = sum((2 ** g - 1) / math.log2(i + 2)
            for i, g in enumerate(ideal))
        ndcg += dcg / best
        empty += not ranking
    n = len(answerable) or 1
    figures.update({'hit@1': hit1 / n, 'hit@3': hit3 / n,
            'mrr@10': rr / n, 'ndcg@10': ndcg / n, 'empty': empty / n})
    return figures


def relevance(pool, keys, questions, limit=10):
    """Ask every question of the set through Entry.search_text; return
    ({split: figures}, timings in ms, misses)."""
    from trytond.modules.sushi_knowledge import search
    from trytond.transaction import Transaction
    Entry = pool.get('sushi.knowledge.entry')
    rankings, bands, timings, tops = [], [], [], []
    for text, grades, _ in questions:
        with Transaction().start(DATABASE, 0, readonly=True):
            start = time.perf_counter()
            found = Entry.search_text(text, limit=limit)
            for entry, rank, snippet in found:
                entry.title, entry.kind, entry.owner_unit.id
            timings.append((time.perf_counter() - start) * 1000)
            rankings.append([keys.get(e.id)
                    or background_key(e.title) or e.id
                    for e, _, _ in found])
            bands.append(search.band(found[0][1]) if found else None)
            tops.append(found[0][1] if found else 0)
    relevance.tops = tops
    return rankings, bands, timings


def report(rankings, bands, questions):
    "Return the figures of rankings on each part of the questions asked."
    figures = {}
    asked = {q[2] for q in questions}
    for split in splits(asked):
        chosen = [(r, b, q) for r, b, q in zip(rankings, bands, questions)
            if in_split(split, q)]
        f = scores([r for r, _, _ in chosen], [q for _, _, q in chosen])
        unanswerable = [b for _, b, q in chosen if not has_answer(q[1])]
        answered_bands = [b for _, b, q in chosen if has_answer(q[1])]
        f['no-answer weak'] = (sum(b in {None, 'weak'} for b in unanswerable)
            / (len(unanswerable) or 1))
        f['no-answer questions'] = len(unanswerable)
        f['answerable confident'] = (
            sum(b == 'confident' for b in answered_bands)
            / (len(answered_bands) or 1))
        f['answerable weak'] = (
            sum(b in {None, 'weak'} for b in answered_bands)
            / (len(answered_bands) or 1))
        figures[split] = f
    return figures


def baseline_rankings(pool, keys, questions, limit=10):
    from trytond.transaction import Transaction
    Entry = pool.get('sushi.knowledge.entry')
    table = Entry.__table__()
    with Transaction().start(DATABASE, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(table.id,
                table.title, table.keywords, table.content,
                where=table.state == 'published'))
        rows, titles = [], {}
        for i, *t in cursor:
            rows.append((i, ' '.join(filter(None, t))))
            if i not in keys:
                titles[i] = background_key(t[0])
    baseline = BigramBaseline(rows)
    del rows
    rankings, timings = [], []
    for text, _, _ in questions:
        start = time.perf_counter()
        found = baseline.search(text, limit=limit)
        timings.append((time.perf_counter() - start) * 1000)
        rankings.append([keys.get(i) or titles.get(i) or i for i in found])
    return rankings, timings


def tune(pool, keys, questions):
    """Search the ranking weights on the development questions only;
    print the best settings and their figures on both parts."""
    import itertools
    from trytond.modules.sushi_knowledge import search
    dev = [q for q in questions if q[2] == 'dev']
    grid = {
        'gram': [0.3, 0.6],
        'char': [0.1, 0.2],
        'TITLE': [2.0, 3.0],
        'K1': [1.2],
        'B': [0.5],
        'COVERAGE': [0.4, 0.6, 0.8],
        }
    results = []
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values))
        search.WEIGHTS['gram'] = setting['gram']
        search.WEIGHTS['char'] = setting['char']
        for name in ['TITLE', 'K1', 'B', 'COVERAGE']:
            setattr(search, name, setting[name])
        rankings, _, _ = relevance(pool, keys, dev)
        f = scores(rankings, dev)
        results.append((f['mrr@10'], f['hit@1'], f['hit@3'], setting))
        log(f"{setting} MRR {f['mrr@10']:.3f} hit@1 {f['hit@1']:.3f} "
            f"hit@3 {f['hit@3']:.3f}")
    results.sort(key=lambda r: r[:3], reverse=True)
    for r in results[:5]:
        log(f'best: {r}')
    # the confidence thresholds, with the best weights: the top scores of
    # the questions without an answer against those answered first
    setting = results[0][3]
    search.WEIGHTS['gram'] = setting['gram']
    search.WEIGHTS['char'] = setting['char']
    for name in ['TITLE', 'K1', 'B', 'COVERAGE']:
        setattr(search, name, setting[name])
    rankings, _, _ = relevance(pool, keys, dev)
    tops = relevance.tops
    none = sorted(t for t, q in zip(tops, dev) if not q[1])
    right = sorted(t for t, r, q in zip(tops, rankings, dev)
        if q[1] and r and q[1].get(r[0]) == 2)
    for threshold in [x / 100 for x in range(20, 80, 2)]:
        log(f'threshold {threshold:.2f}: no answer below '
            f'{sum(t < threshold for t in none) / len(none):.2f}, '
            f'right answers below {sum(t < threshold for t in right) / len(right):.2f}')


# --- the orchestrating process ----------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--backend', default='postgresql',
        choices=['postgresql', 'sqlite', 'both'])
    parser.add_argument('--entries', type=int, default=100_000)
    parser.add_argument('--queries', type=int, default=200)
    parser.add_argument('--limit', type=int, default=20)
    parser.add_argument('--seed', type=int, default=2025)
    parser.add_argument('--explain', action='store_true',
        help="PostgreSQL: print EXPLAIN ANALYZE of the slowest query")
    parser.add_argument('--profile', action='store_true',
        help="print the functions the timed searches spent most time in")
    parser.add_argument('--tune', action='store_true',
        help="search the ranking weights on the development questions")
    parser.add_argument('--no-relevance', action='store_true',
        help="time generated questions only")
    parser.add_argument('--parts', default='dev',
        help="the parts of the questions asked, comma-separated, among "
        f"{', '.join(PARTS)}; the development part by default (the old "
        "held-out third and fresh to fresh5 are spent; a new held-out "
        "set freshN is asked once, at the end: dev,freshN, reported "
        "also as freshN-new without its questions equal to an earlier "
        "set's; a fresh part whose file is absent is left out with a "
        "warning)")
    parser.add_argument('--dev-only', action='store_true',
        help="ask the development questions only (the held-out ones are "
        "neither asked nor shown: for working on the method)")
    parser.add_argument('--no-baseline', action='store_true',
        help="skip the bigram baseline (it holds every entry's bigrams "
        "in memory: about 2 GB at 1 000 000 entries)")
    parser.add_argument('--data', help="keep the PostgreSQL cluster and its "
        "database in this directory and reuse them on the next run (the "
        "entries are inserted once; outside the repository)")
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    parser.add_argument('--reuse', action='store_true',
        help=argparse.SUPPRESS)
    parser.add_argument('--result', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    sys.path.insert(0, str(ROOT / 'scripts'))
    from runtests import Cluster

    backends = (['postgresql', 'sqlite'] if args.backend == 'both'
        else [args.backend])
    results = []
    for backend in backends:
        tmp = tempfile.mkdtemp(prefix=f'sushi-bench-kb-{backend}-')
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')}
        env['TRYTOND_DATABASE__PATH'] = tmp
        cluster = None
        reuse = False
        try:
            if backend == 'postgresql' and args.data:
                cluster = Cluster(Path(args.data) / 'pg')
                reuse = cluster.exists
                env['TRYTOND_DATABASE__URI'] = cluster.start()
                reuse = reuse and (Path(args.data) / 'ready').exists()
            elif backend == 'postgresql':
                cluster = Cluster()
                env['TRYTOND_DATABASE__URI'] = cluster.start()
            elif args.data:
                # kept in args.data/sqlite between runs
                kept = Path(args.data) / 'sqlite'
                kept.mkdir(parents=True, exist_ok=True)
                env['TRYTOND_DATABASE__PATH'] = str(kept)
                env['TRYTOND_DATABASE__URI'] = 'sqlite://'
                reuse = (Path(args.data) / 'ready-sqlite').exists()
                if not reuse:
                    Path(kept, f'{DATABASE}.sqlite').unlink(missing_ok=True)
                    Path(kept, f'{DATABASE}.sqlite').touch()
            else:
                env['TRYTOND_DATABASE__URI'] = 'sqlite://'
                Path(tmp, f'{DATABASE}.sqlite').touch()
            result_file = os.path.join(tmp, 'result.json')
            command = [sys.executable, '-O', str(Path(__file__).resolve()),
                '--worker', backend, '--result', result_file,
                '--entries', str(args.entries),
                '--queries', str(args.queries), '--limit', str(args.limit),
                '--seed', str(args.seed)]
            if args.explain:
                command.append('--explain')
            if reuse:
                command.append('--reuse')
            if args.tune:
                command.append('--tune')
            if args.no_relevance:
                command.append('--no-relevance')
            if args.no_baseline:
                command.append('--no-baseline')
            if args.dev_only:
                command.append('--dev-only')
            command += ['--parts', args.parts]
            if args.profile:
                command.append('--profile')
            log(f'==> {backend}')
            subprocess.run(command, env=env, cwd=ROOT, check=True)
            if args.data:
                (Path(args.data) / ('ready' if backend == 'postgresql'
                        else 'ready-sqlite')).write_text(str(args.entries))
            with open(result_file) as f:
                results.append(json.load(f))
        finally:
            if cluster:
                cluster.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print_table(results, args)


def print_table(results, args):
    for r in results:
        if not r.get('relevance'):
            continue
        print()
        print(f"Relevance on {r['version']}, {r['published']:,} published "
            "entries (402 of the set and generated ones):")
        print('| method | part | questions | hit@1 | hit@3 | MRR@10 | '
            'nDCG@10 | empty | no-answer → weak | p50 | p95 |')
        print('|---|---|---|---|---|---|---|---|---|---|---|')
        for name, figures in [('search', r['relevance']),
                ('search, judged background', r.get('background')),
                ('search, judged entries only', r.get('condensed')),
                ('bigram baseline', r['baseline']),
                ('bigram baseline, judged background',
                    (r['baseline'] or {}).get('background')),
                ('bigram baseline, judged entries only',
                    (r['baseline'] or {}).get('condensed'))]:
            if not figures:
                continue
            for part in [p for p in figures if p != 'timings']:
                f = figures[part]
                weak = (f"{f['no-answer weak']:.2f}"
                    if name.startswith('search') else '–')
                print(f"| {name} | {part} | {f['questions']} | "
                    f"{f['hit@1']:.3f} | {f['hit@3']:.3f} | "
                    f"{f['mrr@10']:.3f} | {f['ndcg@10']:.3f} | "
                    f"{f['empty']:.3f} | {weak} | "
                    f"{figures['timings']['p50']:.1f} ms | "
                    f"{figures['timings']['p95']:.1f} ms |")
        f = r['relevance']['all']
        print(f"Answerable questions whose best entry is confident: "
            f"{f['answerable confident']:.2f}, weak: "
            f"{f['answerable weak']:.2f}.")
    print()
    print('| backend | knowledge search | p50 | p95 | p99 | max | target |')
    print('|---|---|---|---|---|---|---|')
    for r in results:
        target = 20 if r['entries'] <= 100_000 else 50
        ok = '✅' if r['p95'] <= target else '❌'
        print(f"| {r['version']} | `Entry.search_text` over "
            f"{r['entries']:,} entries ({r['published']:,} published), "
            f"{r['queries']} questions, limit {args.limit}; "
            f"{r['answered']} with results | {r['p50']:.1f} ms | "
            f"**{r['p95']:.1f} ms** | {r['p99']:.1f} ms | "
            f"{r['max']:.1f} ms | p95 ≤ {target} ms "
            f"{ok if r['backend'] == 'postgresql' else ''} |")
    print()
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    for r in results:
        print(f"{r['backend']}: set-up {r['setup_seconds']:.0f} s "
            f"(segmentation {r['segment_seconds']:.0f} s, "
            f"INSERT {r['insert_seconds']:.0f} s); "
            f"mean {r['mean']:.1f} ms; sample results: "
            + '; '.join(r['samples']))
    print(f"Machine: {os.cpu_count()} CPU ({cpu}); Python "
        f"{platform.python_version()} -O.")


# --- the benchmarking process -----------------------------------------

def worker(args):
    backend_name = args.worker
    t0 = time.perf_counter()
    if not args.reuse:
        create_database()
        log(f'database created, sushi_knowledge activated in '
            f'{time.perf_counter() - t0:.0f} s')

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from unittest.mock import patch
    Pool(DATABASE).init()
    pool = Pool(DATABASE)
    generator = Generator(args.seed)
    setup = time.perf_counter()
    keys, set_questions = {}, []
    if args.reuse and backend_name == 'postgresql':
        # a database built before the probe table or before its length
        # column: created and filled (what the module's update does)
        from trytond.modules.sushi_knowledge import search
        with Transaction().start(DATABASE, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT COUNT(*) FROM information_schema.columns '
                "WHERE table_name = %s AND column_name = 'search_length'",
                (search.PROBE_TABLE,))
            if not cursor.fetchone()[0]:
                search.register_probe(pool.get('sushi.knowledge.entry'))
                transaction.commit()
                vacuum()
    if args.reuse:
        # the entries of an earlier run: the generator's questions start
        # where they did, the set's entries are found by their titles
        segment_seconds = insert_seconds = 0
        for _ in range(args.entries):
            generator.entry()
        published, keys = reused_entries(pool)
        if not args.no_relevance:
            _, set_questions = load_set()
    else:
        segment_seconds, insert_seconds, published = insert_entries(
            pool, generator, args.entries)
    if args.reuse:
        pass
    elif not args.no_relevance:
        set_entries, set_questions = load_set()
        keys = insert_set(pool, set_entries)
        published += len(keys)
    else:
        with Transaction().start(DATABASE, 0) as transaction:
            pool.get('sushi.knowledge.entry').refresh_search_statistics()
            transaction.commit()
    if not args.reuse:
        vacuum()
    setup_seconds = time.perf_counter() - setup
    log(f'{args.entries:,} entries inserted in {setup_seconds:.0f} s')

    parts = {'dev'} if args.dev_only else set(args.parts.split(','))
    if not args.dev_only:
        parts = asked_parts(args.parts)
    set_questions = [q for q in set_questions if q[2] in parts]
    questions = [generator.question() for _ in range(args.queries)]
    Entry = pool.get('sushi.knowledge.entry')
    # The clock of the platform: a working morning of 2025.
    clock = patch('trytond.modules.sushi_ticket.clock.now',
        return_value=local(2025, 11, 19, 10))
    clock.start()
    for question in questions[:10]:
        # warm up: jieba's dictionary, the pool, the caches
        with Transaction().start(DATABASE, 0, readonly=True):
            Entry.search_text(question, limit=args.limit)
    if args.tune:
        tune(pool, keys, set_questions)
        clock.stop()
        with open(args.result, 'w') as f:
            json.dump({}, f)
        return
    figures = baseline = None
    if set_questions:
        rankings, bands, set_timings = relevance(pool, keys, set_questions,
            limit=100 if args.entries else 10)
        figures = report([r[:10] for r in rankings], bands, set_questions)
        figures['timings'] = summary(set_timings)
        if args.entries:
            # The generated entries are not judged, and many of them answer
            # the set's questions as well (萧县社保卡申领在哪里办 for
            # 社保卡去哪办): the condensed lists leave them out and rank the
            # judged entries among themselves (Sakai's condensed-list
            # measures for incomplete judgments).
            condensed = report(
                [[k for k in r if is_set_key(k)][:10] for r in rankings],
                bands, set_questions)
            condensed['timings'] = figures['timings']
            # The generated entries judged for the questions (by matter,
            # kb_background.txt): those that answer a question count.
            judged_questions = with_background(set_questions)
            background = report([r[:10] for r in rankings], bands,
                judged_questions)
            background['timings'] = figures['timings']
        else:
            condensed = background = None
        if not args.no_baseline:
            base_rankings, base_timings = baseline_rankings(
                pool, keys, set_questions, limit=500 if args.entries else 10)
            baseline = report([r[:10] for r in base_rankings],
                [None] * len(base_rankings), set_questions)
            baseline['timings'] = summary(base_timings)
            if args.entries:
                condensed_baseline = report(
                    [[k for k in r if is_set_key(k)][:10]
                        for r in base_rankings],
                    [None] * len(base_rankings), set_questions)
                condensed_baseline['timings'] = baseline['timings']
                baseline['condensed'] = condensed_baseline
                baseline['background'] = report(
                    [r[:10] for r in base_rankings],
                    [None] * len(base_rankings), judged_questions)
                baseline['background']['timings'] = baseline['timings']
        # the development questions' misses only: the held-out parts'
        # questions are reported as figures, never one by one
        misses = [(q[0], r[:3], sorted(q[1]))
            for r, q in zip(rankings, set_questions)
            if q[2] == 'dev' and q[1]
            and not any(q[1].get(k) == 2 for k in r[:1])]
        for miss in misses:
            log(f'miss: {miss}')
        log(json.dumps({'search': figures, 'baseline': baseline},
                ensure_ascii=False))
    timings, answered, samples = [], 0, []
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
        phases = time_phases()
    for question in questions:
        with Transaction().start(DATABASE, 0, readonly=True):
            start = time.perf_counter()
            found = Entry.search_text(question, limit=args.limit)
            # what the call-taker's result list shows
            for entry, rank, snippet in found:
                entry.title, entry.kind, entry.owner_unit.id
            timings.append((time.perf_counter() - start) * 1000)
            answered += bool(found)
            if len(samples) < 3 and found:
                samples.append(f'{question} → {found[0][0].title}')
    if args.profile:
        import pstats
        profiler.disable()
        pstats.Stats(profiler).sort_stats('cumulative').print_stats(30)
        for name, spent in phases.items():
            log(f'phase {name}: {spent[0] / len(questions):.2f} ms per '
                f'question ({spent[1]} calls)')
    if args.explain and backend_name == 'postgresql':
        explain(pool, questions[timings.index(max(timings))], args.limit)
    clock.stop()

    timings.sort()

    def percentile(p):
        return timings[min(len(timings) - 1,
                int(round(p / 100 * len(timings) + 0.5)) - 1)]

    result = {
        'relevance': figures, 'baseline': baseline,
        'condensed': condensed if set_questions else None,
        'background': background if set_questions else None,
        'backend': backend_name, 'version': database_version(),
        'entries': args.entries, 'published': published,
        'queries': len(questions), 'answered': answered,
        'p50': percentile(50), 'p95': percentile(95), 'p99': percentile(99),
        'max': timings[-1], 'mean': statistics.mean(timings),
        'setup_seconds': setup_seconds, 'segment_seconds': segment_seconds,
        'insert_seconds': insert_seconds, 'samples': samples,
        }
    log(json.dumps(result, ensure_ascii=False))
    with open(args.result, 'w') as f:
        json.dump(result, f)


def reused_entries(pool):
    "Return (published entries, {entry id: key}) of a kept database."
    from trytond.transaction import Transaction
    Entry = pool.get('sushi.knowledge.entry')
    set_entries, _ = load_set()
    by_title = {(e['title'], e['content']): e['key'] for e in set_entries}
    with Transaction().start(DATABASE, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        table = Entry.__table__()
        cursor.execute(*table.select(table.id, table.title, table.content,
                where=table.kind == 'faq_script'))
        keys = {i: by_title[(t, c)] for i, t, c in cursor
            if (t, c) in by_title}
        cursor.execute('SELECT COUNT(*) FROM sushi_knowledge_entry '
            "WHERE state = 'published'")
        published = cursor.fetchone()[0]
    # the dictionary words term.xml gained since the database was built
    # (they re-index the entries that hold them), then the set's entries
    # cut again with the module's current code (their word counts follow);
    # the generated ones are kept as inserted
    with Transaction().start(DATABASE, 0) as transaction:
        add_new_terms(pool)
        transaction.commit()
    with Transaction().start(DATABASE, 0) as transaction:
        Entry.reindex(Entry.browse(sorted(keys)))
        transaction.commit()
    return published, keys


def add_new_terms(pool):
    "Create the words of the module's term.xml that the database lacks."
    import xml.etree.ElementTree as ET
    from trytond.transaction import Transaction
    Term = pool.get('sushi.knowledge.term')
    tree = ET.parse(ROOT / 'addons' / 'sushi_knowledge' / 'term.xml')
    with Transaction().set_context(active_test=False):
        known = {t.word for t in Term.search([])}
    new = []
    for record in tree.iter('record'):
        if record.get('model') != 'sushi.knowledge.term':
            continue
        values = {f.get('name'): f.text for f in record.iter('field')}
        if values['word'] not in known:
            new.append(values)
    if new:
        Term.create(new)
        log(f'{len(new)} dictionary words added from term.xml')


def time_phases():
    """Wrap the steps of the search to add up the time spent in each:
    return {step: [ms, calls]}."""
    import functools
    from trytond.modules.sushi_knowledge import search
    phases = {}

    def wrap(module, name):
        function = getattr(module, name)
        spent = phases.setdefault(name, [0.0, 0])

        @functools.wraps(function)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += (time.perf_counter() - start) * 1000
                spent[1] += 1
        setattr(module, name, timed)
    for name in ['query_units', 'frequencies', 'candidates', '_execute',
            'rank', 'snippet']:
        if hasattr(search, name):
            wrap(search, name)
    return phases


def summary(timings):
    "Return p50 and p95 of timings."
    timings = sorted(timings)

    def percentile(p):
        return timings[min(len(timings) - 1,
                int(round(p / 100 * len(timings) + 0.5)) - 1)]
    return {'p50': percentile(50), 'p95': percentile(95)}


def create_database():
    "Create the database and activate sushi_knowledge (benchtools)."
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import benchtools
    benchtools.create_database(DATABASE, 'sushi_knowledge')


class Indexer:
    """Term.index_words for many generated texts: the same words, with
    jieba's cut of each sentence remembered.  jieba cuts a text into blocks
    at punctuation, so the cut of a text is the cut of its sentences one
    after the other; the bigrams and characters are taken from the whole
    text as the module does.  The first entries are checked against
    Term.index_words itself (a difference stops the bench)."""
    CHECK = 200
    SENTENCE = re.compile('(?<=[。；;!?！？，,、：:])')

    def __init__(self, Term):
        from trytond.modules.sushi_knowledge import term
        self.Term, self.term = Term, term
        self.tokenizer = Term.tokenizer()
        self.stop = Term.lexicon()[0]
        self.standard = Term.standardizer()
        self.cache = {}
        self.checked = 0

    def cut(self, piece):
        words = self.cache.get(piece)
        if words is None:
            words = [t for t in self.tokenizer.cut_for_search(piece)
                if self.term.is_word(t) and t.strip() not in self.stop]
            if len(self.cache) < 500_000:
                self.cache[piece] = words
        return words

    def __call__(self, *texts):
        words = []
        for text in texts:
            if text:
                text = self.standard(text)
                for piece in self.SENTENCE.split(text):
                    words.extend(self.cut(piece))
                words.extend(self.term.bigrams(text))
                words.extend(dict.fromkeys(
                        ''.join(self.term._HAN.findall(text))))
        result = ' '.join(t.strip() for t in words if t.strip())
        if self.checked < self.CHECK:
            self.checked += 1
            expected = self.Term.index_words(*texts)
            if result != expected:
                raise AssertionError(f'Indexer differs from '
                    f'Term.index_words on {texts!r}')
        return result


def insert_entries(pool, generator, count, batch=2000):
    """Insert count entries with one multi-row INSERT per batch; their
    words are those the module cuts (Term.index_words, see Indexer)."""
    from sql.functions import CurrentTimestamp
    from trytond.transaction import Transaction
    Entry = pool.get('sushi.knowledge.entry')
    Term = pool.get('sushi.knowledge.term')
    Unit = pool.get('sushi.unit')
    segment_seconds = insert_seconds = 0
    published = 0
    with Transaction().start(DATABASE, 0) as transaction:
        units = {u.code: u.id for u in Unit.search([])}
        table = Entry.__table__()
        columns = [table.create_uid, table.create_date, table.title,
            table.kind, table.owner_unit, table.assessed_unit,
            table.content, table.keywords, table.document_number,
            table.issued_on, table.effective_date, table.expiry_date,
            table.state, table.version, table.usage_count,
            table.published_at, table.retired_at,
            table.search_title, table.search_body]
        cursor = transaction.connection.cursor()
        index_words = Indexer(Term)
        done = 0
        while done < count:
            rows = []
            start = time.perf_counter()
            for _ in range(min(batch, count - done)):
                e = generator.entry()
                unit = units[e['unit']]
                published_at = (local(2025, 1, 6, 9)
                    if e['state'] != 'draft' else None)
                published += e['state'] == 'published'
                rows.append([0, CurrentTimestamp(), e['title'], e['kind'],
                        unit, unit, e['content'], e['keywords'],
                        e['document_number'], e['issued_on'],
                        dt.date(2025, 1, 1), e['expiry_date'], e['state'],
                        1, generator.random.randrange(0, 50), published_at,
                        (local(2025, 7, 1, 0)
                            if e['state'] in {'withdrawn', 'expired'}
                            else None),
                        index_words(e['title'], e['keywords'],
                            e['document_number']),
                        index_words(e['content'])])
            segment_seconds += time.perf_counter() - start
            start = time.perf_counter()
            cursor.execute(*table.insert(columns, rows))
            insert_seconds += time.perf_counter() - start
            done += len(rows)
            if done % 20000 == 0:
                log(f'  {done:,} entries')
        transaction.commit()
    return segment_seconds, insert_seconds, published


def vacuum():
    from trytond import backend
    database = backend.Database(DATABASE).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        if backend.name == 'postgresql':
            cursor.execute('VACUUM ANALYZE sushi_knowledge_entry')
            cursor.execute('VACUUM ANALYZE sushi_knowledge_entry_probe')
        else:
            cursor.execute('ANALYZE')
    finally:
        database.put_connection(connection)
        database.close()


def explain(pool, question, limit):
    "Print the plans of the index queries of a question (PostgreSQL)."
    from trytond.modules.sushi_knowledge import search
    from trytond.transaction import Transaction
    Entry = pool.get('sushi.knowledge.entry')
    queries = []
    execute = search._execute

    def capture(sql, params):
        queries.append((sql, list(params)))
        return execute(sql, params)
    search._execute = capture
    try:
        with Transaction().start(DATABASE, 0, readonly=True) as transaction:
            Entry.search_text(question, limit=limit)
            cursor = transaction.connection.cursor()
            log(f'EXPLAIN ANALYZE of the index queries of "{question}":')
            for sql, params in queries:
                cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params)
                for line, in cursor:
                    log('  ' + line)
    finally:
        search._execute = execute


def database_version():
    from trytond import backend
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0) as transaction:
        cursor = transaction.connection.cursor()
        if backend.name == 'postgresql':
            cursor.execute('SHOW server_version')
            return 'PostgreSQL ' + cursor.fetchone()[0].split()[0]
        cursor.execute('SELECT sqlite_version()')
        return 'SQLite ' + cursor.fetchone()[0]


if __name__ == '__main__':
    main()
