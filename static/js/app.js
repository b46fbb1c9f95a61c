// Page behaviour without inline handlers, so the Content-Security-Policy can refuse inline script.
// Elements ask for a behaviour with a data- attribute; one delegated listener per event serves them all.
(function () {
  "use strict";

  // The current address, for forms that come back here (language menu, recompute button).
  function here() {
    return location.pathname + location.search;
  }

  document.addEventListener("change", function (event) {
    var element = event.target;
    if (element.matches("[data-autosubmit]")) {
      if (element.hasAttribute("data-next-here") && element.form.next) {
        element.form.next.value = here();
      }
      element.form.submit();
    } else if (element.matches("[data-unlock-cell]")) {
      // "year:region" picks the year and region of the unlock form.
      var parts = element.value.split(":");
      element.form.year.value = parts[0];
      element.form.region.value = parts[1] || "";
    }
  });

  document.addEventListener("click", function (event) {
    var element = event.target;
    if (element.matches("[data-print]")) {
      window.print();
    } else if (element.matches("[data-check-all]")) {
      var name = element.getAttribute("data-check-all");
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
        box.checked = element.checked;
      });
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-next-here]") && form.next) {
      form.next.value = here();
    }
  });
})();
