# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Intelligent intake and dispatch (PLT-01, 智能受理/智能派单): pure scoring.

The platform's history is read as counts only (`smart.py` learns them by
SQL from the closed orders' word rows):

- words[word][(category, unit)]: the closed orders of the category whose
  lead unit was unit and whose text holds the word;
- routes[(category, region, unit)]: the closed orders of the category
  received in the region (a county, district or park) that unit led.

unit is a unit id, LOCAL when the lead unit was the order's own region
(a county that handles the category itself: 路灯, 积水, 小区物业) or None
when the order had no lead unit (answered at intake).  LOCAL becomes the
region of the request asked about, so that 砀山县's history of 路灯 tells
萧县's request to go to 萧县.

Category: multinomial naive Bayes over the words, with add-ALPHA
smoothing.  Unit: for each of the likeliest categories, the share of its
orders each unit led in the request's region, backed off to the city and
to the category's suggested units, times the likelihood of the words
under the unit against the category (the word 移动 tells 移动宿州分公司
from the other carriers of 通信); summed over the categories by their
probability."""
import math
from collections import defaultdict

LOCAL = 0
ALPHA = 0.5
# how many orders of the region a category needs before its own counts
# outweigh the city's (and the city's before the suggested units)
REGION_WEIGHT = 5.0
CITY_WEIGHT = 5.0
# the categories whose units are weighed
CATEGORY_DEPTH = 3
# the weight of the categories' shares of the history against the words:
# none (chosen on the dev part: 0.469 top-1 against 0.444 with the full
# prior; short requests were pulled to the commonest category)
PRIOR_WEIGHT = 0


class Model:
    """The counts of the history, as read by `smart.py` (or built by the
    benchmark from the same SQL)."""

    def __init__(self, routes, word_totals, vocabulary, suggested=None):
        """routes: {(category, region, unit): orders};
        word_totals: {(category, unit): word occurrences};
        vocabulary: the number of distinct words;
        suggested: {category: [unit ids]} (the configured suggested
        units, the parents' when a category has none)."""
        self.vocabulary = max(vocabulary, 1)
        self.suggested = suggested or {}
        self.category_orders = defaultdict(int)
        self.unit_orders = defaultdict(int)
        self.region_orders = defaultdict(int)
        self.region_unit_orders = defaultdict(int)
        for (category, region, unit), count in routes.items():
            self.category_orders[category] += count
            self.unit_orders[category, unit] += count
            self.region_orders[category, region] += count
            self.region_unit_orders[category, region, unit] += count
        self.total = sum(self.category_orders.values())
        self.category_words = defaultdict(int)
        self.unit_words = dict(word_totals)
        for (category, unit), count in word_totals.items():
            self.category_words[category] += count

    def _log_word(self, count, total):
        return math.log((count + ALPHA) / (total + ALPHA * self.vocabulary))

    def categories(self, words):
        """Return [(category, probability, deciding words)] of every
        category of the history, the likeliest first.  words: {word:
        {(category, unit): count}} of the request's words (unknown words
        left out)."""
        if not self.total:
            return []
        by_category = {w: self._sum_units(c) for w, c in words.items()}
        scores = {}
        for category, orders in self.category_orders.items():
            total = self.category_words[category]
            score = PRIOR_WEIGHT * math.log(orders / self.total)
            for word, counts in by_category.items():
                score += self._log_word(counts.get(category, 0), total)
            scores[category] = score
        top = max(scores.values())
        weights = {c: math.exp(s - top) for c, s in scores.items()}
        norm = sum(weights.values())
        ranked = sorted(weights.items(), key=lambda i: (-i[1], i[0]))
        return [(category, weight / norm,
                self._reasons(category, by_category))
            for category, weight in ranked]

    @staticmethod
    def _sum_units(counts):
        result = defaultdict(int)
        for (category, _), count in counts.items():
            result[category] += count
        return result

    def _reasons(self, category, by_category, limit=3):
        """The words that speak most for the category: the ratio of their
        likelihood in it to their likelihood over all categories."""
        total_words = sum(self.category_words.values())
        lifts = []
        for word, counts in by_category.items():
            inside = counts.get(category, 0)
            if not inside:
                continue
            lift = (self._log_word(inside, self.category_words[category])
                - self._log_word(sum(counts.values()), total_words))
            if lift > 0:
                # the commoner word first among words of one lift
                lifts.append((-round(lift, 2), -inside, word))
        return [w for _, _, w in sorted(lifts)[:limit]]

    def units(self, words, categories, region=None):
        """Return [(unit, probability)] for the ranked categories, the
        likeliest first; LOCAL is the region (left out without one)."""
        scores = defaultdict(float)
        for category, probability, _ in categories[:CATEGORY_DEPTH]:
            for unit, share in self._category_units(
                    category, words, region).items():
                unit = region if unit == LOCAL else unit
                if unit:
                    scores[unit] += probability * share
        norm = sum(scores.values()) or 1
        return sorted(((u, s / norm) for u, s in scores.items()),
            key=lambda i: (-i[1], i[0]))

    def _category_units(self, category, words, region):
        "Return {unit: probability} of the units of a category."
        suggested = self.suggested.get(category) or []
        candidates = {u for c, u in self.unit_orders if c == category}
        candidates.update(suggested)
        candidates.discard(None)
        if region is None:
            candidates.discard(LOCAL)
        if not candidates:
            return {}
        prior = {u: 1 / len(suggested) if u in suggested else 0
            for u in candidates}
        orders = self.category_orders[category]
        city = {u: (self.unit_orders[category, u] + CITY_WEIGHT * prior[u])
            / (orders + CITY_WEIGHT) for u in candidates}
        local = self.region_orders[category, region]
        base = {u: (self.region_unit_orders[category, region, u]
                + REGION_WEIGHT * city[u]) / (local + REGION_WEIGHT)
            for u in candidates}
        # the words under the unit against the words under the category
        category_total = self.category_words[category]
        logs = {}
        for unit in candidates:
            if not base[unit]:
                continue
            unit_total = self.unit_words.get((category, unit), 0)
            score = math.log(base[unit])
            for counts in words.values():
                inside = sum(c for (cat, _), c in counts.items()
                    if cat == category)
                score += (self._log_word(counts.get((category, unit), 0),
                        unit_total)
                    - self._log_word(inside, category_total))
            logs[unit] = score
        if not logs:
            return {}
        top = max(logs.values())
        weights = {u: math.exp(s - top) for u, s in logs.items()}
        norm = sum(weights.values())
        return {u: w / norm for u, w in weights.items()}

    def suggest(self, words, region=None, limit=3):
        """Return (categories, units): [(category, probability, deciding
        words)] and [(unit, probability)], limit of each."""
        categories = self.categories(words)
        units = self.units(words, categories, region)
        return categories[:limit], units[:limit]


def baseline(routes, region=None):
    """The trivial baseline: the commonest category of the history and its
    commonest units (LOCAL as the region)."""
    categories = defaultdict(int)
    units = defaultdict(int)
    for (category, _, unit), count in routes.items():
        categories[category] += count
        unit = region if unit == LOCAL else unit
        if unit:
            units[unit] += count
    return ([c for c, _ in sorted(categories.items(),
                    key=lambda i: (-i[1], i[0]))],
        [u for u, _ in sorted(units.items(), key=lambda i: (-i[1], i[0]))])
