/* plankg chat widget. Embed with:
 *   <script src="https://HOST/widget.js" data-plan="PLAN-ID" async></script>
 * Options (data- attributes on that script tag): data-plan, data-position (bottom-right | bottom-left),
 * data-title, data-color (CSS colour), data-lang (zh | en), data-open ("true" opens on load),
 * data-offset-x / data-offset-y (px from the corner, e.g. to clear a host's "back to top" button),
 * data-z-index, data-api-base (override; default: where this script was loaded from).
 * The conversation is kept in sessionStorage (per API base and plan) and comes back after a reload.
 * Isolation: everything lives in an open shadow root on one <plankg-widget> element; the only global
 * is window.PlanKGWidget. No framework, no external requests except to {base}/api/ (ask, feedback,
 * passages, plans).
 * The API must allow the host page's origin (CORS) when the widget is embedded on another site.
 */
(function () {
  "use strict";
  /* Captured first: document.currentScript is only set while this script is executing. */
  var script = document.currentScript ||
    document.querySelector('script[src$="/widget.js"], script[src*="/widget.js?"]');

/* @include render.js: the block between the BEGIN/END plankg-render markers, inlined by /widget.js */
  /* ---- widget ---- */
  var R = PlanKGRender;
  var VERSION = "1.0.0";

  var UI = {
    zh: {
      title: "规划问答",
      open: "打开规划问答",
      close: "关闭",
      question: "您的问题",
      placeholder: "请输入关于规划的问题",
      send: "发送",
      welcome: "您好！可以询问国土空间总体规划的内容，回答会附上规划原文出处。",
      note: "仅依据已发布的规划文本作答",
      required: "请输入问题。",
      corsWarn: "plankg widget: this page's origin {o} is not allowed by the server; add it to PLANKG_CORS_ORIGINS."
    },
    en: {
      title: "Plan Q&A",
      open: "Open plan Q&A",
      close: "Close",
      question: "Your question",
      placeholder: "Ask about the plan",
      send: "Send",
      welcome: "Hello! Ask about the territorial spatial master plan; answers cite the plan text.",
      note: "Answers rely only on the published plan text",
      required: "Please enter a question.",
      corsWarn: "plankg widget: this page's origin {o} is not allowed by the server; add it to PLANKG_CORS_ORIGINS."
    }
  };

  function attr(name, fallback) {
    var v = script && script.getAttribute(name);
    return v === null || v === undefined || v === "" ? fallback : v;
  }

  /* API base: data-api-base, else the script URL minus "/widget.js" (and a trailing "/static"). */
  function apiBase() {
    var explicit = attr("data-api-base", "");
    var src = explicit || (script && script.src) || window.location.href;
    var u = new URL(src, window.location.href);
    if (explicit) return u.href.replace(/\/+$/, "");
    var path = u.pathname.replace(/\/[^\/]*$/, "").replace(/\/static$/, "");
    return u.origin + path;
  }

  function validColor(c) {
    return typeof c === "string" && c.length < 64 && window.CSS && CSS.supports && CSS.supports("color", c);
  }

  var CSS_TEXT = [
    ":host{all:initial !important;}",
    ".pkg-root{all:initial;--pkg-ox:20px;--pkg-oy:20px;--pkg-z:2147483000;--pkg-primary:#1d4f91;--pkg-ink:#1f2933;--pkg-soft:#52606d;--pkg-line:#d9dee5;",
    "font:16px/1.65 'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',",
    "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--pkg-ink);}",
    ".pkg-root *,.pkg-root *::before,.pkg-root *::after{box-sizing:border-box;}",
    ".pkg-root [hidden]{display:none !important;}",
    "button,input{font:inherit;color:inherit;margin:0;}",
    ":focus-visible{outline:3px solid #f0b429;outline-offset:2px;}",
    ".pkg-launcher{position:fixed;bottom:var(--pkg-oy);z-index:var(--pkg-z);display:flex;align-items:center;gap:8px;",
    "height:52px;padding:0 20px 0 16px;border:0;border-radius:26px;background:var(--pkg-primary);color:#fff;",
    "font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(15,30,60,.28);}",
    ".pkg-launcher:hover{filter:brightness(1.08);}",
    ".pkg-launcher svg{width:22px;height:22px;fill:currentColor;flex:none;}",
    ".pkg-right .pkg-launcher,.pkg-right .pkg-panel{right:var(--pkg-ox);}",
    ".pkg-left .pkg-launcher,.pkg-left .pkg-panel{left:var(--pkg-ox);}",
    ".pkg-panel{position:fixed;bottom:calc(var(--pkg-oy) + 64px);z-index:calc(var(--pkg-z) + 1);width:380px;max-width:calc(100vw - 40px);",
    "height:560px;max-height:calc(100vh - var(--pkg-oy) - 90px);display:flex;flex-direction:column;background:#fff;",
    "border:1px solid var(--pkg-line);border-radius:12px;overflow:hidden;box-shadow:0 12px 40px rgba(15,30,60,.25);}",
    ".pkg-header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 14px;",
    "background:var(--pkg-primary);color:#fff;}",
    ".pkg-title{margin:0;font-size:16px;font-weight:700;line-height:1.3;}",
    ".pkg-close{width:36px;height:36px;border:0;border-radius:6px;background:transparent;color:#fff;",
    "font-size:22px;line-height:1;cursor:pointer;}",
    ".pkg-close:hover{background:rgba(255,255,255,.18);}",
    ".pkg-log{flex:1;overflow-y:auto;padding:12px 14px;background:#f4f6f9;}",
    ".pkg-welcome{margin:0 0 8px;padding:10px 12px;background:#fff;border:1px solid var(--pkg-line);border-radius:8px;}",
    ".pkg-exchange{margin-bottom:12px;}",
    ".pkg-question{display:flex;justify-content:flex-end;}",
    ".pkg-question-label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);}",
    ".pkg-question-text{margin:0 0 6px 40px;padding:8px 12px;border-radius:12px 12px 2px 12px;",
    "background:var(--pkg-primary);color:#fff;white-space:pre-wrap;overflow-wrap:anywhere;}",
    ".pkg-pending{margin:0;color:var(--pkg-soft);font-size:14px;}",
    ".pkg-answer,.pkg-error{background:#fff;border:1px solid var(--pkg-line);border-radius:12px 12px 12px 2px;",
    "padding:10px 12px;margin-right:16px;}",
    ".pkg-error{background:#fdeceb;border-color:#f3c2bd;color:#8a1f17;}",
    ".pkg-answer-text{white-space:pre-line;overflow-wrap:anywhere;}",
    ".pkg-answer-status{display:inline-block;margin:0 0 4px;font-size:14px;color:#8a5a00;background:#fff6e0;",
    "border-radius:4px;padding:0 6px;}",
    ".pkg-citations{margin-top:8px;}",
    ".pkg-citations-title{margin:0 0 4px;font-size:14px;font-weight:600;color:var(--pkg-soft);}",
    ".pkg-citation-list{list-style:none;margin:0;padding:0;display:grid;gap:4px;}",
    ".pkg-citation{border:1px solid var(--pkg-line);border-radius:6px;background:#fbfcfd;font-size:14px;}",
    ".pkg-citation-summary{cursor:pointer;padding:5px 8px;display:flex;gap:6px;align-items:baseline;}",
    ".pkg-chip{flex:none;font-size:14px;font-weight:600;color:var(--pkg-primary);background:#e8eef7;",
    "border-radius:9px;padding:0 7px;white-space:nowrap;}",
    ".pkg-citation-heading{overflow-wrap:anywhere;}",
    ".pkg-citation-body{padding:0 8px 8px;}",
    ".pkg-citation-path{margin:0 0 4px;font-size:14px;color:var(--pkg-soft);}",
    ".pkg-citation-text{margin:0;padding:6px 8px;border-left:3px solid #b9c9e0;background:#f4f6f9;",
    "white-space:pre-line;overflow-wrap:anywhere;}",
    ".pkg-citation-quote{margin:4px 0 0;font-size:14px;}",
    ".pkg-citation-link{display:inline-block;margin-top:4px;font-size:14px;color:var(--pkg-primary);}",
    "mark{background:#fff1b8;color:inherit;padding:0 1px;border-radius:2px;}",
    ".pkg-muted{margin:0;font-size:14px;color:var(--pkg-soft);}",
    ".pkg-entities{margin:6px 0 0;font-size:14px;color:var(--pkg-soft);}",
    ".pkg-answer-text p{margin:0 0 .6em;white-space:pre-line;}.pkg-answer-text p:last-child{margin-bottom:0;}",
    ".pkg-actions,.pkg-followups,.pkg-clarify{margin-top:8px;display:flex;flex-wrap:wrap;gap:6px;align-items:center;}",
    ".pkg-action,.pkg-followup,.pkg-clarify-plan,.pkg-retry{font-size:14px;line-height:1.4;min-height:36px;padding:4px 10px;",
    "border:1px solid #b9c9e0;border-radius:6px;background:#fff;color:var(--pkg-primary);cursor:pointer;text-align:left;}",
    ".pkg-action[aria-pressed=true]{background:var(--pkg-primary);color:#fff;}",
    ".pkg-action-status{font-size:14px;color:#1c7c3c;}.pkg-followups-title,.pkg-clarify-title{font-size:14px;color:var(--pkg-soft);margin:0;}",
    ".pkg-next-steps{margin-top:8px;padding:6px 10px;background:#e8eef7;border-radius:6px;font-size:14px;}",
    ".pkg-next-steps-title{margin:0;font-weight:600;}.pkg-next-steps-list{margin:0;padding-left:18px;}",
    ".pkg-comment{width:100%;display:flex;flex-wrap:wrap;gap:6px;}.pkg-comment-label{width:100%;font-size:14px;}",
    ".pkg-comment-input{flex:1 1 160px;font-size:16px;border:1px solid #aab4c0;border-radius:6px;padding:4px 6px;}",
    ".pkg-error .pkg-retry{margin-left:6px;color:#8a1f17;border-color:#f3c2bd;}",
    ".pkg-drawer{position:absolute;inset:0;z-index:5;display:flex;flex-direction:column;background:#fff;}",
    ".pkg-drawer-header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;",
    "background:var(--pkg-primary);color:#fff;}.pkg-drawer-title{margin:0;font-size:16px;}",
    ".pkg-drawer-close{width:40px;height:40px;border:0;background:transparent;color:#fff;font-size:22px;cursor:pointer;}",
    ".pkg-drawer-body{flex:1;overflow-y:auto;padding:10px 14px;}.pkg-drawer-heading{margin:0 0 6px;font-size:16px;}",
    ".pkg-drawer-text{white-space:pre-line;overflow-wrap:anywhere;line-height:1.8;}",
    ".pkg-drawer-nav{display:flex;flex-wrap:wrap;gap:6px;margin-top:10px;align-items:center;}",
    ".pkg-drawer-page{font-size:14px;color:var(--pkg-primary);}",
    ".pkg-form{display:flex;gap:8px;padding:10px 12px;border-top:1px solid var(--pkg-line);background:#fff;}",
    ".pkg-label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);}",
    ".pkg-input{flex:1;min-width:0;height:44px;padding:0 10px;font-size:16px;border:1px solid #aab4c0;border-radius:6px;background:#fff;}",
    ".pkg-input[aria-invalid=true]{border-color:#b8322a;}",
    ".pkg-send{height:42px;padding:0 14px;border:0;border-radius:6px;background:var(--pkg-primary);color:#fff;",
    "font-weight:600;cursor:pointer;}",
    ".pkg-send:disabled{opacity:.6;cursor:progress;}",
    ".pkg-note{margin:0;padding:0 12px 8px;font-size:14px;color:var(--pkg-soft);background:#fff;}",
    "@media (max-width:480px){.pkg-root .pkg-panel{left:0;right:0;bottom:0;top:0;width:100%;max-width:none;",
    "height:100%;max-height:none;border-radius:0;border:0;}",
    ".pkg-root .pkg-launcher{bottom:var(--pkg-oy);}",
    ".pkg-open .pkg-launcher{display:none;}}"
  ].join("");

  var ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2z";

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICON);
    svg.appendChild(path);
    return svg;
  }

  function build() {
    var lang = attr("data-lang", "zh") === "en" ? "en" : "zh";
    var S = UI[lang];
    var plan = attr("data-plan", "");
    var title = attr("data-title", S.title);
    var position = attr("data-position", "bottom-right") === "bottom-left" ? "left" : "right";
    var base = apiBase();
    var uid = "pkg" + Math.random().toString(36).slice(2, 8);
    var E = R.el;

    var host = document.createElement("plankg-widget");
    var shadow = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = CSS_TEXT;
    shadow.appendChild(style);

    var root = E("div", "pkg-root pkg-" + position);
    root.setAttribute("lang", lang === "en" ? "en" : "zh-CN");
    var color = attr("data-color", "");
    if (validColor(color)) root.style.setProperty("--pkg-primary", color);
    var px = function (name) {
      var v = parseInt(attr(name, ""), 10);
      return isFinite(v) && v >= 0 && v <= 2000 ? v + "px" : null;
    };
    if (px("data-offset-x")) root.style.setProperty("--pkg-ox", px("data-offset-x"));
    if (px("data-offset-y")) root.style.setProperty("--pkg-oy", px("data-offset-y"));
    var z = parseInt(attr("data-z-index", ""), 10);
    if (isFinite(z) && z > 0 && z < 2147483600) root.style.setProperty("--pkg-z", String(z));
    shadow.appendChild(root);

    var launcher = E("button", "pkg-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", uid + "-panel");
    launcher.setAttribute("aria-label", S.open);
    launcher.appendChild(icon());
    launcher.appendChild(E("span", "pkg-launcher-text", title));

    var panel = E("section", "pkg-panel");
    panel.id = uid + "-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", uid + "-title");

    var header = E("div", "pkg-header");
    var h = E("h2", "pkg-title", title);
    h.id = uid + "-title";
    var closeBtn = E("button", "pkg-close", "×");
    closeBtn.type = "button";
    closeBtn.setAttribute("aria-label", S.close);
    header.appendChild(h);
    header.appendChild(closeBtn);

    var log = E("div", "pkg-log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.appendChild(E("p", "pkg-welcome", S.welcome));

    var form = E("form", "pkg-form");
    form.noValidate = true;
    var label = E("label", "pkg-label", S.question);
    label.htmlFor = uid + "-input";
    var input = E("input", "pkg-input");
    input.id = uid + "-input";
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = 500;
    input.placeholder = S.placeholder;
    var send = E("button", "pkg-send", S.send);
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(form);
    panel.appendChild(E("p", "pkg-note", S.note));
    root.appendChild(panel);
    root.appendChild(launcher);

    var busy = false;
    var plansById = {};
    var plansLoaded = false;
    var storeKey = "plankg-widget:" + base + ":" + plan;
    var docEl = document.documentElement;
    var savedOverflow = null;

    function fullScreen() {
      return window.matchMedia && window.matchMedia("(max-width: 480px)").matches;
    }

    /* The page behind a full-screen panel must not scroll. */
    function lockPage(lock) {
      if (lock && savedOverflow === null) {
        savedOverflow = docEl.style.overflow;
        docEl.style.overflow = "hidden";
      } else if (!lock && savedOverflow !== null) {
        docEl.style.overflow = savedOverflow;
        savedOverflow = null;
      }
    }

    function loadPlans() {
      if (plansLoaded) return;
      plansLoaded = true;
      fetch(base + "/api/plans", { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
        .then(function (data) {
          ((data && data.plans) || []).forEach(function (p) { plansById[p.id] = p; });
        });
    }

    function setOpen(open, focus) {
      panel.hidden = !open;
      root.classList.toggle("pkg-open", open);
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      lockPage(open && fullScreen());
      if (open) loadPlans();
      if (focus === false) return;
      if (open) input.focus();
      else launcher.focus();
    }

    function loadHistory() {
      try { return JSON.parse(window.sessionStorage.getItem(storeKey) || "[]") || []; } catch (e) { return []; }
    }

    function remember(question, data) {
      var list = loadHistory();
      list.push({ q: question, data: data });
      try { window.sessionStorage.setItem(storeKey, JSON.stringify(list.slice(-20))); } catch (e) { /* full */ }
    }

    function shareUrl(q, p) {
      var u = new URL(base + "/");
      u.searchParams.set("q", q || "");
      if (p) u.searchParams.set("plan", p);
      if (lang === "en") u.searchParams.set("lang", "en");
      return u.href;
    }

    function renderOpts(question) {
      return {
        prefix: "pkg-", lang: lang, base: base + "/", question: question, plan: plan || null, plans: plansById,
        drawerHost: panel, shareUrl: shareUrl, feedbackUrl: base + "/api/feedback",
        onAsk: function (q, p) { if (p) plan = p; ask(q); }
      };
    }

    /* Scroll the log, never the panel (its header and close button stay in view). */
    function scrollLogTo(node) {
      log.scrollTop = Math.max(0, node.offsetTop - log.offsetTop - 8);
    }

    function exchange(question) {
      var ex = E("div", "pkg-exchange");
      ex.appendChild(R.renderQuestion(question, { prefix: "pkg-", lang: lang }));
      log.appendChild(ex);
      return ex;
    }

    /* A failed request with status 0: unreachable, or reachable but this origin is not allowed (CORS). */
    function explainFailure(res) {
      if (res.status !== 0) return Promise.resolve(res.message);
      return fetch(base + "/api/health", { mode: "no-cors", credentials: "omit" }).then(function () {
        if (window.console && console.warn) console.warn(S.corsWarn.replace("{o}", window.location.origin));
        return R.strings(lang).notAllowed;
      }, function () { return res.message; });
    }

    function ask(question) {
      question = (question || "").trim();
      if (!question) {
        input.setAttribute("aria-invalid", "true");
        input.placeholder = S.required;
        input.focus();
        return;
      }
      if (busy) return;
      busy = true;
      send.disabled = true;
      input.removeAttribute("aria-invalid");
      var ex = exchange(question);
      var pending = R.renderPending({ prefix: "pkg-", lang: lang });
      ex.appendChild(pending);
      log.scrollTop = log.scrollHeight;
      var body = { question: question };
      if (plan) body.plan = plan;
      R.ask(base + "/api/ask", body, lang).then(function (res) {
        if (res.ok) {
          pending.replaceWith(R.renderAnswer(res.data, renderOpts(question)));
          remember(question, res.data);
          input.value = "";
          return null;
        }
        return explainFailure(res).then(function (message) {
          pending.replaceWith(R.renderError(message, { prefix: "pkg-", lang: lang, onRetry: function () {
            ex.remove();
            ask(question);
          } }));
          input.value = question;
        });
      }).then(function () {
        busy = false;
        send.disabled = false;
        scrollLogTo(ex);
      });
    }

    loadHistory().forEach(function (item) {
      exchange(item.q).appendChild(R.renderAnswer(item.data, renderOpts(item.q)));
    });

    launcher.addEventListener("click", function () {
      setOpen(panel.hidden);
    });
    closeBtn.addEventListener("click", function () {
      setOpen(false);
    });
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        setOpen(false);
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      ask(input.value);
    });

    document.body.appendChild(host);
    if (attr("data-open", "") === "true") setOpen(true, false);

    return {
      version: VERSION,
      host: host,
      root: shadow,
      apiBase: base,
      open: function () { setOpen(true); },
      close: function () { setOpen(false); },
      toggle: function () { setOpen(panel.hidden); },
      ask: function (q) { setOpen(true, false); ask(q); }
    };
  }

  function start() {
    if (window.PlanKGWidget) return;
    window.PlanKGWidget = { version: VERSION, pending: true };
    var init = function () {
      window.PlanKGWidget = build();
    };
    if (document.body) init();
    else document.addEventListener("DOMContentLoaded", init, { once: true });
  }

  start();
})();
