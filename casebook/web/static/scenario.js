/* Scenario play: the step's countdown (from the seconds the server says are left), a confirmation
   before sending without a reply, and the chat scrolled to the newest message. */
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (chat) {
    var fresh = chat.querySelector(".msg.new");
    if (fresh && fresh.scrollIntoView && window.location.hash === "") { fresh.scrollIntoView({block: "nearest"}); }
  }
  var countdown = document.getElementById("step-countdown");
  if (countdown) {
    var end = Date.now() + Number(countdown.dataset.secondsLeft) * 1000;
    var tick = function () {
      var left = Math.round((end - Date.now()) / 1000);
      if (left >= 0) {
        countdown.textContent = Math.floor(left / 60) + ":" + (left % 60 < 10 ? "0" : "") + (left % 60);
      } else {
        var over = -left;
        countdown.textContent = "已超时 " + Math.floor(over / 60) + ":" + (over % 60 < 10 ? "0" : "") + (over % 60);
        countdown.classList.add("late");
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }
  var form = document.getElementById("answer");
  if (form) {
    form.addEventListener("submit", function (event) {
      var reply = document.getElementById("reply");
      if (reply.value.trim() || form.querySelector('input[name="confirm_empty"]')) { return; }
      if (!window.confirm("你还没有写回复。确定不回复、只执行所选动作吗？")) { event.preventDefault(); return; }
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "confirm_empty"; input.value = "1";
      form.appendChild(input);
    });
  }
})();
