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
