# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Unit(metaclass=PoolMeta):
    __name__ = 'sushi.unit'

    # D-19
    has_key_work = fields.Boolean("Has Key Work",
        states={'invisible': ~Eval('assessed', False)},
        help="A hotline consolidation unit (归并责任单位), assessed on key "
        "work (D-19: 三类 by default).")
    requires_expert_seat = fields.Boolean("Requires Expert Seats",
        states={'invisible': ~Eval('has_key_work', False)},
        help="Without expert seats, K4 is a justified missing item.")

    @classmethod
    def __register__(cls, module):
        table = cls.__table_handler__(module)
        fill = not table.column_exist('has_key_work')
        super().__register__(module)
        if fill:
            # D-19: the 13 units of 三类 have key work.
            unit = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*unit.update([unit.has_key_work],
                    [unit.category == '3']))

    @fields.depends('category', 'has_key_work')
    def on_change_category(self):
        try:
            super().on_change_category()
        except AttributeError:
            pass
        self.has_key_work = self.category == '3'

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if 'has_key_work' not in values:
                values['has_key_work'] = values.get('category') == '3'
        return super().create(vlist)
