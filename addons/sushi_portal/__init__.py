# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from . import dashboard, open311, openapi, routes

__all__ = [dashboard, open311, openapi, routes]
