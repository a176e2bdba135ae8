/*
 * The page's words: the catalogue of the chosen language from /i18n/{lang}.json (the API's own
 * catalogues, locales/*.json) through i18next. The language is the one chosen before (kept in
 * localStorage), else the first of the browser's languages we have, else English. Elements name
 * their words with data-i18n (text), data-i18n-title, data-i18n-placeholder, data-i18n-aria-label
 * and data-i18n-values (JSON interpolation values).
 */
(function () {
  'use strict';
  var LANGUAGES = ['en', 'ru', 'kk'];
  var LOCALES = { en: 'en-GB', ru: 'ru-RU', kk: 'kk-KZ' };
  var loaded = {};

  function supported(tag) {
    var code = String(tag || '')
      .toLowerCase()
      .split(/[-_]/)[0];
    if (code === 'kz') code = 'kk';
    return LANGUAGES.indexOf(code) >= 0 ? code : null;
  }

  function initialLanguage() {
    var chosen = null;
    try {
      chosen = supported(window.localStorage.getItem('hotspots.lang'));
    } catch (e) {
      /* storage may be off */
    }
    if (chosen) return chosen;
    var tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < tags.length; i++) if (supported(tags[i])) return supported(tags[i]);
    return 'en';
  }

  function load(lang) {
    if (loaded[lang]) return Promise.resolve();
    return fetch('/i18n/' + lang + '.json')
      .then(function (res) {
        return res.json();
      })
      .then(function (catalogue) {
        i18next.addResourceBundle(lang, 'translation', catalogue, true, true);
        loaded[lang] = true;
      });
  }

  function apply(root) {
    var t = i18next.t.bind(i18next);
    root.querySelectorAll('[data-i18n]').forEach(function (el) {
      var values = el.getAttribute('data-i18n-values');
      el.textContent = t(el.getAttribute('data-i18n'), values ? JSON.parse(values) : undefined);
    });
    [
      ['data-i18n-title', 'title'],
      ['data-i18n-placeholder', 'placeholder'],
      ['data-i18n-aria-label', 'aria-label'],
    ].forEach(function (pair) {
      root.querySelectorAll('[' + pair[0] + ']').forEach(function (el) {
        el.setAttribute(pair[1], t(el.getAttribute(pair[0])));
      });
    });
    document.documentElement.lang = i18next.language;
    document.title = t('page.title');
  }

  window.pageI18n = {
    languages: LANGUAGES,
    /** Loads and applies a language; resolves when the page speaks it. */
    use: function (lang) {
      lang = supported(lang) || 'en';
      return Promise.all([load('en'), load(lang)]).then(function () {
        return i18next.changeLanguage(lang).then(function () {
          try {
            window.localStorage.setItem('hotspots.lang', lang);
          } catch (e) {
            /* storage may be off */
          }
          apply(document);
        });
      });
    },
    start: function () {
      return i18next.init({ lng: 'en', fallbackLng: 'en', resources: {}, interpolation: { escapeValue: false } }).then(function () {
        return window.pageI18n.use(initialLanguage());
      });
    },
    t: function (key, values) {
      return i18next.t(key, values);
    },
    locale: function () {
      return LOCALES[i18next.language] || 'en-GB';
    },
    language: function () {
      return i18next.language;
    },
  };
})();
