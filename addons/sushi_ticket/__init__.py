import sqlite3

from . import routes

# Tryton's SQLite backend registers converters for its dates, numerics and
# intervals but not for BOOLEAN, so every Boolean field reads back as 0/1
# on SQLite and as True/False on PostgreSQL.  One converter makes both
# backends return booleans (declared column types: PARSE_DECLTYPES).
sqlite3.register_converter('BOOLEAN', lambda value: value not in {b'0', b''})

__all__ = [routes]
