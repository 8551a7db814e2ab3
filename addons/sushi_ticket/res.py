# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from werkzeug.exceptions import TooManyRequests

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.res.user import PasswordError
from trytond.transaction import Transaction

from .exceptions import ValueCheckError
from .guard import CHAR_SIZE, MAX_ID, TEXT_SIZE

# Tryton's placeholder for "password unchanged" in the preferences form.
UNCHANGED = 'x' * 10


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    sushi_units = fields.Many2Many('sushi.unit-res.user', 'user', 'unit',
        "Handling Units",
        help="The units whose work orders the user handles; their sub-units "
        "are included.")
    sushi_leader_roles = fields.One2Many('sushi.unit.leader', 'user',
        "Leader Roles")
    # Asked in the preferences form with the new password.
    password_current = fields.Function(fields.Char("Current Password",
            help="Needed to set a new password."),
        'get_password_current')
    # preferences only the administrators set (_check_preference_identity)
    _identity_preferences = frozenset({'name', 'email'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if 'password_current' not in cls._preferences_fields:
            cls._preferences_fields.append('password_current')

    def get_password_current(self, name):
        return None

    @classmethod
    def validate_password(cls, password, users):
        """Tryton's length, forbidden-words and name checks, and the
        `[password] entropy` of Tryton 5: the share of distinct characters
        (0.0–1.0), so that '11111111' or 'abababab' are refused."""
        super().validate_password(password, users)
        entropy = config.getfloat('password', 'entropy', default=0)
        if entropy and password and (
                len(set(password)) / len(password) < entropy):
            raise PasswordError(gettext('sushi_ticket.msg_password_entropy'))

    @classmethod
    def set_preferences(cls, values):
        "A new password needs the current one, even in a fresh session."
        if not isinstance(values, dict):
            raise ValueCheckError(gettext('sushi_ticket.msg_field_unknown',
                    model=cls.__names__()['model'], fields=repr(values)[:50]))
        cls._check_preference_values(values)
        cls._check_preference_identity(values)
        values = values.copy()
        current = values.pop('password_current', None)
        if 'password' in values and values['password'] != UNCHANGED:
            # An empty password would end every session and forbid logins.
            if not values['password'] or not isinstance(
                    values['password'], str):
                raise PasswordError(gettext(
                        'sushi_ticket.msg_password_empty'))
            cls._check_password_current(cls(Transaction().user), current)
        super().set_preferences(values)

    @classmethod
    def _check_preference_identity(cls, values):
        """A user's name and e-mail are the administrators' to set: staff
        are named by name in the chat, the order's history and the
        replies, so a handler renaming themselves 市长 or another unit's
        leader would speak in their name.  An unchanged value passes (a
        client may send the whole form)."""
        if cls._sees_logins():
            return
        user = cls(Transaction().user)
        for name in sorted(cls._identity_preferences & set(values)):
            if (values[name] or None) != (getattr(user, name) or None):
                string = cls.fields_get([name])[name]['string']
                raise ValueCheckError(gettext(
                        'sushi_ticket.msg_preference_admin_only',
                        field=string))

    @classmethod
    def get_preferences_fields_view(cls):
        "The name and e-mail read-only for who may not set them."
        result = super().get_preferences_fields_view()
        if not cls._sees_logins():
            for name in cls._identity_preferences & set(result['fields']):
                result['fields'][name]['readonly'] = True
        return result

    @classmethod
    def _check_preference_values(cls, values):
        """Type, size and NUL byte of each preference, as the guard checks
        a form's values (guard.py): Tryton writes them as they come, so a
        list as language ended in a Python error and a name had no limit."""
        for name, value in values.items():
            field = cls._fields.get(name)
            if field is None or value is None:
                continue  # Tryton ignores what is no preference
            # the language is given by its code
            type_ = 'char' if name == 'language' else field._type
            message = None
            if type_ in {'char', 'text'}:
                size = TEXT_SIZE if type_ == 'text' else CHAR_SIZE
                if not isinstance(value, str):
                    message = 'msg_value_type'
                elif '\x00' in value:
                    message = 'msg_value_nul'
                elif len(value) > size:
                    message = 'msg_value_too_long'
            elif type_ == 'many2one' and (not isinstance(value, int)
                    or isinstance(value, bool) or abs(value) > MAX_ID):
                message = 'msg_value_type'
            elif (type_ in {'one2many', 'many2many', 'multiselection'}
                    and not isinstance(value, (list, tuple))):
                message = 'msg_value_type'
            if message:
                string = cls.fields_get([name])[name]['string']
                raise ValueCheckError(gettext('sushi_ticket.' + message,
                        model=cls.__names__()['model'], field=string,
                        size=CHAR_SIZE if type_ == 'char' else TEXT_SIZE))

    @classmethod
    def _check_password_current(cls, user, current):
        """The current password, with the login's rate limit: a wrong one
        counts as a failed login of the user's login (without device, as
        at the login form of a new device), and beyond `[session]
        max_attempt` failures no attempt is even checked — a stolen session
        cannot guess the password faster than the login form allows."""
        LoginAttempt = Pool().get('res.user.login.attempt')
        if LoginAttempt.count(user.login, None) > config.getint(
                'session', 'max_attempt', default=5):
            # HTTP 429, as Tryton's login answers: a RateLimitException
            # raised in a model method reaches a JSON-RPC client as a 200
            # with an empty error (jsonrpc.JSONProtocol.response turns
            # every TrytonException of a call into the body's error)
            raise TooManyRequests()
        if (isinstance(current, str) and current
                and cls._login_password(user.login, {'password': current})):
            return
        # The refusal rolls the transaction back: the attempt is recorded
        # in a transaction of its own.
        with Transaction().new_transaction() as transaction:
            LoginAttempt.add(user.login, None)
            transaction.commit()
        raise UserError(gettext('sushi_ticket.msg_password_current_wrong'))

    def get_status_bar(self, name):
        """Platform users with calendar rights see, from 1 November, that
        next year's working-day calendar is still missing."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Year = pool.get('sushi.calendar.year')
        status = super().get_status_bar(name)
        admin = ModelData.get_id('sushi_ticket', 'group_sushi_admin')
        if admin in {g.id for g in self.groups}:
            year = Year.missing_next_year()
            if year:
                status = '%s ⚠ %s' % (status, gettext(
                        'sushi_ticket.msg_calendar_next_year_missing',
                        year=year))
        return status
