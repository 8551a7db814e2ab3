# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Business domains of requests (SCP-01, categories.md §2)."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, tree)

from .tools import UniqueCodeMixin


class Category(UniqueCodeMixin, DeactivableMixin, tree(separator=' / '),
        ModelSQL, ModelView):
    __name__ = 'sushi.category'
    __string__ = "Business Category"
    _code_unique_message = 'sushi_ticket.msg_category_code_unique'

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    parent = fields.Many2One('sushi.category', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('sushi.category', 'parent', "Children")
    suggested_units = fields.Many2Many(
        'sushi.category-sushi.unit', 'category', 'unit', "Suggested Units",
        help="Units that usually handle requests of this category; "
        "dispatchers see them first.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    def nearest_suggested_units(self):
        """The suggested units of the category, else those of its nearest
        parent that has some (TRI-05)."""
        category = self
        while category:
            if category.suggested_units:
                return list(category.suggested_units)
            category = category.parent
        return []


class CategoryUnit(ModelSQL):
    __name__ = 'sushi.category-sushi.unit'
    __string__ = "Category - Unit"

    category = fields.Many2One('sushi.category', "Category", required=True,
        ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='CASCADE')
