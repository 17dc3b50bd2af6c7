// Staff inbox: progressive enhancement only. Every action is a plain form that works without
// this file. Adds: single-key shortcuts (can be turned off), and a self-refreshing queue list
// that announces new items in a live region.
(function () {
  "use strict";
  var KEY = "feedbot.shortcuts";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));
  }

  function enabled() {
    try { return window.localStorage.getItem(KEY) !== "off"; } catch (e) { return true; }
  }

  function moveInList(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-item-link]"));
    if (!links.length) { return false; }
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1);
    links[next].focus();
    return true;
  }

  function act(key) {
    var target = document.querySelector("[data-key='" + key + "']");
    if ((key === "j" || key === "k") && moveInList(key === "j" ? 1 : -1)) { return true; }
    if (!target) { return false; }
    if (target.tagName === "A") { window.location.assign(target.href); }
    else if (target.tagName === "FORM") { target.requestSubmit(); }
    else { target.focus(); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || !enabled()) { return; }
    if (["j", "k", "r", "n", "e"].indexOf(event.key) >= 0 && act(event.key)) { event.preventDefault(); }
  });

  function setUpToggle() {
    var box = document.querySelector("[data-keys-toggle]");
    if (!box) { return; }
    box.disabled = false;
    box.checked = enabled();
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(KEY, box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  }

  function idsIn(root) {
    var list = root.querySelector("[data-ids]");
    return list ? list.getAttribute("data-ids").split(",").filter(Boolean) : [];
  }

  function refreshQueue() {
    var holder = document.getElementById("queue-list");
    var live = document.getElementById("queue-live");
    if (!holder || !live || document.hidden) { return; }
    window.fetch(holder.getAttribute("data-refresh"), { headers: { "x-fragment": "queue" }, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var fresh = document.createElement("div");
        fresh.innerHTML = html;  // server-rendered, autoescaped
        var before = idsIn(holder), added = idsIn(fresh).filter(function (id) { return before.indexOf(id) < 0; });
        var busy = holder.contains(document.activeElement) || holder.querySelector("input:checked");
        if (!busy) { holder.innerHTML = fresh.innerHTML; }
        if (added.length) {
          live.textContent = added.length + (added.length === 1 ? " new item" : " new items") + (busy ? " — refresh the list to see them." : " added to the list.");
        }
      })
      .catch(function () { live.textContent = "Could not refresh the list; it will try again."; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpToggle();
    if (document.getElementById("queue-list")) { window.setInterval(refreshQueue, 30000); }
  });
})();
