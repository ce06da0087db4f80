/* Quiz and exam pages: every answer is saved the moment it is given (the question's own form fields
   posted to the page's one-answer route with the X-CSRFToken header; the server's question type reads
   them, so this script knows no question type), a navigator shows answered / unanswered / flagged questions, submitting asks
   first when questions are unanswered, and the exam counts down and submits itself at the deadline.
   Without this script the page still works: every button of the one form saves all answers.
   Identifiers come from the values the server rendered into the page, never from positions. */
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form || form.dataset.readonly === "1") { return; }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenMeta ? tokenMeta.content : "";
  var saveTemplate = form.dataset.save;   // the page's one-answer route (form fields in, JSON out)
  var questions = Array.prototype.slice.call(form.querySelectorAll("li.question"));
  var chains = {};        // question id -> promise of its latest save (saves run in order)
  var submitting = false;
  var flagKey = "casebook-flags-" + form.dataset.attempt;

  function fields(li, prefix) {
    var qid = li.dataset.question + ".";
    return Array.prototype.slice.call(li.querySelectorAll("select, input, textarea")).filter(function (el) {
      return el.name && el.name.indexOf(qid + prefix) === 0;
    });
  }

  /* The question's form fields, without their "QID." prefix, as the server's question type reads
     them (its from_form); null when nothing is answered yet. The script knows no question type. */
  function formData(li) {
    var prefix = li.dataset.question + ".";
    var data = new FormData(), any = false;
    fields(li, "").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      var value = el.value;
      if (el.tagName === "TEXTAREA" || el.type === "text") {
        if (!value.trim()) { return; }
      } else if (value === "") { return; }
      data.append(el.name.slice(prefix.length), value);
      any = true;
    });
    return any ? data : null;
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
    var body = formData(li);
    if (!body) { return chains[qid] || Promise.resolve(); }
    state(li, "保存中…", "pending");
    var previous = chains[qid] || Promise.resolve();
    var next = previous.then(function () {
      return fetch(saveTemplate.replace("QID", encodeURIComponent(qid)), {
        method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": csrf, "Accept": "application/json"},
        body: body
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
