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
requester hears from the platform by SMS)."""
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, check_access


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
        super().check_access(resource)
        user_id = Transaction().user
        if (model in cls._record_rule_models()
                and not cls.may_read(resource, user_id)):
            raise AccessError(gettext('sushi_ticket.msg_chat_no_access'))

    @classmethod
    def subscribe(cls, resource, username=None):
        pool = Pool()
        User = pool.get('res.user')
        model, _ = _parse(resource)
        if username is not None and model in cls._record_rule_models():
            # ORG-11: nobody is made to follow an order they cannot read
            cls.check_access(resource)
            users = User.search([('login', '=', username)], limit=1)
            if not users or not cls.may_read(resource, users[0].id):
                raise AccessError(gettext(
                        'sushi_ticket.msg_chat_no_access'))
        return super().subscribe(resource, username=username)

    @classmethod
    def _search_followers(cls, resource, text):
        "Only users who may read the order are proposed as followers."
        User = Pool().get('res.user')
        followers = super()._search_followers(resource, text)
        model, _ = _parse(resource)
        if model in cls._record_rule_models():
            logins = [key for kind, key in followers if kind == 'user'][:100]
            readers = {u.login for u in User.search([
                        ('login', 'in', logins)])
                if cls.may_read(resource, u.id)}
            followers = {k: v for k, v in followers.items()
                if k[0] == 'user' and k[1] in readers}
        return followers

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
