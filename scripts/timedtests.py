#!/usr/bin/env python3
"""`python -m unittest -v NAME ...` that also says where the time went.

Each NAME (a test module) is run as a suite of its own, so its class and
module fixtures (setUpClass, setUpModule: module activation, a demo
server) are set up and torn down inside its own time.  At the end a table
gives the seconds and the number of tests of every module, slowest first,
and the slowest single tests.  scripts/runtests.py runs the tests through
this; the output is otherwise unittest's own (`Ran N tests in`, `OK`,
`FAILED (...)`).

Usage: python scripts/timedtests.py [--top N] NAME ...
"""
import argparse
import json
import os
import sys
import time
import traceback
import unittest


class TimedResult(unittest.TextTestResult):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.durations = []
        self._started = None

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        if self._started is not None:
            self.durations.append(
                (time.monotonic() - self._started, test.id()))
        self._started = None
        super().stopTest(test)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--top', type=int,
        default=int(os.environ.get('SUSHI_TEST_TOP', 10)),
        help="how many of the slowest tests to list")
    parser.add_argument('names', nargs='+',
        help="test modules; `-`: read them from the standard input, one "
        "a line (a group of modules on one line, separated by spaces), "
        "and after each line write a line `%s <seconds>` (how "
        "scripts/runtests.py hands out the modules)" % DONE)
    args = parser.parse_args()

    _cache_module_imports()
    if os.environ.get('DB_CACHE'):
        # activation on the cached sushi_ticket database, one build per
        # set when processes share the cache (scripts/activation.py)
        import activation
        activation.install()
    loader = unittest.TestLoader()
    stream = unittest.runner._WritelnDecorator(sys.stderr)
    result = TimedResult(stream, descriptions=True, verbosity=2)
    unittest.registerResult(result)
    modules = []
    in_tests = {}
    # this process's CPU seconds (the database server's not included):
    # a figure that a loaded machine changes less than the wall time
    cpu_times = {}
    start = time.monotonic()
    result.startTestRun()
    try:
        for name in _names(args.names, stream):
            before = result.testsRun
            first = len(result.durations)
            cpu = time.process_time()
            started = time.monotonic()
            try:
                suite = loader.loadTestsFromName(name)
            except Exception:
                suite = unittest.TestSuite([_failed(name, sys.exc_info())])
            suite.run(result)
            modules.append((time.monotonic() - started, name,
                    result.testsRun - before))
            in_tests[name] = sum(d for d, _ in result.durations[first:])
            cpu_times[name] = time.process_time() - cpu
            stream.flush()
    finally:
        result.stopTestRun()
    taken = time.monotonic() - start
    if os.environ.get('SUSHI_TEST_TIMINGS'):
        # for scripts/runtests.py's table of both backends
        with open(os.environ['SUSHI_TEST_TIMINGS'], 'w',
                encoding='utf-8') as f:
            json.dump([(n, s, c) for s, n, c in modules], f)
    result.printErrors()
    stream.writeln(result.separator2)
    stream.writeln('Seconds per test module (fixtures included), '
        'slowest first:')
    for seconds, name, count in sorted(modules, reverse=True):
        stream.writeln(f'{seconds:8.1f} s {count:4d} tests  {name}'
            f'  (fixtures {max(0, seconds - in_tests[name]):.1f} s, '
            f'CPU {cpu_times[name]:.1f} s)')
    if args.top:
        stream.writeln(f'Slowest {args.top} tests:')
        for seconds, name in sorted(result.durations, reverse=True)[
                :args.top]:
            stream.writeln(f'{seconds:8.1f} s  {name}')
    stream.writeln(result.separator2)
    run = result.testsRun
    stream.writeln(f"Ran {run} test{'s' if run != 1 else ''} in "
        f"{taken:.3f}s")
    stream.writeln()
    infos = []
    for label, items in [('failures', result.failures),
            ('errors', result.errors), ('skipped', result.skipped),
            ('expected failures', result.expectedFailures),
            ('unexpected successes', result.unexpectedSuccesses)]:
        if items:
            infos.append(f'{label}={len(items)}')
    ok = result.wasSuccessful()
    status = 'OK' if ok else 'FAILED'
    stream.writeln(f"{status} ({', '.join(infos)})" if infos else status)
    stream.flush()
    sys.exit(0 if ok else 1)


DONE = '#timedtests-done'


def _cache_module_imports():
    """Remember trytond.tools.import_module's answers in this process.

    It looks a Tryton module up among the entry points of every installed
    distribution at each call (about a millisecond), and trytond resolves
    each class a module registers by name through it: at every pool start
    and, in ModuleTestCase's checks (pool.isregisteredby), once per class
    of the module for every model, tens of thousands of times per test
    class (about 3 s a test; a third of the module tests' time).  The
    answer, an imported module, cannot change within the process."""
    import functools

    from trytond import tools
    from trytond.tools import misc
    cached = functools.cache(misc.import_module)
    misc.import_module = tools.import_module = cached


def _names(names, stream):
    "The names given, those read from stdin in place of `-`."
    for name in names:
        if name != '-':
            yield name
            continue
        for line in sys.stdin:
            started = time.monotonic()
            yield from line.split()
            stream.flush()
            stream.writeln(f'{DONE} {time.monotonic() - started:.1f}')
            stream.flush()


def _failed(name, exc_info):
    "A test that reports why NAME could not be loaded."
    error = ''.join(traceback.format_exception(*exc_info))

    class ModuleImportFailure(unittest.TestCase):
        def runTest(self):
            raise ImportError(f'cannot load {name}:\n{error}')
    ModuleImportFailure.__qualname__ = f'ModuleImportFailure.{name}'
    return ModuleImportFailure()


if __name__ == '__main__':
    main()
