/* Progressive enhancement for the feedback page: send without reloading, show replies as they come. */
(function () {
  "use strict";
  var form = document.getElementById("feedback-form");
  if (!form || !window.fetch) { return; }
  var list = document.getElementById("messages");
  var status = document.getElementById("feedback-status");
  var text = document.getElementById("feedback-text");
  var session = form.elements.session.value;
  var shown = -1;

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function render(messages) {
    if (messages.length === shown) { return; }
    shown = messages.length;
    list.textContent = "";
    messages.forEach(function (m) {
      var li = document.createElement("li");
      li.className = "message " + (m.from === "you" ? "from-you" : "from-library");
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = m.from === "you" ? "You" : (list.dataset.library || "Library");
      var p = document.createElement("p");
      p.textContent = m.text;
      li.appendChild(who);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  function refresh() {
    fetch("/widget/api/messages?session=" + encodeURIComponent(session))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { render(data.messages); } })
      .catch(function () {});
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var clientId = form.elements.client_id.value;
    status.textContent = "Sending…";
    fetch("/widget/api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: session, client_id: clientId, text: text.value })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (res.ok) {
        text.value = "";
        form.elements.client_id.value = newId();
        status.textContent = "Thank you, your message has been sent.";
        refresh();
      } else {
        status.textContent = "Not sent: " + res.body.error;
      }
    }).catch(function () {
      status.textContent = "Not sent: no connection. Your text is still in the box; please try again.";
    });
  });
  setInterval(refresh, 15000);
})();
