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
}());
