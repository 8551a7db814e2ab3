# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of the analysis (研判): the reports the hourly cron would have made
over the generated history (scripts/demo/history.py, which also planted
the clusters): the monthly reports of the past months, the weekly reports
of the last weeks, the daily reports of the last days and a special
report of the blocking issues (堵点).  They are made as root, as the cron
makes them, and not e-mailed.  The oldest blocking matter is then
proposed as a consultation topic (CON-05 a) and the largest other active
one for supervision (SUP-02 3), through the cluster's buttons."""
import datetime as dt

from history import first_day, local_now, run, to_local

MONTHS = 5
WEEKS = 4
DAYS = 3


def load():
    from proteus import config as pconfig
    run(pconfig.get_config().database_name, generate)


def generate():
    from trytond.pool import Pool
    Report = Pool().get('sushi.analysis.report')
    if Report.search([], limit=1):
        return
    today = to_local(local_now()).date()
    periods = []
    for months in range(MONTHS, 0, -1):
        start = first_day(months, today)
        periods.append(('monthly', start,
                first_day(months - 1, today) - dt.timedelta(days=1)))
    monday = today - dt.timedelta(days=today.weekday())
    for weeks in range(WEEKS, 0, -1):
        start = monday - dt.timedelta(days=7 * weeks)
        periods.append(('weekly', start, start + dt.timedelta(days=6)))
    for days in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=days)
        periods.append(('daily', day, day))
    periods.append(('special', today - dt.timedelta(days=30),
            today - dt.timedelta(days=1)))
    for kind, start, end in periods:
        Report.generate(kind, start, end)
    Cluster = Pool().get('sushi.analysis.cluster')
    blocking = Cluster.blocking_clusters()
    if blocking:
        Cluster.propose_topic(blocking[:1])
    others = [c for c in Cluster.active_clusters() if not c.proposed_as]
    if others:
        Cluster.propose_supervision(others[:1])
