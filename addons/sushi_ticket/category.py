# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Business domains of requests (SCP-01, categories.md §2)."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)


class Category(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    __name__ = 'sushi.category'
    __string__ = "Business Category"

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
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'sushi_ticket.msg_category_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]


class CategoryUnit(ModelSQL):
    __name__ = 'sushi.category-sushi.unit'
    __string__ = "Category - Unit"

    category = fields.Many2One('sushi.category', "Category", required=True,
        ondelete='CASCADE')
    unit = fields.Many2One('sushi.unit', "Unit", required=True,
        ondelete='CASCADE')
