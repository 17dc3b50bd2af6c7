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
  var shownIds = [];
  var sentId = 0;      /* the message just sent: it and what follows are kept in view */
  var following = false;
  var ACK_CHECKS = [300, 700, 1200, 2000, 3000, 5000, 8000]; /* ms after a send */
  var words = {};
  try { words = JSON.parse(document.getElementById("widget-text").textContent); } catch (e) { /* English below */ }
  function say(key, fields) {
    return String(words[key] || key).replace(/\{([a-z_]+)\}/g, function (all, name) {
      return fields && name in fields ? String(fields[name]) : all;
    });
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

  /* Every time on the page in one format, in the page's language and the reader's own time
     zone, named ("Mon 7 Dec 2026, 09:14 GMT" on an en-GB page). */
  var timeFormat = (function () {
    var options = { weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
    /* A language the browser has no dates for (Welsh, in some builds) reads as British
       English, not as the browser's default (often US English, 12-hour). */
    var lang = document.documentElement.lang;
    try { return new Intl.DateTimeFormat(lang ? [lang, "en-GB"] : "en-GB", options); }
    catch (e) { /* not a language tag at all */ }
    try { return new Intl.DateTimeFormat("en-GB", options); } catch (e) { return null; }
  })();
  /* Where the browser has no dates for the page's language, the month names come from the
     bot's own wording for that language ("7 Rhag 2026, 09:14 GMT"), in the same zone. */
  var months = String(words.months || "").split(" ");
  var ownDates = false;
  try {
    var lang0 = document.documentElement.lang;
    ownDates = !lang0 || lang0.split("-")[0] === "en" ||
      Intl.DateTimeFormat.supportedLocalesOf([lang0]).length > 0;
  } catch (e) { ownDates = true; }
  var figures = null;
  try {
    figures = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "numeric", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  } catch (e) { figures = null; }
  function shownTime(iso) {
    var at = new Date(iso);
    if (!timeFormat || isNaN(at.getTime())) { return null; }
    if (ownDates || !figures || months.length !== 12) { return timeFormat.format(at); }
    var parts = {};
    figures.formatToParts(at).forEach(function (p) { parts[p.type] = p.value; });
    return parseInt(parts.day, 10) + " " + months[parseInt(parts.month, 10) - 1] + " " +
      parts.year + ", " + parts.hour + ":" + parts.minute + " " + parts.timeZoneName;
  }
  function showTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll("time[datetime]"), function (t) {
      var shown = shownTime(t.getAttribute("datetime"));
      if (shown) { t.textContent = shown; }
    });
  }

  function item(m) {
    var li = document.createElement("li");
    li.className = "message " + (m.from === "you" ? "from-you" : "from-library");
    li.dataset.id = m.id;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = m.from === "you" ? say("you") : list.dataset.library;
    var when = document.createElement("time");
    when.dateTime = m.created_at;
    when.textContent = shownTime(m.created_at) || m.created_at;
    var p = document.createElement("p");
    p.dir = "auto";
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
    var ids = all.map(function (m) { return m.id; });
    if (ids.join(",") === shownIds.join(",")) { return; }
    /* Only new messages are added (the list is a live region: a rebuilt list would be read
       out again from the top); an older page or a gap rebuilds it. */
    var grows = shownIds.length > 0 && shownIds.every(function (id, i) { return ids[i] === id; });
    if (!grows) {
      list.textContent = "";
      if (!all.length) {
        var empty = document.createElement("li");
        empty.className = "empty";
        empty.textContent = say("empty");
        list.appendChild(empty);
      }
    }
    all.slice(grows ? shownIds.length : 0).forEach(function (m) { list.appendChild(item(m)); });
    shownIds = ids;
    if (following) { reveal(); }
  }

  /* Scroll so the message just sent, its acknowledgement and any reply are all in view (on a
     phone they would otherwise sit above the message box); when they cannot all fit, the
     message sent comes to the top. */
  function reveal() {
    var first = list.querySelector("[data-id='" + sentId + "']");
    var last = list.lastElementChild;
    if (!first || !last) { return; }
    var margin = 8, room = window.innerHeight;
    var top = first.getBoundingClientRect().top, bottom = last.getBoundingClientRect().bottom;
    var delta = 0;
    if (bottom - top + 2 * margin > room) { delta = top - margin; }
    else if (bottom > room - margin) { delta = bottom - room + margin; }
    else if (top < margin) { delta = top - margin; }
    if (!delta) { return; }
    var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollBy({ top: delta, behavior: calm ? "auto" : "smooth" });
  }
  function stopFollowing() { following = false; }
  window.addEventListener("wheel", stopFollowing, { passive: true });
  window.addEventListener("touchmove", stopFollowing, { passive: true });

  /* The acknowledgement is queued a moment after the message is stored: look a few times
     soon after a send rather than waiting for the next 15-second check. */
  function answered() {
    return newest.some(function (m) { return m.from !== "you" && m.id > sentId; });
  }
  function checkSoon(step) {
    if (step >= ACK_CHECKS.length) { return; }
    setTimeout(function () {
      refresh().then(function () { if (!answered()) { checkSoon(step + 1); } });
    }, ACK_CHECKS[step]);
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
    if (form.elements.group) { body.group = form.elements.group.value; }
    call("POST", "/widget/api/messages", body).then(function (res) {
      if (res.ok) {
        text.value = "";
        form.elements.client_id.value = newId();
        status.textContent = say("sent");
        sentId = res.body && typeof res.body.id === "number" ? res.body.id : 0;
        following = sentId > 0;
        refresh().then(function () { if (!answered()) { checkSoon(0); } });
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
      showAnswer(poll, p);
    });
  }

  /* The "Your answer: ..." line under a poll, as the page would render it after a reload. */
  function showAnswer(poll, p) {
    var line = poll.querySelector("p.answer");
    var chosen = p.options.filter(function (o) { return p.your_answer.indexOf(o.key) >= 0; });
    if (!chosen.length) {
      if (line) { line.remove(); }
      return;
    }
    if (!line) {
      line = document.createElement("p");
      line.className = "answer";
      line.setAttribute("role", "status");
      poll.querySelector("fieldset").appendChild(line);
    }
    line.textContent = say("your_answer") + " " +
      chosen.map(function (o) { return o.label; }).join(", ") + ". " +
      say(p.kind === "multi" ? "take_back" : "change_until_closed");
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

  showTimes(list);
  shownIds = Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) {
    return parseInt(li.dataset.id, 10);
  });
  start();
  setInterval(refresh, 15000);
})();
