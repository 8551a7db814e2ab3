# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Small helpers the models of the sushi modules share."


def rec_name_domain(clause, field_names):
    """Return the domain that searches the record name clause in each of
    field_names: any of them matching, or, for a negative operator, none."""
    _, operator, operand, *extra = clause
    if operator.startswith('!') or operator.startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [
        (name, operator, operand, *extra) for name in field_names]
