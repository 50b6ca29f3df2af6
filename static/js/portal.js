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

  // htmx swaps only successful answers; inside an element marked data-swap-errors (the hours grid) a 400
  // is the cell re-rendered with the server's Italian message, so it is shown in place too.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status === 400 && detail.elt.closest && detail.elt.closest("[data-swap-errors]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
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
