# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reply rules named in no other test: RPL-01 (to the requester and the
platform, the unit answering for the content), RPL-05 (site photos and
videos as attachments) and RPL-06 (a matter that cannot be solved now).
The order is a complaint dispatched to 埇桥区 on Monday 3 March 2025 at
9:00 and signed at 10:00."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import ReplyError
from . import test_ticket
from .guard_tools import as_user
from .test_ticket import write_reply
from .tools import DBTestCase, at, local, run_queue, setup_network

PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00'
    b'\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc'
    b'\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`'
    b'\x82')


class RulesReplyTestCase(DBTestCase, unittest.TestCase):
    "RPL-01, RPL-05, RPL-06"

    dispatch = test_ticket.TicketTestCase.dispatch
    signed = test_ticket.TicketTestCase.signed

    def submit(self, ns, reply):
        Reply = Pool().get('sushi.ticket.reply')
        with at(2025, 3, 5, 15), Transaction().set_user(ns.handler.id):
            Reply.request_sign_off([reply])
        with at(2025, 3, 5, 16), Transaction().set_user(ns.leader.id):
            Reply.sign_off([reply])

    @with_transaction()
    def test_rpl01_reply_to_requester_and_platform(self):
        """RPL-01: without a record of the contact with the requester (how
        and when) the reply does not leave the unit; signed off, it is
        submitted to the platform (the order 'replied', awaiting review);
        accepted, the requester is told by SMS that the order was answered
        and asked to rate it; the handler's name and phone and the leader
        who signed off stay on the reply (the unit answers for it)"""
        pool = Pool()
        Reply = pool.get('sushi.ticket.reply')
        SMS = pool.get('sushi.sms')
        ns = setup_network()
        ticket, assignment = self.signed(ns)
        with at(2025, 3, 5, 15), Transaction().set_user(ns.handler.id):
            reply = write_reply(assignment, contacted_at=None,
                contact_method=None)
            with self.assertRaises(ReplyError) as cm:
                Reply.request_sign_off([reply])
        for label in ['Requester Contacted at', 'Contact Method']:
            self.assertIn(label, cm.exception.message)
        reply.contacted_at = local(2025, 3, 5, 10)
        reply.contact_method = 'phone'
        reply.save()
        self.submit(ns, reply)
        self.assertEqual((reply.state, ticket.state),
            ('submitted', 'replied'))
        with at(2025, 3, 6, 9), Transaction().set_user(ns.reviewer.id):
            Reply.accept([reply])
        run_queue()
        sms, = SMS.search([('ticket', '=', ticket.id),
                ('kind', '=', 'rating')])
        self.assertEqual(sms.phone, ticket.requester_phone)
        self.assertIn(ticket.number, sms.text)
        self.assertEqual((reply.handler_name, reply.handler_phone,
                reply.signed_off_by, reply.signed_off_role),
            ('李工', '0557-3021234', ns.leader, 'deputy_in_charge'))

    @with_transaction()
    def test_rpl05_site_photos_attached(self):
        """RPL-05: the unit's handler uploads a site photo and a video with
        the reply; the platform's reviewer reads them; another county's
        staff do not; a reply without any attachment is still accepted
        (not scored)"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Reply = pool.get('sushi.ticket.reply')
        ns = setup_network()
        _, assignment = self.signed(ns)
        with at(2025, 3, 5, 14), as_user(ns.handler):
            reply = write_reply(assignment)
            photo, video = Attachment.create([{
                        'resource': str(reply), 'name': '现场照片.png',
                        'type': 'data', 'data': PNG}, {
                        'resource': str(reply), 'name': '现场视频.mp4',
                        'type': 'data', 'data': b'\x00\x00\x00\x18ftypmp42'}])
        self.submit(ns, reply)
        with as_user(ns.reviewer):
            self.assertEqual(sorted(a.name for a in Attachment.search([
                                ('resource', '=', str(reply))])),
                ['现场照片.png', '现场视频.mp4'])
            self.assertEqual(Attachment(photo.id).data, PNG)
        with as_user(ns.other_handler):
            with self.assertRaises(AccessError):
                Attachment.read([photo.id], ['data'])
        # a reply without photos
        ticket2, assignment2 = self.signed(ns)
        with at(2025, 3, 5, 14), Transaction().set_user(ns.handler.id):
            bare = write_reply(assignment2)
        self.submit(ns, bare)
        with at(2025, 3, 6, 9), Transaction().set_user(ns.reviewer.id):
            Reply.accept([bare])
        self.assertEqual(bare.state, 'accepted')

    @with_transaction()
    def test_rpl06_cannot_be_solved_now_explained(self):
        """RPL-06: a matter that cannot be solved now is closed with the
        result 'cannot be solved now, explained' only with the explanation
        given to the requester (and the contact with them, RPL-02 h);
        then it is submitted and accepted like any reply"""
        Reply = Pool().get('sushi.ticket.reply')
        ns = setup_network()
        ticket, assignment = self.signed(ns)
        with at(2025, 3, 5, 14), Transaction().set_user(ns.handler.id):
            reply = write_reply(assignment,
                result='explained_not_resolvable_now',
                content='该路段排水管网改造已列入2026年城建计划,目前无法'
                '彻底解决,已临时设置排水泵。')
            with self.assertRaises(ReplyError) as cm:
                Reply.request_sign_off([reply])
        self.assertIn('Explanation to the Requester', cm.exception.message)
        self.assertEqual(reply.state, 'draft')
        reply.explanation = ('已电话向诉求人说明改造计划和临时措施,'
            '诉求人表示理解。')
        reply.save()
        self.submit(ns, reply)
        with at(2025, 3, 6, 9), Transaction().set_user(ns.reviewer.id):
            Reply.accept([reply])
        self.assertEqual((reply.state, reply.result),
            ('accepted', 'explained_not_resolvable_now'))
        self.assertEqual(ticket.state, 'reviewed')
