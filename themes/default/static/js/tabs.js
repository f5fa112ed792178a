/* polydoc default theme: DocFX tab groups, zone pivots (see initPivots)
 * and monikers (see initMonikers).
 *
 * Without JavaScript every tab panel is shown under its label (the tab
 * list stays hidden). With it, each .tabGroup becomes a set of tabs:
 * choosing a tab selects the tab with the same ID in every group of the
 * page (linked groups), and the choice is remembered (localStorage
 * "polydoc-tabs", most recent first) for the next page. Panels with a
 * data-condition show only while that tab ID is chosen elsewhere
 * (DocFX's "#tab/id/condition"). A combined tab ("#tab/a+b") is chosen
 * when the reader picks a or b in another group. A link to a panel's anchor
 * (#tabpanel_<group>_<id>, as on Learn) opens that tab.
 */
(function () {
  "use strict";

  var KEY = "polydoc-tabs";

  function loadChoices() {
    try {
      var v = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [];
    }
  }

  function saveChoices(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list.slice(0, 20)));
    } catch (e) {
      /* storage disabled: the choice lasts for this page only */
    }
  }

  var choices = loadChoices();

  /* The tab of `ids` that choosing `id` selects: the same ID, or a
   * combined one ("a+b") sharing a part with it. */
  function matchId(ids, id) {
    if (ids.indexOf(id) >= 0) {
      return id;
    }
    var parts = id.split("+");
    for (var i = 0; i < ids.length; i++) {
      if (ids[i].split("+").some(function (p) { return parts.indexOf(p) >= 0; })) {
        return ids[i];
      }
    }
    return null;
  }

  function chosenIn(ids) {
    for (var i = 0; i < choices.length; i++) {
      var m = matchId(ids, choices[i]);
      if (m) {
        return m;
      }
    }
    return ids[0];
  }

  function groups() {
    return Array.prototype.slice.call(document.querySelectorAll(".tabGroup"));
  }

  function tabsOf(group) {
    var list = group.querySelector(":scope > .tab-list");
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=tab]")) : [];
  }

  function panelsOf(group) {
    return Array.prototype.slice.call(group.querySelectorAll(":scope > .tab-panel"));
  }

  function conditionMet(cond) {
    return !cond || choices.indexOf(cond) >= 0 || groups().some(function (g) {
      return g.getAttribute("data-selected") === cond;
    });
  }

  function show(group, id) {
    group.setAttribute("data-selected", id);
    var panels = panelsOf(group);
    var shown = null;
    panels.forEach(function (p) {
      var match = p.getAttribute("data-tab") === id && conditionMet(p.getAttribute("data-condition"));
      if (match && !shown) {
        shown = p;
      }
    });
    if (!shown) {
      shown = panels.filter(function (p) { return p.getAttribute("data-tab") === id; })[0] || panels[0];
    }
    panels.forEach(function (p) {
      p.hidden = p !== shown;
    });
    var seen = {};
    tabsOf(group).forEach(function (t) {
      var tid = t.getAttribute("data-tab");
      var on = tid === id && !seen[tid];
      /* one button per tab ID: conditional variants share a label */
      t.hidden = !!seen[tid];
      seen[tid] = true;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      if (on && shown) {
        t.setAttribute("aria-controls", shown.id);
      }
    });
  }

  function select(id, focusTab) {
    choices = [id].concat(choices.filter(function (c) { return c !== id; }));
    saveChoices(choices);
    groups().forEach(function (g) {
      var ids = (g.getAttribute("data-tab-ids") || "").split(" ");
      var m = matchId(ids, id);
      if (m) {
        show(g, m);
      } else {
        show(g, g.getAttribute("data-selected") || ids[0]);
      }
    });
    if (focusTab) {
      focusTab.focus();
    }
  }

  /* Zone pivots: the selector shows the chosen pivot's zones (?pivots=id
   * in the URL, else the last choice for the group, else the first). */
  function initPivots() {
    var box = document.querySelector(".pivot-selector");
    var select = box ? box.querySelector("select") : null;
    if (!select) {
      return;
    }
    var key = "polydoc-pivot-" + box.getAttribute("data-pivot-group");
    var ids = Array.prototype.map.call(select.options, function (o) { return o.value; });
    var fromUrl = new URLSearchParams(window.location.search).get("pivots");
    var stored = null;
    try {
      stored = window.localStorage.getItem(key);
    } catch (e) {
      stored = null;
    }
    var choice = [fromUrl, stored, ids[0]].filter(function (v) { return v && ids.indexOf(v) >= 0; })[0];
    function apply(id) {
      select.value = id;
      Array.prototype.forEach.call(document.querySelectorAll(".zone.has-pivot"), function (z) {
        // A zone for the chromeless view only stays hidden whatever the pivot.
        z.hidden = (z.getAttribute("data-pivot") || "").split(" ").indexOf(id) < 0 ||
          z.getAttribute("data-target") === "chromeless";
      });
    }
    box.hidden = false;
    apply(choice);
    select.addEventListener("change", function () {
      apply(select.value);
      try {
        window.localStorage.setItem(key, select.value);
      } catch (e) {
        /* storage disabled */
      }
      if (window.history && window.history.replaceState) {
        var u = new URL(window.location.href);
        u.searchParams.set("pivots", select.value);
        window.history.replaceState(null, "", u.toString());
      }
    });
  }

  /* Monikers: the version selector shows the blocks for one version
   * (?view=id in the URL, as on Learn, else the last choice, else the
   * newest); each block lists the versions it is for (data-monikers). */
  function initMonikers() {
    var box = document.querySelector(".moniker-selector");
    var select = box ? box.querySelector("select") : null;
    if (!select) {
      return;
    }
    var key = "polydoc-moniker";
    var ids = Array.prototype.map.call(select.options, function (o) { return o.value; });
    var fromUrl = new URLSearchParams(window.location.search).get("view");
    var stored = null;
    try {
      stored = window.localStorage.getItem(key);
    } catch (e) {
      stored = null;
    }
    var newest = ids.filter(function (v) { return v.indexOf("gt-") !== 0; }).pop();
    var choice = [fromUrl, stored, newest].filter(function (v) { return v && ids.indexOf(v) >= 0; })[0];
    function apply(id) {
      select.value = id;
      Array.prototype.forEach.call(document.querySelectorAll(".moniker[data-monikers]"), function (m) {
        m.hidden = m.getAttribute("data-monikers").split(" ").indexOf(id) < 0;
      });
    }
    box.hidden = false;
    apply(choice);
    select.addEventListener("change", function () {
      apply(select.value);
      try {
        window.localStorage.setItem(key, select.value);
      } catch (e) {
        /* storage disabled */
      }
      if (window.history && window.history.replaceState) {
        var u = new URL(window.location.href);
        u.searchParams.set("view", select.value);
        window.history.replaceState(null, "", u.toString());
      }
    });
  }

  function init() {
    initPivots();
    initMonikers();
    groups().forEach(function (g) {
      var list = g.querySelector(":scope > .tab-list");
      if (!list) {
        return;
      }
      list.hidden = false;
      g.classList.add("js-tabs");
      var ids = (g.getAttribute("data-tab-ids") || "").split(" ");
      show(g, chosenIn(ids));
      list.addEventListener("click", function (e) {
        var t = e.target.closest ? e.target.closest("[role=tab]") : null;
        if (t) {
          select(t.getAttribute("data-tab"), null);
        }
      });
      list.addEventListener("keydown", function (e) {
        var tabs = tabsOf(g).filter(function (t) { return !t.hidden; });
        var i = tabs.indexOf(document.activeElement);
        if (i < 0) {
          return;
        }
        var next = null;
        if (e.key === "ArrowRight") {
          next = tabs[(i + 1) % tabs.length];
        } else if (e.key === "ArrowLeft") {
          next = tabs[(i - 1 + tabs.length) % tabs.length];
        } else if (e.key === "Home") {
          next = tabs[0];
        } else if (e.key === "End") {
          next = tabs[tabs.length - 1];
        }
        if (next) {
          e.preventDefault();
          select(next.getAttribute("data-tab"), next);
        }
      });
    });
  }

  /* #tabpanel_<group>_<id>: show that panel's tab, then the panel. */
  function openFromHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var panel = id ? document.getElementById(id) : null;
    if (!panel || !panel.classList.contains("tab-panel")) {
      return;
    }
    select(panel.getAttribute("data-tab"), null);
    panel.scrollIntoView();
  }

  function initAll() {
    init();
    openFromHash();
    window.addEventListener("hashchange", openFromHash);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
