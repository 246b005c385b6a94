/* plankg answer rendering, shared by the chat page and the embeddable widget.
 *
 * Builds DOM for one answer of POST /api/ask (answer text, citations as <details> with the quoted
 * sentence in <mark>, related entities) or for an error. Every piece of data goes through
 * textContent / createTextNode, never innerHTML, so questions and passages always render as text.
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
      you: "问",
      sources: "依据原文",
      noSources: "未找到可引用的规划原文。",
      unanswered: "规划文本中未找到明确答案",
      section: "第{n}节",
      openSource: "查看原文",
      entities: "相关条目",
      error: "出错了",
      network: "网络连接失败，请稍后重试。",
      generic: "服务暂时不可用，请稍后重试。",
      pending: "正在检索规划原文…",
      quoteMissing: "引用句："
    },
    en: {
      you: "Q",
      sources: "Sources",
      noSources: "No citable plan text was found.",
      unanswered: "No clear answer in the plan text",
      section: "Section {n}",
      openSource: "Open source",
      entities: "Related entries",
      error: "Error",
      network: "Network error, please try again later.",
      generic: "The service is unavailable, please try again later.",
      pending: "Searching the plan text…",
      quoteMissing: "Quoted sentence: "
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

  /* Append `text` to `parent`, wrapping the first occurrence of `quote` in <mark>.
   * Returns true when the quote was found. */
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
    if (c.section) {
      summary.appendChild(el("span", p + "chip", S.section.replace("{n}", c.section)));
    }
    var heading = c.heading || (c.path && c.path.length ? c.path[c.path.length - 1] : "");
    summary.appendChild(el("span", p + "citation-heading", heading || c.plan || ""));
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
      var a = el("a", p + "citation-link", S.openSource);
      a.href = href;
      a.target = opts.linkTarget || "_self";
      if (a.target === "_blank") a.rel = "noopener";
      body.appendChild(a);
    }
    details.appendChild(body);
    return details;
  }

  function renderCitations(list, opts) {
    var p = opts.prefix, S = opts.S;
    var box = el("section", p + "citations");
    box.appendChild(el("h3", p + "citations-title", S.sources));
    if (!list || !list.length) {
      box.appendChild(el("p", p + "muted", S.noSources));
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

  function renderEntities(list, opts) {
    var p = opts.prefix;
    var box = el("div", p + "entities");
    box.appendChild(el("span", p + "entities-title", opts.S.entities));
    for (var i = 0; i < list.length; i++) {
      var chip = el("span", p + "entity", list[i].label || list[i].iri || "");
      if (list[i].iri) chip.title = list[i].iri;
      box.appendChild(chip);
    }
    return box;
  }

  function options(o) {
    o = o || {};
    return {
      prefix: o.prefix || "",
      S: strings(o.lang),
      base: o.base,
      linkTarget: o.linkTarget
    };
  }

  /* The user's question as its own block (kept separate so it can show before the answer). */
  function renderQuestion(text, o) {
    var opts = options(o), p = opts.prefix;
    var q = el("div", p + "question");
    q.appendChild(el("span", p + "question-label", opts.S.you));
    q.appendChild(el("p", p + "question-text", text));
    return q;
  }

  function renderPending(o) {
    var opts = options(o);
    var node = el("p", opts.prefix + "pending", opts.S.pending);
    node.setAttribute("role", "status");
    return node;
  }

  /* data: the /api/ask JSON. o: {prefix, lang, base, linkTarget}. */
  function renderAnswer(data, o) {
    var opts = options(o), p = opts.prefix, S = opts.S;
    data = data || {};
    var art = el("article", p + "answer" + (data.answered === false ? " " + p + "answer--unanswered" : ""));
    if (data.answered === false) art.appendChild(el("p", p + "answer-status", S.unanswered));
    art.appendChild(el("div", p + "answer-text", data.answer || ""));
    art.appendChild(renderCitations(data.citations, opts));
    if (data.entities && data.entities.length) art.appendChild(renderEntities(data.entities, opts));
    return art;
  }

  function renderError(message, o) {
    var opts = options(o), p = opts.prefix;
    var box = el("div", p + "error");
    box.setAttribute("role", "alert");
    box.appendChild(el("strong", p + "error-title", opts.S.error + "："));
    box.appendChild(document.createTextNode(message || opts.S.generic));
    return box;
  }

  /* POST the question; resolves to {ok: true, data} or {ok: false, message}. Never rejects. */
  function ask(url, body, lang) {
    var S = strings(lang);
    return fetch(url, {
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
    appendHighlighted: appendHighlighted,
    renderQuestion: renderQuestion,
    renderPending: renderPending,
    renderAnswer: renderAnswer,
    renderError: renderError,
    ask: ask
  };
})();
/* END plankg-render */
