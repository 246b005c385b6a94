/* plankg answer rendering, shared by the chat page and the embeddable widget.
 *
 * Builds DOM for one answer of POST /api/ask, by outcome (`mode`): graph / extractive answers with their
 * citations (依据原文); "not_stated" (the plan does not say; what it does state, with its sources);
 * "declined" (one clear message, the nearest passages as 可能相关的内容, next steps); "clarify" (buttons
 * to choose a plan). Every field may be absent (older servers): the rendering falls back gracefully.
 * Also: the passage drawer (citation links never leave the conversation), the per-answer action bar
 * (copy, share, 👍/👎 with a comment), follow-up suggestions, errors with a retry button.
 * Every piece of data goes through textContent / createTextNode, never innerHTML.
 *
 * On the chat page this file is a classic script and defines the global PlanKGRender.
 * The /widget.js route inlines the block between the BEGIN/END markers into widget.js's own closure
 * (the widget must be a single file with no extra globals), so there is one copy of this code.
 */
/* BEGIN plankg-render */
var PlanKGRender = (function () {
  "use strict";

  var STRINGS = {
    zh: {
      you: "问", sources: "依据原文", related: "可能相关的内容", noSources: "未找到可引用的规划原文。",
      unanswered: "规划文本中未找到明确答案", notStated: "规划原文没有直接说明", declined: "无法依据规划原文回答这个问题。",
      section: "第{n}节", pages: "第{n}页", openSource: "阅读原文", entities: "涉及", error: "出错了",
      network: "网络连接失败，请稍后重试。", generic: "服务暂时不可用，请稍后重试。",
      pending: "正在检索规划原文…", quoteMissing: "引用句：", retry: "重试",
      copy: "复制回答", copied: "已复制", share: "分享", shared: "链接已复制",
      helpful: "有帮助", unhelpful: "没帮助", feedbackThanks: "感谢您的反馈！",
      comment: "补充说明（可选）", commentSend: "提交", commentSkip: "不用了",
      nextSteps: "您可以：", rephrase: "换一种说法再问，例如写明地点或设施名称；",
      contact: "向规划编制单位咨询：{who}。", contactGeneric: "向当地自然资源和规划主管部门咨询。",
      clarify: "请选择要查询的规划：", followups: "继续了解", followAbout: "「{h}」还有哪些具体要求？",
      followParent: "关于「{h}」还讲了什么？",
      drawerTitle: "规划原文", close: "关闭", prev: "上一段", next: "下一段", openPage: "在新页面打开",
      loading: "正在加载…", notAllowed: "该网站未获授权使用问答服务，请联系网站管理员。"
    },
    en: {
      you: "Q", sources: "Sources", related: "Possibly related passages", noSources: "No citable plan text was found.",
      unanswered: "No clear answer in the plan text", notStated: "The plan does not state this directly",
      declined: "This question cannot be answered from the plan text.",
      section: "Section {n}", pages: "p. {n}", openSource: "Read the passage", entities: "Mentions", error: "Error",
      network: "Network error, please try again later.", generic: "The service is unavailable, please try again later.",
      pending: "Searching the plan text…", quoteMissing: "Quoted sentence: ", retry: "Retry",
      copy: "Copy answer", copied: "Copied", share: "Share", shared: "Link copied",
      helpful: "Helpful", unhelpful: "Not helpful", feedbackThanks: "Thank you for your feedback!",
      comment: "Anything to add? (optional)", commentSend: "Send", commentSkip: "No thanks",
      nextSteps: "You can:", rephrase: "rephrase the question, e.g. name the place or facility;",
      contact: "ask the planning authority: {who}.", contactGeneric: "ask the local planning authority.",
      clarify: "Which plan do you mean?", followups: "Ask more", followAbout: "What else does \u201c{h}\u201d require?",
      followParent: "What else is said about \u201c{h}\u201d?",
      drawerTitle: "Plan text", close: "Close", prev: "Previous", next: "Next", openPage: "Open as a page",
      loading: "Loading…", notAllowed: "This site is not authorised to use the Q&A service; please tell the site's administrator."
    }
  };

  function strings(lang) {
    return STRINGS[lang === "en" ? "en" : "zh"];
  }

  /* el("p", "cls", "text") -> element; text set with textContent. */
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(cls, text, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    if (onClick) b.addEventListener("click", onClick);
    return b;
  }

  /* Only http(s) or same-site paths may become links (no javascript:, data:, ...). */
  function safeUrl(url, base) {
    if (typeof url !== "string" || !url) return null;
    try {
      var u = new URL(url, base || document.baseURI);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function withParam(url, key, value) {
    var u = new URL(url, document.baseURI);
    u.searchParams.set(key, value);
    return u.href;
  }

  /* Append `text` to `parent`, wrapping the first occurrence of `quote` in <mark>. True when found. */
  function appendHighlighted(parent, text, quote) {
    text = text == null ? "" : String(text);
    var at = quote ? text.indexOf(quote) : -1;
    if (at < 0) {
      parent.appendChild(document.createTextNode(text));
      return false;
    }
    if (at > 0) parent.appendChild(document.createTextNode(text.slice(0, at)));
    parent.appendChild(el("mark", null, quote));
    var rest = text.slice(at + quote.length);
    if (rest) parent.appendChild(document.createTextNode(rest));
    return true;
  }

  function citationSummary(c, p, S) {
    var summary = el("summary", p + "citation-summary");
    if (c.section) summary.appendChild(el("span", p + "chip", S.section.replace("{n}", c.section)));
    var heading = c.heading || (c.path && c.path.length ? c.path[c.path.length - 1] : "");
    summary.appendChild(el("span", p + "citation-heading", heading || c.plan || ""));
    if (c.pages && c.pages.length) {  /* paged sources (PDF): where to look in the published document */
      var pages = c.pages.length > 1 ? c.pages[0] + "–" + c.pages[c.pages.length - 1] : String(c.pages[0]);
      summary.appendChild(el("span", p + "citation-pages", S.pages.replace("{n}", pages)));
    }
    return summary;
  }

  function renderCitation(c, opts) {
    var p = opts.prefix, S = opts.S;
    var details = el("details", p + "citation");
    if (c.id) details.setAttribute("data-id", c.id);
    details.appendChild(citationSummary(c, p, S));
    var body = el("div", p + "citation-body");
    if (c.path && c.path.length) body.appendChild(el("p", p + "citation-path", c.path.join(" › ")));
    var passage = el("blockquote", p + "citation-text");
    var found = appendHighlighted(passage, c.text || c.quote || "", c.quote);
    body.appendChild(passage);
    if (!found && c.quote && c.text) {
      var q = el("p", p + "citation-quote", S.quoteMissing);
      q.appendChild(el("mark", null, c.quote));
      body.appendChild(q);
    }
    var href = safeUrl(c.url, opts.base);
    if (href) {
      if (c.quote) href = withParam(href, "q", c.quote);
      if (opts.lang === "en") href = withParam(href, "lang", "en");
      var a = el("a", p + "citation-link", S.openSource);
      a.href = href;
      a.addEventListener("click", function (ev) {
        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button === 1) return; /* new tab: the page view */
        ev.preventDefault();
        openDrawer(c.url, c.quote, opts, a);
      });
      body.appendChild(a);
    }
    details.appendChild(body);
    return details;
  }

  function renderCitations(list, title, opts, cls) {
    var p = opts.prefix;
    var box = el("section", p + "citations" + (cls ? " " + p + cls : ""));
    box.appendChild(el("h3", p + "citations-title", title));
    if (!list || !list.length) {
      box.appendChild(el("p", p + "muted", opts.S.noSources));
      return box;
    }
    var ol = el("ol", p + "citation-list");
    for (var i = 0; i < list.length; i++) {
      var li = el("li");
      li.appendChild(renderCitation(list[i] || {}, opts));
      ol.appendChild(li);
    }
    box.appendChild(ol);
    return box;
  }

  /* Related entries: plain text, not chips (they are not links). */
  function renderEntities(list, opts) {
    var p = opts.prefix;
    var names = [];
    for (var i = 0; i < list.length; i++) if (list[i] && (list[i].label || list[i].iri)) names.push(list[i].label || list[i].iri);
    return el("p", p + "entities", opts.S.entities + "：" + names.join(opts.lang === "en" ? ", " : "、"));
  }

  /* The server answers in the question's language: text that opens in the other language than the UI's
   * gets its own lang attribute (screen readers, font choice). */
  function markLang(node, text, uiLang) {
    var lead = String(text || "").split(/[。！？：:;；\n]|[.!?](?:\s|$)/)[0];
    if (!/[A-Za-z\u3400-\u9fff]/.test(lead)) return node;
    var zh = /[\u3400-\u9fff]/.test(lead);
    if (zh && uiLang === "en") node.setAttribute("lang", "zh-CN");
    else if (!zh && uiLang !== "en") node.setAttribute("lang", "en");
    return node;
  }

  function options(o) {
    o = o || {};
    return {
      prefix: o.prefix || "", S: strings(o.lang), lang: o.lang === "en" ? "en" : "zh", base: o.base,
      onAsk: o.onAsk, onFeedback: o.onFeedback, drawerHost: o.drawerHost, plans: o.plans || {},
      shareUrl: o.shareUrl, question: o.question, plan: o.plan, feedbackUrl: o.feedbackUrl
    };
  }

  function renderQuestion(text, o) {
    var opts = options(o), p = opts.prefix;
    var q = el("div", p + "question");
    q.appendChild(el("span", p + "question-label", opts.S.you));
    markLang(q.appendChild(el("p", p + "question-text", text)), text, opts.lang);
    return q;
  }

  function renderPending(o) {
    var opts = options(o);
    var node = el("p", opts.prefix + "pending", opts.S.pending);
    node.setAttribute("role", "status");
    return node;
  }

  /* ---------------------------------------------------------------- outcomes */

  function outcome(data) {
    var mode = data.mode;
    if (mode === "not_stated" || mode === "declined" || mode === "clarify") return mode;
    if (data.answered === false) return mode === "graph" || mode === "extractive" ? "unanswered" : "declined";
    return "answered";
  }

  function publisherOf(data, opts) {
    var ids = [data.plan];
    var lists = [data.related || [], data.citations || []];
    for (var l = 0; l < lists.length; l++) for (var i = 0; i < lists[l].length; i++) ids.push(lists[l][i].plan);
    for (var j = 0; j < ids.length; j++) {
      var meta = ids[j] && opts.plans[ids[j]];
      if (meta && meta.publisher) return meta.publisher;
    }
    return "";
  }

  function nextSteps(data, opts) {
    var p = opts.prefix, S = opts.S;
    var box = el("div", p + "next-steps");
    box.appendChild(el("p", p + "next-steps-title", S.nextSteps));
    var ul = el("ul", p + "next-steps-list");
    ul.appendChild(el("li", null, S.rephrase));
    var who = publisherOf(data, opts);
    ul.appendChild(el("li", null, who ? S.contact.replace("{who}", who) : S.contactGeneric));
    box.appendChild(ul);
    return box;
  }

  function clarifyButtons(data, opts) {
    var p = opts.prefix;
    var box = el("div", p + "clarify");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", opts.S.clarify);
    /* the server's text already asks to choose; say it here only when there is none */
    if (!data.answer) box.appendChild(el("p", p + "clarify-title", opts.S.clarify));
    var plans = data.plans || [];
    for (var i = 0; i < plans.length; i++) {
      (function (plan) {
        box.appendChild(button(p + "clarify-plan", plan.title || plan.id, function () {
          if (opts.onAsk) opts.onAsk(data.question || opts.question, plan.id);
        }));
      })(plans[i] || {});
    }
    return box;
  }

  function followUps(data, opts) {
    var first = (data.citations || [])[0];
    if (!first || !opts.onAsk) return null;
    var qs = [];
    var heading = first.heading || "";
    var path = first.path || [];
    if (heading) qs.push(opts.S.followAbout.replace("{h}", heading));
    var parent = path.length > 1 ? path[path.length - 2] : "";
    if (parent && parent !== heading) qs.push(opts.S.followParent.replace("{h}", parent));
    if (!qs.length) return null;
    var p = opts.prefix;
    var box = el("div", p + "followups");
    box.appendChild(el("span", p + "followups-title", opts.S.followups + "："));
    qs.forEach(function (q) {
      box.appendChild(button(p + "followup", q, function () { opts.onAsk(q, data.plan || opts.plan); }));
    });
    return box;
  }

  /* data: the /api/ask JSON. o: {prefix, lang, base, onAsk(q, plan), plans {id: {title, publisher}},
   * question, plan, shareUrl(q, plan), feedbackUrl, drawerHost}. */
  function renderAnswer(data, o) {
    var opts = options(o), p = opts.prefix, S = opts.S;
    data = data || {};
    var kind = outcome(data);
    var art = el("article", p + "answer " + p + "answer--" + kind +
      (data.answered === false ? " " + p + "answer--unanswered" : ""));
    art.setAttribute("data-outcome", kind);
    /* the server's not_stated text already opens by saying so; say it here only when it does not */
    if (kind === "not_stated" && !/没有明确说明|没有说明|未明确|does not state/.test(String(data.answer || "")))
      art.appendChild(el("p", p + "answer-status", S.notStated));
    else if (kind === "unanswered") art.appendChild(el("p", p + "answer-status", S.unanswered));
    var text = String(data.answer || (kind === "declined" ? S.declined : ""));
    var textBox = el("div", p + "answer-text");
    markLang(textBox, text, opts.lang);
    text.split(/\n+/).forEach(function (line) { if (line.trim()) textBox.appendChild(el("p", null, line)); });
    art.appendChild(textBox);
    if (kind === "clarify") {
      art.appendChild(clarifyButtons(data, opts));
    } else if (kind === "declined") {
      /* older servers put the nearest passages in `citations`: they are not sources of an answer */
      var related = data.related || data.citations || [];
      if (related.length) art.appendChild(renderCitations(related, S.related, opts, "related"));
      art.appendChild(nextSteps(data, opts));
    } else {
      art.appendChild(renderCitations(data.citations, S.sources, opts));
      if (data.related && data.related.length) art.appendChild(renderCitations(data.related, S.related, opts, "related"));
      if (kind === "unanswered" || kind === "not_stated") art.appendChild(nextSteps(data, opts));
    }
    if (data.entities && data.entities.length) art.appendChild(renderEntities(data.entities, opts));
    if (kind === "answered") {
      var f = followUps(data, opts);
      if (f) art.appendChild(f);
    }
    if (kind !== "clarify") art.appendChild(actionBar(data, kind, opts));
    return art;
  }

  /* ---------------------------------------------------------------- actions: copy, share, feedback */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    ta.remove();
    return ok;
  }

  function answerAsText(data, opts) {
    var lines = [opts.S.you + "：" + (data.question || opts.question || ""), data.answer || ""];
    (data.citations || []).forEach(function (c) {
      lines.push("— " + (c.section ? opts.S.section.replace("{n}", c.section) + " " : "") + (c.heading || ""));
    });
    return lines.join("\n");
  }

  function actionBar(data, kind, opts) {
    var p = opts.prefix, S = opts.S;
    var bar = el("div", p + "actions");
    var status = el("span", p + "action-status");
    status.setAttribute("role", "status");
    bar.appendChild(button(p + "action " + p + "action-copy", S.copy, function () {
      copyText(answerAsText(data, opts)).then(function (ok) { status.textContent = ok ? S.copied : ""; });
    }));
    if (opts.shareUrl) {
      bar.appendChild(button(p + "action " + p + "action-share", S.share, function () {
        var url = opts.shareUrl(data.question || opts.question, data.plan || opts.plan);
        if (navigator.share) {
          navigator.share({ title: data.question || "", url: url }).catch(function () {});
        } else {
          copyText(url).then(function (ok) { status.textContent = ok ? S.shared : url; });
        }
      }));
    }
    if (opts.feedbackUrl) {
      var up = button(p + "action " + p + "feedback-up", "👍 " + S.helpful);
      var down = button(p + "action " + p + "feedback-down", "👎 " + S.unhelpful);
      up.setAttribute("aria-pressed", "false");
      down.setAttribute("aria-pressed", "false");
      var vote = function (helpful) {
        up.setAttribute("aria-pressed", String(helpful));
        down.setAttribute("aria-pressed", String(!helpful));
        up.disabled = down.disabled = true;
        var payload = feedbackPayload(data, kind, helpful, opts);
        sendFeedback(opts.feedbackUrl, payload).then(function () { status.textContent = S.feedbackThanks; });
        bar.appendChild(commentForm(payload, opts, status));
      };
      up.addEventListener("click", function () { vote(true); });
      down.addEventListener("click", function () { vote(false); });
      bar.appendChild(up);
      bar.appendChild(down);
    }
    bar.appendChild(status);
    return bar;
  }

  function feedbackPayload(data, kind, helpful, opts) {
    var sections = [];
    (data.citations && data.citations.length ? data.citations : data.related || []).forEach(function (c) {
      if (c && (c.section || c.heading)) sections.push(c.section || c.heading);
    });
    return {
      question: data.question || opts.question || "", plan: data.plan || opts.plan || null,
      outcome: data.mode || kind, helpful: helpful, sections: sections.slice(0, 10),
      answer: (data.answer || "").slice(0, 2000)
    };
  }

  function sendFeedback(url, payload) {
    return fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload), credentials: "omit"
    }).then(function (res) { return res.json().catch(function () { return {}; }); }, function () { return {}; });
  }

  function commentForm(payload, opts, status) {
    var p = opts.prefix, S = opts.S;
    var form = el("form", p + "comment");
    var label = el("label", p + "comment-label", S.comment);
    var id = "c" + Math.random().toString(36).slice(2, 9);
    label.htmlFor = id;
    var input = el("textarea", p + "comment-input");
    input.id = id;
    input.maxLength = 1000;
    input.rows = 2;
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button(p + "action " + p + "comment-send", S.commentSend, function () {
      var text = input.value.trim();
      if (text) sendFeedback(opts.feedbackUrl, Object.assign({}, payload, { comment: text }));
      form.remove();
      status.textContent = S.feedbackThanks;
    }));
    form.appendChild(button(p + "action " + p + "comment-skip", S.commentSkip, function () { form.remove(); }));
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    setTimeout(function () { input.focus(); }, 0);
    return form;
  }

  /* ---------------------------------------------------------------- errors */

  /* An error keeps the question: a retry button asks it again (o.onRetry). */
  function renderError(message, o) {
    var opts = options(o), p = opts.prefix;
    var box = el("div", p + "error");
    box.setAttribute("role", "alert");
    box.appendChild(el("strong", p + "error-title", opts.S.error + "："));
    box.appendChild(document.createTextNode(message || opts.S.generic));
    if (o && o.onRetry) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(button(p + "retry", opts.S.retry, o.onRetry));
    }
    return box;
  }

  /* ---------------------------------------------------------------- passage drawer */

  var drawerState = null;

  function closeDrawer() {
    if (!drawerState) return;
    var s = drawerState;
    drawerState = null;
    document.removeEventListener("keydown", s.onKey);
    s.node.remove();
    if (s.returnFocus && s.returnFocus.focus) s.returnFocus.focus();
  }

  function fillDrawer(node, data, quote, opts, url) {
    var p = opts.prefix, S = opts.S;
    var body = node.querySelector("." + p + "drawer-body");
    body.textContent = "";
    if (!data) {
      body.appendChild(el("p", p + "error", S.generic));
      return;
    }
    if (data.path && data.path.length) body.appendChild(el("p", p + "citation-path", data.path.join(" › ")));
    var h = el("h3", p + "drawer-heading", (data.section ? S.section.replace("{n}", data.section) + " " : "") + (data.heading || ""));
    body.appendChild(h);
    var text = el("div", p + "drawer-text");
    appendHighlighted(text, data.text || "", quote);
    body.appendChild(text);
    var nav = el("div", p + "drawer-nav");
    var base = url.replace(/\/[^\/?#]*([?#].*)?$/, "/");
    var go = function (id) {
      return function () { body.focus(); loadInto(node, base + id, null, opts); };
    };
    if (data.prev) nav.appendChild(button(p + "action " + p + "drawer-prev", "‹ " + S.prev, go(data.prev)));
    if (data.next) nav.appendChild(button(p + "action " + p + "drawer-next", S.next + " ›", go(data.next)));
    var page = el("a", p + "drawer-page", S.openPage);
    var href = safeUrl(url, opts.base);
    if (href) {
      href = quote ? withParam(href, "q", quote) : href;
      page.href = opts.lang === "en" ? withParam(href, "lang", "en") : href;
      page.target = "_blank";
      page.rel = "noopener";
      nav.appendChild(page);
    }
    body.appendChild(nav);
    var mark = text.querySelector("mark");
    if (mark && mark.scrollIntoView) mark.scrollIntoView({ block: "center" });
  }

  function loadInto(node, url, quote, opts) {
    var href = safeUrl(url, opts.base);
    if (!href) return;
    var body = node.querySelector("." + opts.prefix + "drawer-body");
    body.textContent = opts.S.loading;
    fetch(withParam(href, "format", "json"), { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
      .then(function (data) { fillDrawer(node, data, quote, opts, href); });
  }

  function openDrawer(url, quote, opts, trigger) {
    closeDrawer();
    var p = opts.prefix, S = opts.S;
    var node = el("div", p + "drawer");
    node.setAttribute("role", "dialog");
    node.setAttribute("aria-modal", "true");
    node.setAttribute("aria-label", S.drawerTitle);
    var head = el("div", p + "drawer-header");
    head.appendChild(el("h2", p + "drawer-title", S.drawerTitle));
    var close = button(p + "drawer-close", "×", closeDrawer);
    close.setAttribute("aria-label", S.close);
    head.appendChild(close);
    node.appendChild(head);
    var body = el("div", p + "drawer-body");
    body.tabIndex = -1;
    node.appendChild(body);
    var onKey = function (ev) {
      if (ev.key === "Escape") { ev.stopPropagation(); closeDrawer(); }
    };
    node.addEventListener("keydown", onKey);
    document.addEventListener("keydown", onKey);
    (opts.drawerHost || document.body).appendChild(node);
    drawerState = { node: node, returnFocus: trigger, onKey: onKey };
    close.focus();
    loadInto(node, url, quote, opts);
  }

  /* ---------------------------------------------------------------- the request */

  /* POST the question; resolves to {ok: true, data} or {ok: false, message, status}. Never rejects. */
  function ask(url, body, lang) {
    var S = strings(lang);
    return fetch(withParam(url, "lang", lang === "en" ? "en" : "zh"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "omit"
    }).then(function (res) {
      return res.json().then(
        function (data) {
          if (!res.ok || (data && data.ok === false)) {
            return { ok: false, message: (data && data.error) || S.generic, status: res.status };
          }
          return { ok: true, data: data };
        },
        function () {
          return { ok: false, message: S.generic, status: res.status };
        }
      );
    }, function () {
      return { ok: false, message: S.network, status: 0 };
    });
  }

  return {
    strings: strings,
    el: el,
    button: button,
    appendHighlighted: appendHighlighted,
    renderQuestion: renderQuestion,
    renderPending: renderPending,
    renderAnswer: renderAnswer,
    renderError: renderError,
    openDrawer: openDrawer,
    closeDrawer: closeDrawer,
    copyText: copyText,
    ask: ask
  };
})();
/* END plankg-render */
