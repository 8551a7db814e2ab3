# This file is part of 宿事速办.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of the public face: an Open311 key for the 皖事通 app, printed
once, so that the API can be tried at once:

    curl -d api_key=<key> -d service_code=<code> \\
        -d 'attribute[request_type]=help' -d address_string=埇桥区汴河路 \\
        -d phone=13905570000 -d description=路灯不亮 \\
        http://localhost:8000/sushi/open311/v2/requests.json
"""


def load():
    from proteus import Model, Wizard
    # the demonstration server declares its Open311 endpoint as a test
    # one (Service_Discovery.md): validators and channels try it freely
    Configuration = Model.get('sushi.portal.configuration')
    configuration = Configuration(1)
    configuration.open311_endpoint_type = 'test'
    configuration.save()
    Channel = Model.get('sushi.channel')
    channel, = Channel.find([('code', '=', 'wanshitong_app')])
    wizard = Wizard('sushi.portal.api_key.issue')
    wizard.form.channel = channel
    wizard.execute('issue')
    print('Open311 API key of 皖事通APP (demo):', wizard.form.secret)
