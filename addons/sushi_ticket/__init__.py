from . import routes

__all__ = [routes]
