// The idle warning: shortly before a session would end for inactivity, a box counts down and offers to stay
// signed in. Timing comes from the box's data- attributes (templates/signin/_session_warning.html); the server
// decides: before warning, the page asks it how long the session has left (another tab may have been active;
// asking does not count as activity), and "stay signed in" posts to it. When the time is up the page reloads,
// and the server's answer is the login page saying why.
(function () {
  "use strict";

  var box = document.getElementById("session-warning");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-url");
  var warning = Number(box.getAttribute("data-warning-seconds"));
  var countdown = box.querySelector("[data-session-countdown]");
  var timer = null;
  var deadline = 0;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function ask(method) {
    var headers = { Accept: "application/json" };
    if (method === "POST") {
      headers["X-CSRFToken"] = csrfToken();
    }
    return fetch(url, { method: method, credentials: "same-origin", headers: headers })
      .then(function (response) {
        return response.ok ? response.json() : { active: false };
      })
      .then(answer, function () {
        schedule(30); // the server did not answer: ask again shortly
      });
  }

  function answer(data) {
    if (!data.active || data.remaining <= 0) {
      location.assign(location.href); // a GET, even on a page a form post answered
    } else if (data.remaining > warning) {
      schedule(data.remaining - warning);
    } else {
      warn(data.remaining);
    }
  }

  function schedule(seconds) {
    box.hidden = true;
    clearTimeout(timer);
    timer = setTimeout(function () {
      ask("GET");
    }, seconds * 1000);
  }

  function warn(remaining) {
    deadline = Date.now() + remaining * 1000;
    box.hidden = false;
    tick();
  }

  function tick() {
    var left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      ask("GET"); // the server decides whether the session has ended
      return;
    }
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    clearTimeout(timer);
    timer = setTimeout(tick, 1000);
  }

  box.querySelector("[data-session-stay]").addEventListener("click", function () {
    ask("POST");
  });

  var idle = Number(box.getAttribute("data-idle-seconds"));
  if (idle > warning) {
    schedule(idle - warning);
  } else {
    ask("GET");
  }
})();
