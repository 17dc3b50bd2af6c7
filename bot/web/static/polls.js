// The poll page: progressive enhancement only (without it, "Check what we know" reloads the
// page with the panel). Fetches the "what we already know" panel as the question is typed
// (debounced) or the channels change, and swaps it into a polite live region.
(function () {
  "use strict";
  var WAIT_MS = 350;

  function setUp() {
    var form = document.getElementById("poll-form");
    var panel = document.getElementById("known");
    if (!form || !panel) { return; }
    var timer = null, asked = 0;

    function query() {
      var params = new URLSearchParams();
      var question = form.querySelector("[name='question']").value;
      params.append("question", question);
      form.querySelectorAll("input[name='to']:checked").forEach(function (box) { params.append("to", box.value); });
      return params.toString();
    }

    function refresh() {
      var mine = ++asked;
      window.fetch(panel.getAttribute("data-known") + "?" + query(), { headers: { "x-fragment": "known" }, credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
        .then(function (html) { if (mine === asked) { panel.innerHTML = html; } })  // server-rendered, autoescaped
        .catch(function () { if (mine === asked) { panel.textContent = "Could not check what we know; use the “Check what we know” button."; } });
    }

    function later() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(refresh, WAIT_MS);
    }

    form.querySelectorAll("[data-known-source]").forEach(function (field) {
      field.addEventListener(field.type === "checkbox" ? "change" : "input", later);
    });
    var errors = document.getElementById("errors");
    if (errors) { errors.focus(); }
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
