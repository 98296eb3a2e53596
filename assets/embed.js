/*! statusd embed widget: <script src="https://STATUS/embed.js" async></script>
 * Shows a small notice while something is not operational, nothing otherwise.
 * Options: data-page="slug", data-position="bottom-right|bottom-left|top|bottom",
 * data-theme="auto|light|dark". No globals; styles live in a shadow root (constructed, so a strict CSP allows them). */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src || !window.fetch || !window.CSSStyleSheet) return;
  var opt = me.dataset || {};
  var origin = new URL(me.src, location.href).origin;
  var slug = opt.page && opt.page !== "default" ? "/p/" + encodeURIComponent(opt.page) : "";
  var position = /^(bottom-left|bottom-right|top|bottom)$/.test(opt.position) ? opt.position : "bottom-right";
  var theme = /^(light|dark)$/.test(opt.theme) ? opt.theme : "auto";
  var CSS =
    ":host{all:initial;position:fixed;z-index:2147483000;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ":host(.bottom-right){right:16px;bottom:16px;max-width:min(360px,calc(100vw - 32px))}" +
    ":host(.bottom-left){left:16px;bottom:16px;max-width:min(360px,calc(100vw - 32px))}" +
    ":host(.top){left:0;right:0;top:0}:host(.bottom){left:0;right:0;bottom:0}" +
    ".box{display:flex;gap:10px;align-items:flex-start;padding:10px 14px;background:#fff;color:#1a1a1a;border-left:6px solid var(--c);box-shadow:0 2px 12px rgba(0,0,0,.25)}" +
    ":host(.bottom-right) .box,:host(.bottom-left) .box{border-radius:8px}" +
    ".dark .box{background:#1f2328;color:#f0f3f6}" +
    "@media (prefers-color-scheme:dark){.auto .box{background:#1f2328;color:#f0f3f6}}" +
    ".minor{--c:#b58500}.major{--c:#d9480f}.critical{--c:#c92a2a}.maintenance{--c:#1c64d8}" +
    ".text{flex:1}.title{font-weight:600}a{color:inherit;text-decoration:underline}" +
    "button{all:unset;cursor:pointer;padding:0 4px;font-size:18px;line-height:1}" +
    "button:focus-visible,a:focus-visible{outline:2px solid var(--c);outline-offset:2px}";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function show(s) {
    var ind = s && s.status && s.status.indicator;
    if (!ind || ind === "none") return;
    var host = el("div", position);
    host.setAttribute("data-statusd-embed", "");
    var root = host.attachShadow({ mode: "open" });
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    var wrap = el("div", theme);
    var box = el("div", "box " + (/^(minor|major|critical|maintenance)$/.test(ind) ? ind : "major"));
    box.setAttribute("role", "status");
    var text = el("div", "text");
    text.appendChild(el("div", "title", s.status.description));
    var open = (s.incidents || []).concat(s.scheduled_maintenances || []).filter(function (i) {
      return i.status !== "resolved" && i.status !== "completed" && i.status !== "scheduled";
    })[0];
    if (open) text.appendChild(el("div", "", open.name));
    var link = el("a", "", "View status");
    var url = s.page && s.page.url;
    link.href = /^https?:\/\//.test(url) ? url : origin + slug + "/";
    link.target = "_blank";
    link.rel = "noopener";
    text.appendChild(link);
    var close = el("button", "", "\u00d7");
    close.setAttribute("aria-label", "Dismiss");
    close.addEventListener("click", function () { host.remove(); });
    box.appendChild(text);
    box.appendChild(close);
    wrap.appendChild(box);
    root.appendChild(wrap);
    (document.body || document.documentElement).appendChild(host);
  }

  fetch(origin + slug + "/api/v2/summary.json", { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (s) {
      if (document.body) show(s);
      else document.addEventListener("DOMContentLoaded", function () { show(s); });
    })
    .catch(function () {});
})();
