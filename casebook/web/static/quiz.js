/* Quiz and exam pages: every answer is saved the moment it is given (PUT to the JSON API with the
   X-CSRFToken header), a navigator shows answered / unanswered / flagged questions, submitting asks
   first when questions are unanswered, and the exam counts down and submits itself at the deadline.
   Without this script the page still works: every button of the one form saves all answers.
   Identifiers come from the values the server rendered into the page, never from positions. */
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form || form.dataset.readonly === "1") { return; }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenMeta ? tokenMeta.content : "";
  var apiTemplate = form.dataset.api;
  var questions = Array.prototype.slice.call(form.querySelectorAll("li.question"));
  var chains = {};        // question id -> promise of its latest save (saves run in order)
  var submitting = false;
  var flagKey = "casebook-flags-" + form.dataset.attempt;

  function byName(li, suffix) {
    var qid = li.dataset.question;
    return Array.prototype.slice.call(li.querySelectorAll("[name]")).filter(function (el) {
      return el.name === qid + "." + suffix;
    });
  }
  function fields(li, prefix) {
    var qid = li.dataset.question + ".";
    return Array.prototype.slice.call(li.querySelectorAll("select, input, textarea")).filter(function (el) {
      return el.name && el.name.indexOf(qid + prefix) === 0;
    });
  }

  /* The response the API expects, {} when unanswered, or {error: "..."} when incomplete. */
  function response(li) {
    var type = li.dataset.type;
    if (type === "single") {
      var one = byName(li, "choice").filter(function (el) { return el.checked; })[0];
      return one ? {choice: one.value} : {};
    }
    if (type === "multiple") {
      var picks = byName(li, "choices").filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
      return picks.length ? {choices: picks} : {};
    }
    if (type === "true_false") {
      var tf = byName(li, "answer").filter(function (el) { return el.checked; })[0];
      return tf ? {answer: tf.value === "true"} : {};
    }
    if (type === "ordering") {
      var selects = fields(li, "pos_");
      var ranked = selects.filter(function (s) { return s.value !== ""; });
      if (!ranked.length) { return {}; }
      if (ranked.length < selects.length) { return {error: "请为每个步骤选择序号"}; }
      var seen = {};
      for (var i = 0; i < selects.length; i++) {
        if (seen[selects[i].value]) { return {error: "每个序号只能用一次"}; }
        seen[selects[i].value] = true;
      }
      var order = selects.slice().sort(function (a, b) { return Number(a.value) - Number(b.value); })
        .map(function (s) { return s.dataset.item; });
      return {order: order};
    }
    if (type === "matching") {
      var matches = {}, any = false;
      fields(li, "match_").forEach(function (s) {
        if (s.value !== "") { matches[s.dataset.left] = s.value; any = true; }
      });
      return any ? {matches: matches} : {};
    }
    var text = byName(li, "text")[0];
    return text && text.value.trim() ? {text: text.value} : {};
  }

  function state(li, text, kind) {
    var el = li.querySelector(".save-state");
    el.textContent = text;
    el.className = "save-state" + (kind ? " " + kind : "");
  }

  function refreshNavigator() {
    var answered = 0;
    var flags = loadFlags();
    questions.forEach(function (li) {
      var done = li.dataset.answered === "1";
      if (done) { answered += 1; }
      var link = document.querySelector('#qnav a[data-for="' + li.dataset.question + '"]');
      if (link) {
        link.className = (done ? "answered" : "unanswered") + (flags[li.dataset.question] ? " flagged" : "");
        link.title = (done ? "已作答" : "未作答") + (flags[li.dataset.question] ? " · 已标记" : "");
      }
      var flag = li.querySelector("button.flag");
      if (flag) {
        flag.hidden = false;
        flag.setAttribute("aria-pressed", flags[li.dataset.question] ? "true" : "false");
        flag.textContent = flags[li.dataset.question] ? "⚑ 取消标记" : "⚑ 标记";
      }
    });
    var counter = document.getElementById("answered");
    if (counter) { counter.textContent = String(answered); }
  }

  function loadFlags() {
    try { return JSON.parse(window.localStorage.getItem(flagKey) || "{}"); } catch (e) { return {}; }
  }
  function toggleFlag(qid) {
    var flags = loadFlags();
    if (flags[qid]) { delete flags[qid]; } else { flags[qid] = true; }
    try { window.localStorage.setItem(flagKey, JSON.stringify(flags)); } catch (e) { /* private mode */ }
    refreshNavigator();
  }

  function save(li) {
    var qid = li.dataset.question;
    var body = response(li);
    if (body.error) { state(li, "未保存：" + body.error, "error"); return chains[qid] || Promise.resolve(); }
    if (!Object.keys(body).length) { return chains[qid] || Promise.resolve(); }
    state(li, "保存中…", "pending");
    var previous = chains[qid] || Promise.resolve();
    var next = previous.then(function () {
      return fetch(apiTemplate.replace("QID", encodeURIComponent(qid)), {
        method: "PUT", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
        body: JSON.stringify({response: body})
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.ok) {
            li.dataset.answered = "1";
            state(li, "已保存 ✓", "saved");
            refreshNavigator();
            return;
          }
          var reason = data.message || ("HTTP " + r.status);
          state(li, "未保存：" + reason, "error");
          if (data.code === "deadline_passed" || data.code === "submitted") {
            if (!submitting) { window.location.reload(); }
          }
        });
      }).catch(function () {
        state(li, "未保存：网络连接中断，恢复后请再改一次答案或点“保存答案”", "error");
      });
    });
    chains[qid] = next;
    return next;
  }

  function pendingSaves() {
    return Promise.all(Object.keys(chains).map(function (k) { return chains[k]; }));
  }

  var timers = {};
  questions.forEach(function (li) {
    li.addEventListener("change", function () { save(li); });
    li.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") { return; }
      var qid = li.dataset.question;
      window.clearTimeout(timers[qid]);
      state(li, "正在输入…", "pending");
      timers[qid] = window.setTimeout(function () { save(li); }, 800);
    });
    var flag = li.querySelector("button.flag");
    if (flag) { flag.addEventListener("click", function () { toggleFlag(li.dataset.question); }); }
  });

  function submitNow() {
    submitting = true;
    var add = function (name, value) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value;
      form.appendChild(input);
    };
    add("action", "submit");
    if (!form.querySelector('input[name="confirm"]')) { add("confirm", "1"); }
    form.submit();
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || submitter.value !== "submit" || submitting) { return; }
    event.preventDefault();
    Object.keys(timers).forEach(function (qid) { window.clearTimeout(timers[qid]); });
    questions.forEach(function (li) {
      if (li.querySelector("textarea")) { save(li); }
    });
    pendingSaves().then(function () {
      var missing = questions.filter(function (li) { return li.dataset.answered !== "1"; })
        .map(function (li) { return "第 " + li.dataset.number + " 题"; });
      if (missing.length && !form.querySelector('input[name="confirm"]')) {
        var ok = window.confirm("还有 " + missing.length + " 道题没有作答：" + missing.join("、") +
          "。\n未作答的题记 0 分。确定要交卷吗？");
        if (!ok) { return; }
      }
      submitNow();
    });
  });

  /* Exam countdown: from the seconds the server says are left (not the device clock). */
  var deadline = document.getElementById("deadline");
  if (deadline) {
    var left = Number(deadline.dataset.secondsLeft);
    var end = Date.now() + left * 1000;
    var countdown = document.getElementById("countdown");
    var warning = document.getElementById("time-warning");
    var warned = {300: left <= 300, 60: left <= 60};
    var warn = function (text) { warning.textContent = text; warning.hidden = false; };
    var tick = function () {
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(seconds / 60), s = seconds % 60;
      countdown.textContent = m + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
      if (seconds <= 300 && !warned[300]) { warned[300] = true; warn("还剩 5 分钟，请检查未作答的题目。"); }
      if (seconds <= 60 && !warned[60]) { warned[60] = true; warn("还剩 1 分钟！时间到时系统会自动交卷。"); }
      if (seconds <= 0) {
        window.clearInterval(interval);
        warn("时间到，正在交卷…");
        pendingSaves().then(submitNow);
      }
    };
    if (left <= 60) { warn("还剩不到 1 分钟！时间到时系统会自动交卷。"); }
    else if (left <= 300) { warn("还剩不到 5 分钟，请检查未作答的题目。"); }
    var interval = window.setInterval(tick, 1000);
    tick();
  }

  refreshNavigator();
})();
