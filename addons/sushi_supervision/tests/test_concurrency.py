# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two supervisors confirming the same candidate at once: one case, and
the second is told (SUP-14)."""
import threading
import time
import unittest

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.sushi_ticket.tests.test_concurrency import rpc
from trytond.modules.sushi_ticket.tests.tools import (
    MIN_WAIT, DBTestCase, at, create_ticket, dispatch_ticket, local,
    setup_network)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

# Generous: the other thread waits on a database shared with other test
# runs on a loaded machine; a passing run never waits this long.
WAIT = MIN_WAIT


@unittest.skipIf(backend.name == 'sqlite' and DB_NAME == ':memory:',
    "an in-memory SQLite database has a single connection")
class ConcurrencyTestCase(DBTestCase, unittest.TestCase):
    "Concurrent confirmation of a supervision candidate"
    module = 'sushi_supervision'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            Candidate = pool.get('sushi.supervision.candidate')
            ns = setup_network()
            other, = User.create([{'login': 'supervisor2',
                        'name': 'supervisor2', 'groups': [('add', [
                                    ModelData.get_id('sushi_ticket',
                                        'group_sushi_supervisor')])]}])
            cls.users = (ns.supervisor.id, other.id)
            ticket = create_ticket()
            with at(2025, 3, 3, 9):
                dispatch_ticket(ticket, ns.county, basis='属地管理')
            pool.get('sushi.ticket.assignment').sweep(
                now=local(2025, 3, 13, 9))
            Candidate.propose(now=local(2025, 3, 13, 9))
            candidate, = Candidate.search([('ticket', '=', ticket.id)])
            cls.candidate_id = candidate.id
            transaction.commit()

    def test_confirm_once(self):
        "SUP-14: two supervisors confirm one candidate: one case"
        results = {}
        first_done = threading.Event()
        second_trying = threading.Event()

        def confirm(name, before=None, after=None):
            def act():
                Candidate = Pool().get('sushi.supervision.candidate')
                if before:
                    before()
                Candidate.confirm([Candidate(self.candidate_id)])
                if after:
                    after()
            try:
                rpc(self.users[name == 'second'], act)
                results[name] = 'ok'
            except UserError as e:
                results[name] = e.message

        def hold():
            first_done.set()
            second_trying.wait(WAIT)
            time.sleep(0.5)

        def second():
            first_done.wait(WAIT)
            confirm('second', before=second_trying.set)
        threads = [threading.Thread(target=confirm, args=('first',),
                kwargs={'after': hold}),
            threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(2 * WAIT)
        self.assertEqual(results['first'], 'ok')
        self.assertNotEqual(results['second'], 'ok')
        with Transaction().start(DB_NAME, 0):
            Supervision = Pool().get('sushi.supervision')
            self.assertEqual(Supervision.search_count([
                        ('candidate', '=', self.candidate_id)]), 1)
