# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two users acting on the same assignment at once: exactly one succeeds,
the other gets a clear error and nothing is corrupted."""
import threading
import time
import unittest

from trytond import backend
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction, TransactionError

from .tools import (
    MIN_WAIT, DBTestCase, at, create_ticket, setup_network, dispatch_ticket)


def rpc(user, func):
    """Run func in its own transaction as the dispatcher does: retried on
    lock conflicts and serialization failures, committed on success."""
    extras = {}
    for _ in range(20):
        with Transaction().start(DB_NAME, user,
                context={'_check_access': True}, **extras) as transaction:
            try:
                result = func()
                transaction.commit()
                return result
            except TransactionError as e:
                transaction.rollback()
                e.fix(extras)
            except backend.DatabaseOperationalError:
                transaction.rollback()
                time.sleep(0.05)
    raise AssertionError("too many retries")


@unittest.skipIf(backend.name == 'sqlite' and DB_NAME == ':memory:',
    "an in-memory SQLite database has a single connection")
class ConcurrencyTestCase(DBTestCase, unittest.TestCase):
    "Concurrent sign-in and return of one assignment"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0) as transaction:
            ns = setup_network()
            cls.handler_id = ns.handler.id
            cls.leader_id = ns.leader.id
            cls.county_id = ns.county.id
            transaction.commit()

    def setUp(self):
        super().setUp()
        with Transaction().start(DB_NAME, 0) as transaction:
            county = Pool().get('sushi.unit')(self.county_id)
            ticket = create_ticket()
            with at(2025, 3, 3, 9):
                assignment, = dispatch_ticket(ticket, county)
            self.ticket_id, self.assignment_id = ticket.id, assignment.id
            self.number = ticket.number
            transaction.commit()

    def race(self, action):
        """The first user acts and holds its transaction open while the
        second tries the same; return what each one got."""
        results = {}
        first_done = threading.Event()
        second_trying = threading.Event()

        def first():
            def act():
                Assignment = Pool().get('sushi.ticket.assignment')
                action(Assignment, Assignment(self.assignment_id))
                first_done.set()
                # keep the row locked while the second user tries
                second_trying.wait(MIN_WAIT)
                time.sleep(0.5)
            try:
                rpc(self.handler_id, act)
                results['first'] = 'ok'
            except UserError as e:
                results['first'] = e.message

        def second():
            first_done.wait(MIN_WAIT)

            def act():
                second_trying.set()
                Assignment = Pool().get('sushi.ticket.assignment')
                action(Assignment, Assignment(self.assignment_id))
            try:
                rpc(self.leader_id, act)
                results['second'] = 'ok'
            except UserError as e:
                results['second'] = e.message

        threads = [threading.Thread(target=first),
            threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(2 * MIN_WAIT)
        return results

    def test_sign_once(self):
        "SGN: two handlers sign at once; one wins, one is told"
        results = self.race(lambda Assignment, a: Assignment.sign([a]))
        self.assertEqual(results['first'], 'ok')
        self.assertIn(self.number, results['second'])
        with Transaction().start(DB_NAME, 0):
            Event = Pool().get('sushi.ticket.event')
            self.assertEqual(Event.search_count([
                        ('assignment', '=', self.assignment_id),
                        ('action', '=', 'sign')]), 1)

    def test_return_once(self):
        "RET: two staff ask to return the order at once; one request"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Assignment = pool.get('sushi.ticket.assignment')
            assignment = Assignment(self.assignment_id)
            assignment.return_reason = 'not_our_duty'
            assignment.return_reason_text = '非本单位职责'
            assignment.save()
            pool.get('ir.attachment').create([{
                        'resource': str(assignment), 'name': '三定方案.pdf',
                        'type': 'data', 'data': b'%PDF'}])
            transaction.commit()

        def request(Assignment, assignment):
            with at(2025, 3, 3, 10):
                Assignment.request_return([assignment])
        results = self.race(request)
        self.assertEqual(results['first'], 'ok')
        self.assertIn(self.number, results['second'])
        with Transaction().start(DB_NAME, 0):
            Event = Pool().get('sushi.ticket.event')
            self.assertEqual(Event.search_count([
                        ('assignment', '=', self.assignment_id),
                        ('action', '=', 'return_request')]), 1)
