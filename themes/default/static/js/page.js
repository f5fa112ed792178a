/* polydoc default theme: the reader's page.
 *
 * - Code blocks get a header with the language's name and a copy button (a
 *   real <button>: focusable, Enter and Space work). Copying uses the
 *   Clipboard API where the page may use it and falls back to a selected
 *   text area and execCommand("copy"), so it also works from file://.
 * - Below 1024 px the sidebar (#pd-nav) and "In this article" (#pd-toc)
 *   open as drawers from the buttons in .page-tools (Tab stays inside an
 *   open one); Escape, the close
 *   button or a click outside closes them and focus returns to the button.
 *
 * Words come from this script tag's data-* attributes (the page's locale).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var words = (script && script.dataset) || {};
  var NARROW = window.matchMedia ? window.matchMedia("(max-width: 63.999rem)") : null;

  var LANGS = {
    azurecli: "Azure CLI", azurepowershell: "Azure PowerShell", bash: "Bash", sh: "Shell",
    shell: "Shell", console: "Console", cmd: "Windows Command Prompt", dos: "Windows Command Prompt",
    powershell: "PowerShell", pwsh: "PowerShell", ps: "PowerShell", csharp: "C#", cs: "C#",
    fsharp: "F#", vb: "Visual Basic", vbnet: "Visual Basic", c: "C", cpp: "C++", java: "Java",
    javascript: "JavaScript", js: "JavaScript", typescript: "TypeScript", ts: "TypeScript",
    json: "JSON", jsonc: "JSON", yaml: "YAML", yml: "YAML", xml: "XML", html: "HTML", css: "CSS",
    python: "Python", py: "Python", go: "Go", rust: "Rust", ruby: "Ruby", php: "PHP", sql: "SQL",
    kusto: "Kusto", kql: "Kusto", http: "HTTP", ini: "INI", toml: "TOML", markdown: "Markdown",
    md: "Markdown", dockerfile: "Dockerfile", bicep: "Bicep", terraform: "Terraform", hcl: "HCL",
    swift: "Swift", kotlin: "Kotlin", scala: "Scala", r: "R", output: "Output", text: "Text",
    plaintext: "Text", txt: "Text"
  };

  function language(pre) {
    var lang = pre.getAttribute("data-lang");
    var code = pre.querySelector("code");
    if (!lang && code) {
      var m = /(?:^|\s)(?:lang|language)-([^\s]+)/.exec(code.className);
      lang = m ? m[1] : "";
    }
    lang = (lang || "").toLowerCase();
    if (!lang) return words.code || "Code";
    return LANGS[lang] || lang;
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(true); },
        function () { done(fallbackCopy(text)); }
      );
    } else {
      done(fallbackCopy(text));
    }
  }

  function selectCode(code) {
    var range = document.createRange();
    range.selectNodeContents(code);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function decorate(pre) {
    var code = pre.querySelector("code");
    if (!code || pre.parentNode.classList.contains("code-block")) return;
    var block = document.createElement("div");
    block.className = "code-block";
    var head = document.createElement("div");
    head.className = "code-header";
    var label = document.createElement("span");
    label.className = "code-lang";
    label.textContent = language(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    var text = words.copy || "Copy";
    button.innerHTML = '<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><rect x="8" y="8" width="12" height="12" rx="2" fill="none" stroke="currentColor" stroke-width="1.75"/><path d="M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3" fill="none" stroke="currentColor" stroke-width="1.75"/></svg>';
    var buttonText = document.createElement("span");
    buttonText.textContent = text;
    button.appendChild(buttonText);
    button.setAttribute("aria-label", text + ": " + label.textContent);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var timer = null;
    button.addEventListener("click", function () {
      /* without the final line break: pasted into a shell, the last
         command waits for Enter like the others */
      copy(code.textContent.replace(/\r?\n$/, ""), function (ok) {
        var said = ok ? (words.copied || "Copied") : (words.copyFailed || "Press Ctrl+C to copy");
        if (!ok) selectCode(code);
        buttonText.textContent = ok ? said : text;
        status.textContent = said;
        button.classList.toggle("is-copied", ok);
        clearTimeout(timer);
        timer = setTimeout(function () {
          buttonText.textContent = text;
          status.textContent = "";
          button.classList.remove("is-copied");
        }, 2000);
      });
    });
    head.appendChild(label);
    head.appendChild(button);
    head.appendChild(status);
    pre.parentNode.insertBefore(block, pre);
    block.appendChild(head);
    block.appendChild(pre);
  }

  /* ---- drawers ---------------------------------------------------------- */

  var openDrawer = null;
  var backdrop = null;

  function closeDrawer(returnFocus) {
    if (!openDrawer) return;
    var d = openDrawer;
    openDrawer = null;
    d.panel.classList.remove("is-open");
    d.button.setAttribute("aria-expanded", "false");
    if (backdrop) backdrop.hidden = true;
    document.documentElement.classList.remove("pd-drawer-open");
    if (returnFocus) d.button.focus();
  }

  function open(button, panel) {
    closeDrawer(false);
    openDrawer = { button: button, panel: panel };
    panel.classList.add("is-open");
    button.setAttribute("aria-expanded", "true");
    if (!backdrop) {
      backdrop = document.createElement("div");
      backdrop.className = "drawer-backdrop";
      backdrop.addEventListener("click", function () { closeDrawer(true); });
      document.body.appendChild(backdrop);
    }
    backdrop.hidden = false;
    document.documentElement.classList.add("pd-drawer-open");
    var close = panel.querySelector(".drawer-close");
    if (close) close.focus();
  }

  /* Tab and Shift+Tab go round the open drawer: the page behind the
     backdrop cannot take the focus. */
  function trapTab(e, panel) {
    var all = panel.querySelectorAll("a[href], button, input, select, textarea, [tabindex]");
    var stops = Array.prototype.filter.call(all, function (el) {
      return !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0;
    });
    if (!stops.length) return;
    var first = stops[0];
    var last = stops[stops.length - 1];
    var active = document.activeElement;
    var inside = panel.contains(active);
    if (e.shiftKey && (!inside || active === first)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (!inside || active === last)) {
      e.preventDefault();
      first.focus();
    }
  }

  function initDrawers() {
    var tools = document.querySelector(".page-tools");
    if (!tools) return;
    tools.hidden = false;
    var buttons = tools.querySelectorAll(".drawer-button");
    Array.prototype.forEach.call(buttons, function (button) {
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      if (!panel) return;
      var close = document.createElement("button");
      close.type = "button";
      close.className = "drawer-close";
      close.setAttribute("aria-label", words.close || "Close");
      close.innerHTML = '<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6 6 18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
      close.addEventListener("click", function () { closeDrawer(true); });
      panel.insertBefore(close, panel.firstChild);
      button.addEventListener("click", function () {
        if (openDrawer && openDrawer.panel === panel) closeDrawer(true);
        else open(button, panel);
      });
      /* following a link in the drawer (an anchor on this page) closes it */
      panel.addEventListener("click", function (e) {
        if (e.target.closest && e.target.closest("a") && openDrawer) closeDrawer(false);
      });
    });
    document.addEventListener("keydown", function (e) {
      if (!openDrawer) return;
      if (e.key === "Escape" || e.key === "Esc") closeDrawer(true);
      else if (e.key === "Tab") trapTab(e, openDrawer.panel);
    });
    if (NARROW) {
      var wide = function () { if (!NARROW.matches) closeDrawer(false); };
      if (NARROW.addEventListener) NARROW.addEventListener("change", wide);
      else if (NARROW.addListener) NARROW.addListener(wide);
    }
  }

  function init() {
    var pres = document.querySelectorAll(".content pre, .landing pre");
    Array.prototype.forEach.call(pres, decorate);
    initDrawers();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
