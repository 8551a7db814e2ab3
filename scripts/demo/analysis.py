# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of the analysis module: a burst of 停水 calls about one estate
(多人一投), a repeat caller (一人多投), earlier weeks for the hot-word
baseline, then one clustering run and yesterday's daily report."""
import datetime as dt

from proteus import Model

BURST = ['汴河花园5栋停水了，到现在还没来水', '汴河花园小区五号楼从昨晚开始没水，做饭都成问题',
    '汴河路汴河花园5号楼断水一天了，也没有停水通知', '汴河花园五栋自来水停了，老人孩子吃水困难',
    '汴河花园停水一整天了，物业说不清楚原因']
REPEAT = '滨河人家楼下烧烤店油烟太大，呛得窗户都不敢开'
BACKGROUND = ['淮海路路灯不亮，晚上走路很危险', '银河小区门口垃圾没人清运，臭味很大',
    '人民路路面坑洼不平，电动车容易摔倒', '凤凰城小区电梯坏了好几天没人修',
    '胜利路占道经营，行人只能走机动车道']


def load():
    "Create the demo requests, cluster them and make yesterday's report."
    from proteus import config as pconfig
    cfg = pconfig.get_config()
    cfg.user = 1
    cfg._context = Model.get('res.user').get_preferences(True, {})
    Ticket = Model.get('sushi.ticket')
    Unit = Model.get('sushi.unit')
    Cluster = Model.get('sushi.analysis.cluster')
    Report = Model.get('sushi.analysis.report')
    if Cluster.find([]):
        return
    county, = Unit.find([('code', '=', 'yongqiao_district')])
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    yesterday = now - dt.timedelta(days=1)
    records = []
    for week in range(1, 5):
        for i, text in enumerate(BACKGROUND):
            records.append(Ticket(request_type='complaint', title=text[:16],
                    description=text, region=county,
                    requester_phone='1395557%04d' % (week * 10 + i),
                    received_at=now - dt.timedelta(days=7 * week, hours=i)))
    for i, text in enumerate(BURST):
        records.append(Ticket(request_type='complaint', title=text[:16],
                description=text, region=county,
                requester_phone='1385557%04d' % i,
                received_at=yesterday.replace(hour=1 + i)))
    for day in (20, 9, 1):
        records.append(Ticket(request_type='complaint', title=REPEAT[:16],
                description=REPEAT, region=county,
                requester_phone='13855579999',
                received_at=now - dt.timedelta(days=day)))
    Ticket.save(records)
    Ticket.click(records, 'accept')
    Cluster.update_clusters({})
    start = (now + dt.timedelta(hours=8) - dt.timedelta(days=1)).date()
    Report.generate('daily', start, start, {})
