# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The discussion on a work order: Tryton's record chat (ir.chat) held to
the order's record rules (ORG-11).

Tryton checks only the model's read access on a chat ("TODO check record
rule" in ir.chat.channel.check_access); here every chat call also needs
the record itself to be readable by the user (and the user to be on
the platform's or a unit's staff), so a unit reads, posts and
follows only the chat of orders it may read.  Followers are notified only
while they may still read the order (a re-dispatched unit's staff are
not), a user is only subscribed by someone else if that user may read the
order too, and e-mail followers are refused (the chat is internal: the
requester hears from the platform by SMS).

Staff are named by their names (PUB-06 staff data): who does not see
logins on the users gets another user as an opaque key `user:<id>` in the
follower search and list, follows and unfollows with it, and cannot name
a user by login (nor test whether a login exists); the "joined"/"left"
messages show the name.  A chat is only of a model that has one: Tryton
answered the follower search for any readable record (`sushi.unit,1`) with
every party's contact mechanisms — the requesters' phones — as e-mail
followers."""
import re

from trytond.i18n import gettext
from trytond.model import ChatMixin
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, check_access

# How a user is named to who does not see logins (follower keys).
USER_KEY = re.compile(r'^user:([0-9]{1,18})$')
FOLLOWER_SEARCH_MAX = 100


def _user_key(user):
    "The opaque key of a user (USER_KEY)."
    return 'user:%s' % user.id


def _parse(resource):
    "(model, id) of a chat resource 'model,id'; AccessError when malformed."
    try:
        model, id_ = str(resource).split(',')
        id_ = int(id_)
    except (TypeError, ValueError):
        raise AccessError(gettext('sushi_ticket.msg_chat_no_access'))
    if not (0 < id_ < 2 ** 63):
        raise AccessError(gettext('sushi_ticket.msg_chat_no_access'))
    return model, id_


class Channel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    def _record_rule_models(cls):
        "Chats whose resource must be readable under its record rules."
        return {'sushi.ticket'}

    @classmethod
    def _chat_groups(cls):
        """The groups that talk on an order: the platform's staff and the
        units' (not city leaders or analysts: minimum exposure)."""
        ModelData = Pool().get('ir.model.data')
        return {ModelData.get_id('sushi_ticket', f'group_sushi_{name}')
            for name in ['admin', 'intake', 'dispatcher', 'reviewer',
                'supervisor', 'unit_handler', 'unit_leader']}

    @classmethod
    def may_read(cls, resource, user_id):
        """Whether user_id reads resource under its access rights and
        record rules (the root user reads everything)."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        model, id_ = _parse(resource)
        if not user_id:
            return True
        User = pool.get('res.user')
        transaction = Transaction()
        with transaction.set_user(user_id), check_access(), \
                transaction.set_context(active_test=False):
            if (model in cls._record_rule_models()
                    and not set(User.get_groups()) & cls._chat_groups()):
                return False
            if not ModelAccess.check(model, 'read', raise_exception=False):
                return False
            Model = pool.get(model)
            return bool(Model.search([('id', '=', id_)], limit=1))

    @classmethod
    @check_access
    def check_access(cls, resource):
        model, _ = _parse(resource)
        pool = Pool()
        try:
            Model = pool.get(model)
        except KeyError:
            Model = None
        if not (isinstance(Model, type) and issubclass(Model, ChatMixin)):
            raise AccessError(gettext('sushi_ticket.msg_chat_no_access'))
        super().check_access(resource)
        user_id = Transaction().user
        if (model in cls._record_rule_models()
                and not cls.may_read(resource, user_id)):
            raise AccessError(gettext('sushi_ticket.msg_chat_no_access'))

    @classmethod
    def _follower_key(cls, user):
        """The key that names user to the caller: the login for who sees
        logins and for the caller themself (sao finds itself by it), an
        opaque key for the others."""
        User = Pool().get('res.user')
        if user.id == Transaction().user or User._sees_logins():
            return user.login
        return _user_key(user)

    @classmethod
    def _follower_user(cls, key):
        """The active user a follower key names for the caller, or None:
        their own login, a `user:<id>` key, another login only for who
        sees logins."""
        User = Pool().get('res.user')
        if not isinstance(key, str):
            return None
        user_id = Transaction().user
        if user_id and key == User(user_id).login:
            return User(user_id)
        if User._sees_logins():
            users = User.search([('login', '=', key)], limit=1)
            if users:
                return users[0]
        match = USER_KEY.match(key)
        if match:
            users = User.search([('id', '=', int(match.group(1)))], limit=1)
            if users:
                return users[0]
        return None

    @classmethod
    def _follower_entry(cls, user):
        key = cls._follower_key(user)
        return ('user', key), {
            'type': 'user',
            'key': key,
            'name': user.name or key,
            'avatar_url': user.avatar_url,
            }

    @classmethod
    def _display_name(cls, user):
        "The name of user in the chat's messages (never the login)."
        return user.name or _user_key(user)

    @classmethod
    def _resolve_follower(cls, resource, username):
        "The user a subscribe names; AccessError for anything else."
        User = Pool().get('res.user')
        if username is None:
            return User(Transaction().user)
        user = cls._follower_user(username)
        model, _ = _parse(resource)
        if user is None or (model in cls._record_rule_models()
                and not cls.may_read(resource, user.id)):
            # ORG-11: nobody is made to follow an order they cannot read;
            # an unknown name gets the same answer
            raise AccessError(gettext('sushi_ticket.msg_chat_no_access'))
        return user

    @classmethod
    def subscribe(cls, resource, username=None):
        Follower = Pool().get('ir.chat.follower')
        cls.check_access(resource)
        user = cls._resolve_follower(resource, username)
        channel = cls._get_channel(resource)
        Follower.add_user(channel, user)
        cls._post_follower_change(resource, channel, user,
            'ir.msg_chat_follower_joined')

    @classmethod
    def unsubscribe(cls, resource, username=None):
        pool = Pool()
        Follower = pool.get('ir.chat.follower')
        User = pool.get('res.user')
        cls.check_access(resource)
        if username:
            user = cls._follower_user(username)
            if user is None:
                return None
        else:
            user = User(Transaction().user)
        channel = cls._get_channel(resource)
        Follower.remove_user(channel, user)
        cls._post_follower_change(resource, channel, user,
            'ir.msg_chat_follower_left')

    @classmethod
    def _post_follower_change(cls, resource, channel, user, message):
        "The chat's joined/left line, posted by the system, naming user."
        with Transaction().set_context(
                language=channel.language, user=0, _notify=False):
            cls.post(resource, gettext(message,
                    name=cls._display_name(user)))

    @classmethod
    def _get_followers(cls, resource):
        "The followers, users named by _follower_key."
        Follower = Pool().get('ir.chat.follower')
        followers = {}
        channel = cls._get_channel(resource)
        if channel:
            for follower in Follower.search([('channel', '=', channel)]):
                if follower.user:
                    key, entry = cls._follower_entry(follower.user)
                    followers[key] = entry
                elif follower.email:
                    followers['email', follower.email] = {
                        'type': 'email',
                        'key': follower.email,
                        'name': follower.email,
                        'avatar_url': None,
                        }
        return followers

    @classmethod
    def _search_followers(cls, resource, text):
        """Users only, by name (and login for who sees logins), and on an
        order only those who may read it.  Neither Tryton's search by
        login nor the party module's e-mail contacts of every party (the
        requesters') are proposed."""
        User = Pool().get('res.user')
        pattern = '%%%s%%' % (text if isinstance(text, str) else '')
        if User._sees_logins():
            domain = ['OR', ('name', 'ilike', pattern),
                ('login', 'ilike', pattern)]
        else:
            domain = [('name', 'ilike', pattern)]
        users = User.search(domain, limit=FOLLOWER_SEARCH_MAX,
            order=[('name', 'ASC'), ('id', 'ASC')])
        model, _ = _parse(resource)
        if model in cls._record_rule_models():
            users = [u for u in users if cls.may_read(resource, u.id)]
        return dict(cls._follower_entry(u) for u in users)

    @classmethod
    def subscribe_email(cls, resource, email):
        model, _ = _parse(resource)
        if model in cls._record_rule_models():
            raise AccessError(gettext('sushi_ticket.msg_chat_no_email'))
        return super().subscribe_email(resource, email)

    @classmethod
    def post(cls, resource, content, audience='internal'):
        pool = Pool()
        Follower = pool.get('ir.chat.follower')
        User = pool.get('res.user')
        message = super().post(resource, content, audience=audience)
        model, _ = _parse(resource)
        transaction = Transaction()
        user_id = transaction.context.get('user', transaction.user)
        if model in cls._record_rule_models() and user_id:
            # who takes part in the discussion hears of the answers
            Follower.add_user(message.channel, User(user_id))
        return message


class Follower(metaclass=PoolMeta):
    __name__ = 'ir.chat.follower'

    def notify(self, message):
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        resource = message.channel.resource
        if (self.user
                and resource.__name__ in Channel._record_rule_models()
                and not Channel.may_read(str(resource), self.user.id)):
            return
        super().notify(message)
