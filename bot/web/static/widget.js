/* Progressive enhancement for the feedback page: send and vote without reloading, show replies
   as they come, and keep the session so the conversation survives a reload. On its own site the
   page has its cookie (and local storage). Embedded on the library's site, third-party cookies
   and storage are blocked, so the embedding snippet (embed.js, first-party there) keeps the
   session for the frame: the frame says hello, the snippet answers with the session it kept,
   and the frame sends that session explicitly with every request. */
(function () {
  "use strict";
  var form = document.getElementById("feedback-form");
  if (!form || !window.fetch) { return; }
  var KEY = "feedbot_session";
  var list = document.getElementById("messages");
  var status = document.getElementById("feedback-status");
  var notice = document.getElementById("notice");
  var text = document.getElementById("feedback-text");
  var olderLink = document.getElementById("older-link");
  var embedded = document.body.dataset.embedded === "1";
  var session = form.elements.session.value;
  var older = [];
  var newest = [];
  var shownKey = "";
  var words = {};
  try { words = JSON.parse(document.getElementById("widget-text").textContent); } catch (e) { /* English below */ }
  function say(key, fields) {
    return String(words[key] || key).replace(/\{([a-z_]+)\}/g, function (all, name) {
      return fields && name in fields ? String(fields[name]) : all;
    });
  }
  var months = String(words.months || "").split(" ");
  var zone = document.body.dataset.zone || "UTC";

  /* The same form the server writes: "7 Dec 2026, 00:14 GMT", in the library's time zone. */
  function shownTime(iso) {
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "numeric", day: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) { return iso; }
    return parseInt(parts.day, 10) + " " + (months[parts.month - 1] || parts.month) + " " + parts.year + ", " +
      parts.hour + ":" + parts.minute + " " + parts.timeZoneName;
  }

  function remember(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* storage blocked: cookie only */ }
  }
  function remembered() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  var framed = embedded && window.parent !== window;
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "*";
  function tellParent(message) {
    if (framed) { window.parent.postMessage(message, parentOrigin); }
  }
  function keep(value) {
    remember(value);
    tellParent({ feedbot: "keep", session: value });
  }
  function forget() {
    try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    tellParent({ feedbot: "forget" });
  }

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function useSession(value) {
    session = value;
    Array.prototype.forEach.call(document.querySelectorAll("input[name=session]"), function (i) {
      i.value = value;
    });
  }

  /* A sentence for the person, whatever the server (or a proxy in front of it) answered. */
  function explain(r, body) {
    if (body && typeof body.error === "string") { return body.error; }
    if (r.status === 429) { return say("too_many"); }
    return say("server_error", { status: r.status });
  }

  function call(method, url, body) {
    var options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        return { ok: r.ok, status: r.status, body: data, message: r.ok ? "" : explain(r, data) };
      });
    });
  }

  function item(m) {
    var li = document.createElement("li");
    li.className = "message " + (m.from === "you" ? "from-you" : "from-library");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = m.from === "you" ? say("you") : list.dataset.library;
    var when = document.createElement("time");
    when.dateTime = m.created_at;
    when.textContent = shownTime(m.created_at);
    var p = document.createElement("p");
    p.textContent = m.text;
    li.appendChild(who);
    li.appendChild(when);
    li.appendChild(p);
    return li;
  }

  function render() {
    var seen = {};
    var all = older.concat(newest).filter(function (m) {
      if (seen[m.id]) { return false; }
      seen[m.id] = true;
      return true;
    });
    var key = all.map(function (m) { return m.id; }).join(",");
    if (key === shownKey) { return; }
    shownKey = key;
    list.textContent = "";
    if (!all.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = say("empty");
      list.appendChild(empty);
    }
    all.forEach(function (m) { list.appendChild(item(m)); });
  }

  function showOlder(cursor) {
    var link = olderLink.querySelector("a");
    olderLink.hidden = !cursor;
    link.dataset.before = cursor || "";
  }

  function messagesUrl(before) {
    return "/widget/api/messages?session=" + encodeURIComponent(session) +
      (before ? "&before=" + encodeURIComponent(before) : "");
  }

  function refresh() {
    return call("GET", messagesUrl("")).then(function (res) {
      if (!res.ok) { return res; }
      newest = res.body.messages;
      if (!older.length) { showOlder(res.body.older); }
      render();
      return res;
    }).catch(function () { return { ok: false }; });
  }

  olderLink.querySelector("a").addEventListener("click", function (e) {
    e.preventDefault();
    call("GET", messagesUrl(this.dataset.before)).then(function (res) {
      if (!res.ok) { notice.textContent = res.message; return; }
      older = res.body.messages.concat(older);
      showOlder(res.body.older);
      render();
    }).catch(function () { notice.textContent = say("no_connection"); });
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    status.textContent = say("sending");
    var body = { session: session, client_id: form.elements.client_id.value, text: text.value };
    call("POST", "/widget/api/messages", body).then(function (res) {
      if (res.ok) {
        text.value = "";
        form.elements.client_id.value = newId();
        status.textContent = say("sent");
        refresh();
      } else {
        status.textContent = say("not_sent", { why: res.message });
      }
    }).catch(function () {
      status.textContent = say("not_sent_offline");
    });
  });

  function markAnswers(polls) {
    polls.forEach(function (p) {
      var poll = document.getElementById("poll-" + p.id);
      if (!poll) { return; }
      Array.prototype.forEach.call(poll.querySelectorAll("button[name=option]"), function (b) {
        b.setAttribute("aria-pressed", p.your_answer.indexOf(b.value) >= 0 ? "true" : "false");
      });
    });
  }

  function refreshPolls() {
    var url = "/widget/api/polls?session=" + encodeURIComponent(session) +
      "&lang=" + encodeURIComponent(document.body.dataset.lang || "");
    return call("GET", url).then(function (res) {
      if (res.ok) { markAnswers(res.body.polls); }
    }).catch(function () {});
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.poll"), function (poll) {
    var said = document.createElement("p");
    said.className = "status";
    said.setAttribute("role", "status");
    poll.appendChild(said);
    poll.addEventListener("submit", function (e) {
      e.preventDefault();
      var option = e.submitter ? e.submitter.value : "";
      var vote = {
        session: session,
        client_id: newId(),
        poll_id: parseInt(poll.elements.poll_id.value, 10),
        option: option
      };
      call("POST", "/widget/api/votes", vote).then(function (res) {
        said.textContent = res.ok ? say("counted") : say("not_counted", { why: res.message });
        if (res.ok) { setTimeout(refreshPolls, 500); }
      }).catch(function () { said.textContent = say("not_counted_offline"); });
    });
  });

  var end = document.getElementById("end-form");
  if (end) {
    end.addEventListener("submit", function (e) {
      e.preventDefault();
      call("POST", "/widget/api/sessions/end", { session: session }).then(function () {
        forget();
        window.location.replace("/widget?ended=1" + (embedded ? "&embed=1" : "") +
          "&lang=" + encodeURIComponent(document.body.dataset.lang || ""));
      }).catch(function () { notice.textContent = say("unreachable"); });
    });
  }

  if (embedded) {
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { window.parent.postMessage({ feedbot: "close" }, "*"); }
    });
  }

  /* Prefer a session kept earlier (by the snippet, or this page's storage) while it is live;
     otherwise keep the one this page was given. */
  function adopt(kept, given) {
    if (!kept || kept === given) {
      if (given) { keep(given); }
      return;
    }
    useSession(kept);
    refresh().then(function (res) {
      if (res.ok) {
        keep(kept);
        refreshPolls();
        return;
      }
      if (res.status === 429) { notice.textContent = res.message; }
      useSession(given);
      if (given) { keep(given); }
    });
  }

  function start() {
    var given = session;
    if (!framed) {
      adopt(remembered(), given);
      return;
    }
    window.addEventListener("message", function (e) {
      if (e.source !== window.parent || !e.data || e.data.feedbot !== "session") { return; }
      adopt(typeof e.data.session === "string" ? e.data.session : "", given);
    });
    tellParent({ feedbot: "hello" });
  }

  start();
  setInterval(refresh, 15000);
})();
