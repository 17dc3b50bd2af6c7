/* feedbot widget snippet: <script src="https://FEEDBACK-HOST/widget/embed.js" data-lang="cy" defer></script>
   data-group="public" (a customer group) says who writes from this page.
   The frame's address comes from FEEDBOT_PUBLIC_URL, else from where this script was loaded.
   Its language: data-lang, else the page's <html lang>, else the browser's; English otherwise. */
(function () {
  "use strict";
  var configured = {{ origin | tojson }};
  var script = document.currentScript;
  var words = {{ words | tojson }};
  var wanted = [script && script.dataset.lang, document.documentElement.lang]
    .concat(navigator.languages || [navigator.language]);
  var lang = "en";
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i] || "").split("-")[0].toLowerCase();
    if (words[code]) { lang = code; break; }
  }
  var say = words[lang];
  var group = script && script.dataset.group ? "&group=" + encodeURIComponent(script.dataset.group) : "";
  var page = configured ? configured + "/widget" :
    String(script && script.src).replace(/\/embed\.js([?#].*)?$/, "");
  var frameOrigin = new URL(page, window.location.href).origin;
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = say.open_button;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "feedbot-panel");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.75rem 1.25rem;" +
    "font:600 1rem/1.2 system-ui,sans-serif;color:#fff;background:#1d4f91;border:2px solid #fff;" +
    "border-radius:2rem;box-shadow:0 2px 8px rgba(0,0,0,.35);cursor:pointer";
  var panel = document.createElement("div");
  panel.id = "feedbot-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", say.panel_label);
  panel.hidden = true;
  panel.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(26rem,calc(100vw - 2rem));" +
    "height:min(36rem,calc(100vh - 6rem));background:#fff;border:1px solid #555;border-radius:.5rem;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.35);overflow:hidden";
  var close = document.createElement("button");
  close.type = "button";
  close.textContent = say.close_button;
  close.style.cssText = "position:absolute;top:.25rem;right:.25rem;padding:.25rem .6rem;font:1rem system-ui,sans-serif";
  var frame = document.createElement("iframe");
  frame.title = say.frame_title;
  frame.style.cssText = "width:100%;height:100%;border:0";
  panel.appendChild(close);
  panel.appendChild(frame);
  function toggle(open) {
    if (open && !frame.src) { frame.src = page + "?embed=1&lang=" + lang + group; }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    (open ? close : button).focus();
  }
  button.addEventListener("click", function () { toggle(panel.hidden); });
  close.addEventListener("click", function () { toggle(false); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) { toggle(false); } });
  /* The frame cannot keep anything itself when this site is not its own (third-party cookies
     and storage are blocked), so this page keeps its session and hands it back on hello.
     Escape pressed inside the frame arrives as "close" (keys do not cross origins). */
  var KEY = "feedbot_session";
  function kept() { try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; } }
  function keep(value) { try { window.localStorage.setItem(KEY, value); } catch (e) { /* not kept */ } }
  function drop() { try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ } }
  window.addEventListener("message", function (e) {
    var data = e.data;
    if (e.source !== frame.contentWindow || e.origin !== frameOrigin || !data) { return; }
    if (data.feedbot === "close" && !panel.hidden) { toggle(false); }
    if (data.feedbot === "hello") { frame.contentWindow.postMessage({ feedbot: "session", session: kept() }, frameOrigin); }
    if (data.feedbot === "keep" && typeof data.session === "string") { keep(data.session); }
    if (data.feedbot === "forget") { drop(); }
  });
  document.body.appendChild(button);
  document.body.appendChild(panel);
})();
