// PIPPI Portal: the little behaviour the pages need, without inline scripts (the CSP forbids them).
(function () {
  "use strict";

  // Ask for confirmation before submitting forms marked with data-confirm="message".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Disable submit buttons once a form is sent, so that a double click does not post twice.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented || event.target.hasAttribute("hx-post")) return;
    var buttons = event.target.querySelectorAll("button[type=submit], input[type=submit]");
    window.setTimeout(function () {
      buttons.forEach(function (button) { button.disabled = true; });
    }, 0);
  });

  // Print buttons.
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
