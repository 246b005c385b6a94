/* plankg page scripts (no inline scripts, so the pages run under a strict CSP):
 * - chat page (#ask-form): sends questions to /api/ask, renders answers with PlanKGRender (render.js),
 *   keeps the conversation in sessionStorage, answers ?q= / ?plan= deep links, searches plans;
 * - embedding page (#embed-copy): copies the snippet;
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
  var cfgEl = document.getElementById("chat-config");
  var cfg = cfgEl ? JSON.parse(cfgEl.textContent) : { plans: [] };
  var plansById = {};
  (cfg.plans || []).forEach(function (p) { plansById[p.id] = p; });
  var HISTORY_KEY = "plankg-history";
  var MAX_HISTORY = 30;
  var busy = false;

  function planField() { return form.elements.namedItem("plan"); }

  function planValue() {
    var field = planField();
    return field && field.value ? field.value : null;
  }

  function setPlan(id) {
    var field = planField();
    if (!field || !id) return;
    if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(id) + '"]')) {
      var opt = document.createElement("option");
      opt.value = id;
      opt.textContent = (plansById[id] && plansById[id].title) || id;
      field.appendChild(opt);
    }
    field.value = id;
  }

  function shareUrl(question, plan) {
    var u = new URL(window.location.href);
    u.search = "";
    u.hash = "";
    u.searchParams.set("q", question || "");
    if (plan) u.searchParams.set("plan", plan);
    if (lang === "en") u.searchParams.set("lang", "en");
    return u.href;
  }

  function renderOptions(question, plan) {
    return {
      lang: lang, question: question, plan: plan, plans: plansById, shareUrl: shareUrl,
      feedbackUrl: cfg.feedback, onAsk: function (q, p) { if (p) setPlan(p); input.value = q; askQuestion(q, p); }
    };
  }

  /* ---- history (sessionStorage: survives reload and Back, ends with the tab) ---- */
  function loadHistory() {
    try { return JSON.parse(window.sessionStorage.getItem(HISTORY_KEY) || "[]") || []; } catch (e) { return []; }
  }

  function saveHistory(list) {
    try { window.sessionStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(-MAX_HISTORY))); } catch (e) { /* full */ }
    var clear = document.getElementById("clear-history");
    if (clear) clear.hidden = !list.length;
  }

  function remember(question, plan, data) {
    var list = loadHistory();
    list.push({ q: question, plan: plan, data: data });
    saveHistory(list);
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

  /* Scroll the conversation so the newest exchange starts in view above the sticky form. */
  function reveal(node) {
    var formTop = form.getBoundingClientRect().top;
    var rect = node.getBoundingClientRect();
    if (rect.top < 0 || rect.top > formTop - 40) {
      window.scrollBy({ top: rect.top - 16, behavior: "smooth" });
    }
  }

  function startExchange(question) {
    var empty = answers.querySelector(".answers__empty");
    if (empty) empty.remove();
    var ex = R.el("div", "exchange");
    ex.appendChild(R.renderQuestion(question, { lang: lang }));
    answers.appendChild(ex);
    return ex;
  }

  function showAnswer(ex, question, plan, data) {
    var node = R.renderAnswer(data, renderOptions(question, plan));
    ex.appendChild(node);
    return node;
  }

  function askQuestion(question, planOverride) {
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
    var pending = R.renderPending({ lang: lang });
    ex.appendChild(pending);
    reveal(ex);
    var body = { question: question };
    var plan = planOverride || planValue();
    if (plan) body.plan = plan;
    R.ask(api, body, lang).then(function (res) {
      pending.remove();
      if (res.ok) {
        showAnswer(ex, question, plan, res.data);
        remember(question, plan, res.data);
        input.value = "";
      } else {
        /* the question stays in the box and a retry button asks it again */
        ex.appendChild(R.renderError(res.message, { lang: lang, onRetry: function () {
          ex.remove();
          askQuestion(question, plan);
        } }));
        input.value = question;
      }
      setBusy(false);
      reveal(ex);
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

  var clear = document.getElementById("clear-history");
  if (clear) {
    clear.addEventListener("click", function () {
      saveHistory([]);
      var nodes = answers.querySelectorAll(".exchange");
      for (var k = 0; k < nodes.length; k++) nodes[k].remove();
      input.focus();
    });
  }

  /* ---- plan picker: search as you type (GET /api/plans?q=), else filter the page's own list ---- */
  var search = document.getElementById("plan-search");
  var select = document.getElementById("plan");
  if (search && select) {
    var timer = null;
    var allOption = select.querySelector("option[data-all]");
    /* Matches only while searching (the first one is chosen unless the chosen plan matches); the
     * "all plans" option comes back with an empty search. */
    var fill = function (plans, q) {
      var current = select.value;
      select.textContent = "";
      if (!q && allOption) select.appendChild(allOption);
      plans.forEach(function (p) {
        plansById[p.id] = plansById[p.id] || p;
        var opt = document.createElement("option");
        opt.value = p.id;
        opt.textContent = p.title || p.id;
        select.appendChild(opt);
      });
      if (!select.options.length) {
        var none = document.createElement("option");
        none.value = "";
        none.disabled = true;
        none.textContent = search.getAttribute("data-no-match") || "—";
        select.appendChild(none);
      }
      var keep = (!q && current === "") || plans.some(function (p) { return p.id === current; });
      select.value = keep ? current : (plans.length ? plans[0].id : "");
    };
    var local = function (q) {
      return (cfg.plans || []).filter(function (p) {
        return !q || (p.title || "").indexOf(q) >= 0 || (p.publisher || "").indexOf(q) >= 0 || p.id.indexOf(q) >= 0;
      });
    };
    search.addEventListener("input", function () {
      var q = search.value.trim();
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = new URL(search.getAttribute("data-api") || "/api/plans", document.baseURI);
        url.searchParams.set("q", q);
        url.searchParams.set("offset", "0");
        url.searchParams.set("limit", "20");
        fetch(url.href, { headers: { Accept: "application/json" } })
          .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
          .then(function (data) {
            /* an older server ignores q (no "total" in its answer): filter here */
            fill(data && typeof data.total === "number" && data.plans ? data.plans : local(q), q);
          });
      }, 200);
    });
  }

  /* ---- restore the conversation, then a ?q= deep link ---- */
  var history = loadHistory();
  history.forEach(function (item) {
    var ex = startExchange(item.q);
    showAnswer(ex, item.q, item.plan, item.data);
  });
  saveHistory(history);
  var params = new URLSearchParams(window.location.search);
  if (params.get("plan")) setPlan(params.get("plan"));
  var deep = params.get("q");
  if (deep) {
    var last = history[history.length - 1];
    if (!last || last.q !== deep.trim()) {
      input.value = deep;
      askQuestion(deep);
    }
  }
})();

/* "Embed this" copy button on the staff page: Clipboard API where allowed, else select the text. */
(function initEmbedCopy() {
  "use strict";
  var copyBtn = document.getElementById("embed-copy");
  var code = document.getElementById("embed-snippet");
  var status = document.getElementById("embed-copy-status");
  if (!copyBtn || !code) return;
  copyBtn.addEventListener("click", function () {
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
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(code.textContent).then(done, select);
    else select();
  });
})();
