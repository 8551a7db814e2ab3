# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from . import open311, routes

__all__ = [open311, routes]
