/* polydoc default theme: light/dark toggle.
 *
 * Loaded (blocking, it is tiny) in <head> after the stylesheets so the saved
 * choice is applied before the first paint. Without JavaScript the toggle
 * stays hidden and prefers-color-scheme alone decides.
 *
 * Choice "dark" / "light" is stored in localStorage and mirrored as
 * data-theme on <html>; no stored choice means "follow the system".
 * The syntax stylesheets are switched by flipping the media attribute of
 * #pd-syntax-light / #pd-syntax-dark; exactly one applies at a time.
 */
(function () {
  "use strict";

  var KEY = "polydoc-theme";
  var SYSTEM_DARK = "(prefers-color-scheme: dark)";
  var SYSTEM_LIGHT = "not all and (prefers-color-scheme: dark)";
  var root = document.documentElement;
  /* Scripts run: narrow screens get drawers instead of stacked navigation. */
  root.classList.add("pd-js");
  var mql = window.matchMedia ? window.matchMedia(SYSTEM_DARK) : null;

  function valid(v) {
    return v === "dark" || v === "light" ? v : null;
  }

  function load() {
    try {
      return valid(window.localStorage.getItem(KEY));
    } catch (e) {
      return null;
    }
  }

  function save(v) {
    try {
      window.localStorage.setItem(KEY, v);
    } catch (e) {
      /* storage disabled: the choice lasts for this page only */
    }
  }

  function effective(choice) {
    if (choice) {
      return choice;
    }
    return mql && mql.matches ? "dark" : "light";
  }

  function apply(choice) {
    if (choice) {
      root.setAttribute("data-theme", choice);
    } else {
      root.removeAttribute("data-theme");
    }

    var light = document.getElementById("pd-syntax-light");
    var dark = document.getElementById("pd-syntax-dark");
    /* Exactly one of the two applies: both at once mix their colours
       (rules only the light sheet has win over the dark one). */
    if (light) {
      light.media = choice === "dark" ? "not all" : choice === "light" ? "all" : SYSTEM_LIGHT;
    }
    if (dark) {
      dark.media = choice === "dark" ? "all" : choice === "light" ? "not all" : SYSTEM_DARK;
    }

    var button = document.getElementById("pd-theme-toggle");
    if (button) {
      button.setAttribute("aria-pressed", effective(choice) === "dark" ? "true" : "false");
    }
  }

  var current = load();
  apply(current);

  function onSystemChange() {
    if (!current) {
      apply(null);
    }
  }

  if (mql) {
    if (mql.addEventListener) {
      mql.addEventListener("change", onSystemChange);
    } else if (mql.addListener) {
      mql.addListener(onSystemChange);
    }
  }

  /* keep other open tabs in step */
  window.addEventListener("storage", function (e) {
    if (e.key === KEY) {
      current = valid(e.newValue);
      apply(current);
    }
  });

  function closeLanguageMenus(except) {
    var open = document.querySelectorAll(".lang-switcher details[open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) {
        open[i].removeAttribute("open");
      }
    }
  }

  function init() {
    var button = document.getElementById("pd-theme-toggle");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        current = effective(current) === "dark" ? "light" : "dark";
        save(current);
        apply(current);
      });
    }
    apply(current);

    /* language menu: close on outside click and on Escape */
    document.addEventListener("click", function (e) {
      var inside = e.target && e.target.closest ? e.target.closest(".lang-switcher details") : null;
      closeLanguageMenus(inside);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" && e.key !== "Esc") {
        return;
      }
      var details = document.activeElement && document.activeElement.closest
        ? document.activeElement.closest(".lang-switcher details[open]")
        : null;
      closeLanguageMenus(null);
      if (details) {
        var summary = details.querySelector("summary");
        if (summary) {
          summary.focus();
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
