# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Unit(metaclass=PoolMeta):
    __name__ = 'sushi.unit'

    @classmethod
    def on_modification(cls, mode, units, field_names=None):
        super().on_modification(mode, units, field_names=field_names)
        # Unit names and other names are words of the domain dictionary.
        if (mode != 'write' or not field_names
                or field_names & {'name', 'aliases', 'active'}):
            Pool().get('sushi.knowledge.term')._words_cache.clear()
