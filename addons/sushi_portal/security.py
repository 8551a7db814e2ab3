# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The guard of sushi_ticket/guard.py (issue #16, what it enforces is
said there) on every stored model of this module; SQL views get the read
guard."""
from trytond.modules.sushi_ticket.guard import GuardMixin
from trytond.pool import PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _unit_rule_models(cls):
        # the unit rule of security.xml evaluates `sushi_unit_tree`, which
        # ir.rule puts in its context only for the models listed here: a
        # rule on another model sees [] and matches nothing (why a unit,
        # the county included, could not read its own drafts)
        return super()._unit_rule_models() | {'sushi.portal.disclosure'}


class Configuration(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.configuration'


class APIKey(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.api_key'


class Code(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.code'


class Disclosure(GuardMixin, metaclass=PoolMeta):
    __name__ = 'sushi.portal.disclosure'
