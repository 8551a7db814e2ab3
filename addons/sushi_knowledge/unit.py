# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta

from .term import unit_words


class Unit(metaclass=PoolMeta):
    __name__ = 'sushi.unit'

    @classmethod
    def on_modification(cls, mode, units, field_names=None):
        super().on_modification(mode, units, field_names=field_names)
        # Unit names and other names are words of the domain dictionary.
        if (mode != 'write' or not field_names
                or field_names & {'name', 'aliases', 'active'}):
            Pool().get('sushi.knowledge.term')._words_cache.clear()
        if mode == 'create':
            Pool().get('sushi.knowledge.term').dictionary_changed(
                cls.dictionary_words(units))

    @classmethod
    def on_write(cls, units, values):
        callbacks = super().on_write(units, values)
        if values.keys() & {'name', 'aliases', 'active'}:
            Term = Pool().get('sushi.knowledge.term')
            words = cls.dictionary_words(units)
            callbacks.append(lambda: Term.dictionary_changed(
                    words | cls.dictionary_words(
                        cls.browse([u.id for u in units]))))
        return callbacks

    @classmethod
    def dictionary_words(cls, units):
        "The names and other names of units, as words of the dictionary."
        return {w for unit in units
            for w in unit_words(unit.name, unit.aliases)}
