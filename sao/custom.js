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
