/* 宿事速办 dashboard: read the data route with the web client's session
 * (its cookie: a leader who logged in to the client is not asked again),
 * else log in through JSON-RPC; draw the charts with ECharts, refresh
 * every minute. */
(function () {
    'use strict';
    var body = document.body;
    var database = body.dataset.database;
    var base = body.dataset.base;
    var REFRESH = 60 * 1000;
    var charts = {};
    var timer = null;

    function $(id) { return document.getElementById(id); }
    function b64(text) {
        var bytes = new TextEncoder().encode(text);
        var binary = '';
        bytes.forEach(function (b) { binary += String.fromCharCode(b); });
        return btoa(binary);
    }
    function session() { return sessionStorage.getItem('sushi-dashboard'); }

    function showLogin(message) {
        $('board').hidden = true;
        $('logout').hidden = true;
        $('login').hidden = false;
        $('login-error').hidden = !message;
        $('login-error').textContent = message || '';
        $('login-name').focus();
    }

    $('login').addEventListener('submit', function (event) {
        event.preventDefault();
        var login = $('login-name').value;
        fetch('/' + database + '/rpc/', {
            method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({id: 1, method: 'common.db.login',
                params: [login, {password: $('login-password').value},
                    'zh_CN']})
        }).then(function (r) { return r.json(); }).then(function (data) {
            if (!data.result) {
                showLogin('用户名或密码错误。');
                return;
            }
            sessionStorage.setItem('sushi-dashboard',
                b64(login + ':' + data.result[0] + ':' + data.result[1]));
            load();
        }).catch(function () { showLogin('无法连接服务器。'); });
    });
    $('logout').addEventListener('click', function (event) {
        event.preventDefault();
        sessionStorage.removeItem('sushi-dashboard');
        clearTimeout(timer);
        showLogin();
    });

    function chart(id) {
        if (!charts[id]) {
            charts[id] = echarts.init($(id));
        }
        return charts[id];
    }

    function draw(data) {
        $('kpi-intake').textContent = data.intake_total;
        $('kpi-overdue').textContent = data.overdue;
        $('kpi-red').textContent = data.red_cards;
        $('updated').textContent = '更新于 ' + data.generated_at;
        chart('chart-intake').setOption({
            tooltip: {trigger: 'item'},
            series: [{type: 'pie', radius: ['35%', '65%'],
                data: data.intake_today}]
        });
        var units = data.lights.map(function (l) { return l.unit; });
        chart('chart-lights').setOption({
            tooltip: {trigger: 'axis'}, legend: {},
            grid: {left: 120},
            xAxis: {type: 'value'},
            yAxis: {type: 'category', data: units},
            series: [
                {name: '绿灯', type: 'bar', stack: 'l', color: '#2e7d32',
                    data: data.lights.map(function (l) { return l.green; })},
                {name: '黄灯', type: 'bar', stack: 'l', color: '#f9a825',
                    data: data.lights.map(function (l) { return l.yellow; })},
                {name: '红灯', type: 'bar', stack: 'l', color: '#c62828',
                    data: data.lights.map(function (l) { return l.red; })}
            ]
        });
        chart('chart-satisfaction').setOption({
            tooltip: {}, xAxis: {type: 'category',
                data: data.satisfaction.map(function (s) { return s.group; })},
            yAxis: {type: 'value', max: 100},
            series: [{type: 'bar', color: '#1f5fbf',
                data: data.satisfaction.map(function (s) { return s.rate; })}]
        });
        chart('chart-ranking').setOption({
            tooltip: {}, grid: {left: 120},
            xAxis: {type: 'value', max: 100},
            yAxis: {type: 'category', inverse: true,
                data: data.ranking.map(function (r) { return r.unit; })},
            series: [{type: 'bar', color: '#b3121f',
                data: data.ranking.map(function (r) { return r.rate; })}]
        });
        chart('chart-words').setOption({
            tooltip: {},
            series: [{type: 'treemap', roam: false, nodeClick: false,
                breadcrumb: {show: false}, data: data.hot_words}]
        });
        chart('chart-regions').setOption({
            tooltip: {},
            visualMap: {min: 0, max: Math.max.apply(null,
                data.regions.map(function (r) { return r.value; })
                    .concat([1])), show: false,
                inRange: {color: ['#fde0dc', '#b3121f']}},
            series: [{type: 'treemap', roam: false, nodeClick: false,
                breadcrumb: {show: false}, data: data.regions}]
        });
    }

    function load() {
        clearTimeout(timer);
        var token = session();
        var headers = {'X-Requested-With': 'XMLHttpRequest'};
        if (token) {
            headers.Authorization = 'Session ' + token;
        }
        // same-origin: the client's session cookie (HttpOnly, path of the
        // database) goes along; nothing of it is readable here
        fetch(base + '/dashboard/data', {headers: headers,
            credentials: 'same-origin'
        }).then(function (r) {
            if (r.status === 401) {
                sessionStorage.removeItem('sushi-dashboard');
                showLogin(token ? '登录已过期，请重新登录。' : '');
                return null;
            }
            if (r.status === 403) {
                $('login').hidden = true;
                $('forbidden').hidden = false;
                return null;
            }
            return r.json();
        }).then(function (data) {
            if (!data) { return; }
            $('login').hidden = true;
            $('board').hidden = false;
            // the client's own session is ended in the client
            $('logout').hidden = !token;
            draw(data);
            timer = setTimeout(load, REFRESH);
        }).catch(function () { timer = setTimeout(load, REFRESH); });
    }

    window.addEventListener('resize', function () {
        Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
    load();
}());
