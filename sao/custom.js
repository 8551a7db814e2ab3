/* 宿事速办: the web client speaks Chinese from the login page on, whatever
 * language the browser announces; a user's own preference still wins once
 * logged in. Copied into sao's root by scripts/install_sao.sh. */
(function() {
    'use strict';
    Sao.config.title = '宿事速办';
    var setlang = Sao.i18n.setlang;
    Sao.i18n.setlang = function(lang) {
        return setlang.call(this, lang || 'zh_CN');
    };
    // sao reports its locale as zh-CN; trytond knows the language as zh_CN
    // and would answer a login in English otherwise.
    var getlang = Sao.i18n.getlang;
    Sao.i18n.getlang = function() {
        return getlang.call(this).replace('-', '_');
    };
}());

/* sao 8.0.11 reads `this.group.parent` when a check box of an editable
 * list is clicked, but a column has no group: ticking 采用 in the knowledge
 * search raised "Cannot read properties of undefined (reading 'parent')".
 * The same function, reading the record's group. */
(function() {
    'use strict';
    Sao.View.Tree.BooleanColumn.prototype.clicked = function(evt) {
        var record = evt.data.record;
        var cell = evt.data.cell;
        var current_record = this.tree.screen.current_record;
        var fields = this.tree.get_fields();
        if (!current_record || current_record.validate(
            fields, false, false)) {
            var value = cell.prop('checked');
            this.field.set_client(record, value);
            if (!record.group.parent && (record !== current_record)) {
                // we can not rely on editable tree handler to save the row
                record.save();
            }
        } else {
            evt.preventDefault();
        }
    };
}());

/* A URL action of the server's own pages (the leaders' dashboard, the
 * city leader's home) opens in a tab of the client, not in a new window:
 * sao's window.open at login is not a click, browsers block it, and the
 * page in the tab reads the data with the client's own session cookie.
 * Other URLs open as sao does. */
(function() {
    'use strict';
    Sao.Tab.Page = Sao.class_(Sao.Tab, {
        class_: 'tab-page',
        init: function(attributes) {
            Sao.Tab.Page._super.init.call(this, attributes);
            this.create_tabcontent();
            this.set_name(attributes.name);
            this.main.css({'padding': 0});
            this.content.append(jQuery('<iframe/>', {
                'src': attributes.url,
                'title': attributes.name,
                'referrerpolicy': 'same-origin',
            }).css({'border': 0, 'width': '100%',
                'height': 'calc(100vh - 110px)', 'display': 'block'}));
        },
        create_toolbar: function() {
            return jQuery('<span/>');
        },
        compare: function(attributes) {
            return Boolean(attributes && attributes.url === this.attributes.url);
        },
    });
    var exec_action = Sao.Action.exec_action;
    Sao.Action.exec_action = function(action, data, context) {
        var url = action && action.type == 'ir.action.url' ? action.url : '';
        if (url && url[0] == '/' && url[1] != '/') {
            var attributes = {'url': url, 'name': action.name};
            for (const tab of Sao.Tab.tabs) {
                if (tab.compare(attributes)) {
                    tab.show();
                    return jQuery.when();
                }
            }
            Sao.Tab.add(new Sao.Tab.Page(attributes));
            return jQuery.when();
        }
        return exec_action.apply(this, arguments);
    };
}());
