# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The item table of 附件5 (SCORING §2) and the pure formulas F1..F5.

The formulas work on exact fractions and return Decimal; they never read
the database, so the tests check them against values computed by hand."""
import math
from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

D = Decimal

Item = namedtuple('Item', ['code', 'component', 'max', 'name', 'source'])

# SCORING §2.1, §2.2, §2.3: code, component, maximum, name.  The
# maximum of a B item is its cap; P items have no maximum (they only take
# points away, at most 5 together).
ITEMS = [
    Item('D1.1', 'daily', D(3), "Organisation", 'semi'),
    Item('D1.2', 'daily', D(2), "Internal Rules", 'manual'),
    Item('D1.3', 'daily', D(2), "Internal Appraisal", 'manual'),
    Item('D1.4', 'daily', D(3), "Leader Review", 'semi'),
    Item('D2.1a', 'daily', D(2), "Timely Sign-in", 'auto'),
    Item('D2.1b', 'daily', D(2), "Timely Return", 'auto'),
    Item('D2.1c', 'daily', D(3), "Improper Return", 'semi'),
    Item('D2.2', 'daily', D(5), "On-time Completion", 'auto'),
    Item('D2.3', 'daily', D(6), "Handling Speed", 'auto'),
    Item('D2.4a', 'daily', D(6), "Truthful Reply", 'semi'),
    Item('D2.4b', 'daily', D(3), "Leader Sign-off", 'auto'),
    Item('D2.4c', 'daily', D(1), "Real-name Handling", 'auto'),
    Item('D2.5', 'daily', D(10), "Satisfaction", 'auto'),
    Item('D2.6', 'daily', D(4), "Confidentiality", 'manual'),
    Item('D3.1', 'daily', D(4), "Routine Supervision", 'semi'),
    Item('D3.2', 'daily', D(8), "Escalated Supervision", 'auto'),
    Item('D4.1', 'daily', D(1), "Proposing Topics", 'manual'),
    Item('D4.2', 'daily', D(3), "Lead-Unit Duty", 'manual'),
    Item('D4.3', 'daily', D(2), "Co-Unit Duty", 'semi'),
    Item('D5.1', 'daily', D(4), "Timely Submission", 'semi'),
    Item('D5.2', 'daily', D(3), "Standard Submission", 'auto'),
    Item('D5.3', 'daily', D(3), "Accuracy", 'semi'),
    Item('K1', 'key', D(5), "Work Plan", 'manual'),
    Item('K2', 'key', D(5), "Consolidation on Time", 'semi'),
    Item('K3', 'key', D(6), "Smooth Transition", 'manual'),
    Item('K4', 'key', D(4), "Expert Assignment", 'manual'),
    Item('B1', 'bonus', D(2), "Leader Instruction or Visit", 'manual'),
    Item('B2', 'bonus', D(2), "Promoted by the Media", 'manual'),
    Item('B3', 'bonus', D(1), "Commendation or Presentation", 'manual'),
    Item('P1', 'penalty', D(0), "Flagged Order Overdue or Poorly Handled",
        'semi'),
    Item('P2', 'penalty', D(0), "No Action after Media Exposure", 'manual'),
    Item('P3', 'penalty', D(0), "Fake Handling", 'semi'),
    Item('P4', 'penalty', D(0), "Petitions Caused", 'manual'),
    Item('P5', 'penalty', D(0), "Leak Caused Retaliation", 'manual'),
    ]
ITEM = {i.code: i for i in ITEMS}
ITEM_CODES = [i.code for i in ITEMS]
ITEM_SELECTION = [(i.code, f'{i.code} {i.name}') for i in ITEMS]

# The K3 and K4 sub-items (SCORING §2.2): events name them, the score row
# is the item.
SUB_ITEMS = {
    'K3a': ('K3', D('0.5'), "Call-Agent Transition"),
    'K3b': ('K3', D('0.5'), "Voice Prompts"),
    'K3c': ('K3', D(1), "Business-System Link"),
    'K3d': ('K3', D('0.5'), "Knowledge Base Sharing"),
    'K3e': ('K3', D(1), "System Integration"),
    'K3f': ('K3', D(1), "Data Aggregation"),
    'K3g': ('K3', D('0.5'), "On-site Training"),
    'K3h': ('K3', D(1), "Related Business by Duty"),
    'K4a': ('K4', D(2), "Expert Mechanism"),
    'K4b': ('K4', D(2), "Experts Assigned"),
    }
EVENT_ITEM_SELECTION = [
    (code, label) for code, label in ITEM_SELECTION
    if code not in {'D2.5', 'K3', 'K4'}] + [
    (code, f'{code} {name}') for code, (_, _, name) in SUB_ITEMS.items()]

# The points of one event, per item (SCORING §2): None = any multiple of
# the step up to the item's maximum.
EVENT_AMOUNTS = {
    'D1.1': {D(1)}, 'D1.2': {D(1)}, 'D1.3': {D('0.5')}, 'D1.4': {D(1)},
    'D2.1a': {D('0.5')}, 'D2.1b': {D('0.5')}, 'D2.1c': {D(1)},
    'D2.2': {D('0.5')}, 'D2.3': {D(1)}, 'D2.4a': {D('0.5'), D(1)},
    'D2.4b': {D('0.5')}, 'D2.4c': {D('0.5')}, 'D2.6': {D(1)},
    'D3.1': {D('0.5')}, 'D3.2': {D(1), D(2), D(3)},
    'D4.1': {D('0.5')}, 'D4.2': {D('0.5')}, 'D4.3': {D('0.5')},
    'D5.1': None, 'D5.2': {D('0.5')}, 'D5.3': {D(1)},
    'K1': {D(5)}, 'K2': None,
    'B1': {D(1)}, 'B2': {D(1), D('0.5')}, 'B3': {D('0.5')},
    'P1': {D(1)}, 'P2': {D(1)}, 'P3': {D(1)}, 'P4': {D(1)}, 'P5': {D(1)},
    }
# Items whose score can be set to 0 by a verified event (F4).
ZEROING_ITEMS = {'D1.1', 'D2.1c', 'K1'}

# Unit groups of the ranking and of the category averages (F1, F2).
GROUPS = [
    ('county', "Counties / Districts"),
    ('park', "City-Managed Parks"),
    ('1', "Category 1"),
    ('2', "Category 2"),
    ('3', "Category 3"),
    ('4', "Category 4"),
    ]


def unit_group(assessment_group, category):
    if assessment_group == 'department':
        return category or '1'
    return assessment_group


def quantize(value, digits=2):
    "Round half up to the given number of decimals, as the bulletins do."
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = D(value.numerator) / D(value.denominator)
    return D(value).quantize(D(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _whole(value, rounding):
    "Full units of a non-negative fraction: floor (default) or ceil."
    value = max(Fraction(0), Fraction(value))
    return math.ceil(value) if rounding == 'ceil' else math.floor(value)


def satisfaction_rate(completed, dissatisfied):
    "F1: (1 − D2/N) × 100, exact; None when N = 0 (合理缺项)."
    if not completed:
        return None
    return (1 - Fraction(dissatisfied, completed)) * 100


def category_average(counts, mode='mean'):
    """F1: the average satisfaction of a category from (N, D2) pairs of
    its units; units with N = 0 do not count.  mode 'pooled' = 1 − ΣD2/ΣN."""
    counts = [(n, d) for n, d in counts if n]
    if not counts:
        return None
    if mode == 'pooled':
        return satisfaction_rate(
            sum(n for n, _ in counts), sum(d for _, d in counts))
    rates = [satisfaction_rate(n, d) for n, d in counts]
    return sum(rates, Fraction(0)) / len(rates)


def satisfaction_score(rate, average, rounding='floor', step=D('0.5'),
        maximum=D(10)):
    "F1: 10 − 0.5 per full percentage point below the average, floor 0."
    if rate is None:
        return None, D(0)
    deduction = step * _whole(average - rate, rounding)
    return max(D(0), maximum - deduction), deduction


def speed_deduction(groups, rounding='floor', step=D('0.5')):
    """F2: groups is a list of (unit average, baseline) per request type,
    averages as fractions; 0.5 per full day above the baseline."""
    days = sum(_whole(Fraction(avg) - Fraction(base), rounding)
        for avg, base in groups)
    return step * days


def review_deduction(dispatched, reviewed, unreviewed_flagged, threshold,
        step=5, rounding='floor'):
    """F3: d1 = 1 per full `step` percentage points below the threshold,
    d2 = 1 per supervised or provincial order not reviewed."""
    d1 = 0
    if dispatched:
        rate = Fraction(reviewed, dispatched) * 100
        d1 = _whole((Fraction(threshold) - rate) / step, rounding)
    return D(d1 + unreviewed_flagged)


def additional(bonus, penalty):
    """§2.3: A = min(5, min(2,B1) + min(2,B2) + min(1,B3)) − min(5, ΣP);
    bonus is {code: points}, penalty the sum of the P deductions."""
    b = sum((min(ITEM[c].max, D(v)) for c, v in bonus.items()), D(0))
    return min(D(5), b) - min(D(5), D(penalty))


def k2_deduction(late_days, zero_days=7, inclusive=True, late_points=D(2),
        maximum=D(5)):
    "K2: late −2; late by 7 working days or more (以上, inclusive) → 0."
    if not late_days or late_days <= 0:
        return D(0)
    if late_days > zero_days or (inclusive and late_days == zero_days):
        return maximum
    return late_points


def total(earned, applicable_max, additional_points, digits=2):
    "§3: 100 × earned / applicable_max + A."
    if not applicable_max:
        return quantize(additional_points, digits)
    return quantize(Fraction(D(earned)) * 100 / Fraction(D(applicable_max))
        + Fraction(D(additional_points)), digits)
