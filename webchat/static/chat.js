/* plankg page scripts (no inline scripts, so the pages run under a strict CSP):
 * - chat page (#ask-form): sends questions to /api/ask, renders answers with PlanKGRender (render.js);
 * - SPARQL page (#yasgui): starts the vendored YASGUI and wires the example-query buttons.
 */
(function initChat() {
  "use strict";

  var R = window.PlanKGRender;
  var form = document.getElementById("ask-form");
  var input = document.getElementById("question");
  var answers = document.getElementById("answers");
  if (!R || !form || !input || !answers) return;

  var lang = form.getAttribute("data-lang") || "zh";
  var api = form.getAttribute("data-api") || "/api/ask";
  var submit = form.querySelector("button[type=submit]");
  var requiredMsg = document.getElementById("question-error");
  var busy = false;

  function planValue() {
    var field = form.elements.namedItem("plan");
    return field && field.value ? field.value : null;
  }

  function showRequired(show) {
    if (!requiredMsg) return;
    requiredMsg.hidden = !show;
    if (show) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function setBusy(on) {
    busy = on;
    answers.setAttribute("aria-busy", on ? "true" : "false");
    if (submit) submit.disabled = on;
    form.classList.toggle("is-busy", on);
  }

  function startExchange(question) {
    var empty = answers.querySelector(".answers__empty");
    if (empty) empty.remove();
    var ex = R.el("div", "exchange");
    ex.appendChild(R.renderQuestion(question, { lang: lang }));
    var pending = R.renderPending({ lang: lang });
    ex.appendChild(pending);
    answers.appendChild(ex);
    ex.scrollIntoView({ block: "nearest", behavior: "smooth" });
    return { box: ex, pending: pending };
  }

  function finish(ex, node) {
    ex.pending.replaceWith(node);
    node.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function askQuestion(question) {
    question = (question || "").trim();
    if (!question) {
      showRequired(true);
      input.focus();
      return;
    }
    if (busy) return;
    showRequired(false);
    setBusy(true);
    var ex = startExchange(question);
    var body = { question: question };
    var plan = planValue();
    if (plan) body.plan = plan;
    R.ask(api, body, lang).then(function (res) {
      if (res.ok) finish(ex, R.renderAnswer(res.data, { lang: lang }));
      else finish(ex, R.renderError(res.message, { lang: lang }));
      setBusy(false);
      input.value = "";
      input.focus();
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    askQuestion(input.value);
  });

  input.addEventListener("input", function () {
    if (input.value.trim()) showRequired(false);
  });

  var suggestions = document.querySelectorAll(".suggestion");
  for (var i = 0; i < suggestions.length; i++) {
    suggestions[i].addEventListener("click", function (ev) {
      var q = ev.currentTarget.getAttribute("data-question") || ev.currentTarget.textContent;
      input.value = q;
      askQuestion(q);
    });
  }

  /* "Embed this" copy button: Clipboard API where allowed (https/localhost), else select the text. */
  var copyBtn = document.getElementById("embed-copy");
  var code = document.getElementById("embed-snippet");
  var status = document.getElementById("embed-copy-status");
  if (copyBtn && code) {
    copyBtn.addEventListener("click", function () {
      var text = code.textContent;
      var done = function () {
        if (status) status.textContent = copyBtn.getAttribute("data-copied") || "OK";
      };
      var select = function () {
        var range = document.createRange();
        range.selectNodeContents(code);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, select);
      } else {
        select();
      }
    });
  }
})();

(function initSparql() {
  "use strict";

  var host = document.getElementById("yasgui");
  var cfgEl = document.getElementById("sparql-config");
  if (!host || !cfgEl) return;
  var cfg = JSON.parse(cfgEl.textContent);

  /* Prepend PREFIX lines for the known prefixes a query uses but does not declare. */
  function withPrefixes(query) {
    var head = [];
    cfg.prefixes.forEach(function (pair) {
      var used = new RegExp("(^|[^\\w:])" + pair[0] + ":", "m").test(query);
      var declared = new RegExp("PREFIX\\s+" + pair[0] + ":", "i").test(query);
      if (!declared && (used || query === cfg.initial)) head.push("PREFIX " + pair[0] + ": <" + pair[1] + ">");
    });
    return head.length ? head.join("\n") + "\n\n" + query : query;
  }

  if (typeof window.Yasgui !== "function") {
    document.getElementById("yasgui-missing").hidden = false;
    document.getElementById("sparql-fallback").hidden = false;
    host.hidden = true;
    return;
  }
  /* Offline-safe: the class/property completers would query lov.linkeddata.es. */
  window.Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new window.Yasgui(host, {
    persistenceId: null,
    populateFromUrl: false,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; }, keys: [] },
    yasqe: { value: withPrefixes(cfg.initial) }
  });
  window.plankgYasgui = yasgui;

  var buttons = document.querySelectorAll(".example-query");
  Array.prototype.forEach.call(buttons, function (btn) {
    btn.addEventListener("click", function () {
      var id = btn.getAttribute("data-id");
      var ex = cfg.examples.filter(function (e) { return String(e.id) === id; })[0];
      if (!ex) return;
      var tab = yasgui.getTab();
      tab.setQuery(withPrefixes(ex.query));
      Array.prototype.forEach.call(buttons, function (b) { b.setAttribute("aria-pressed", String(b === btn)); });
      var yasqe = tab.getYasqe();
      if (yasqe && yasqe.focus) yasqe.focus();
    });
  });
})();
