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

  // The weekly hours grid: the arrow keys move between its cells as in a spreadsheet (left and right only once
  // the caret is at the edge of the text, so that it can still be moved inside a cell), skipping locked days;
  // Enter saves the cell it is in, not the whole week (the form's button does that, and a page without
  // JavaScript still has it).
  function enabledCell(td) {
    var input = td && td.querySelector(".hours-cell");
    return input && !input.disabled ? input : null;
  }

  function cellBeside(td, step) {
    for (var other = step < 0 ? td.previousElementSibling : td.nextElementSibling; other;
      other = step < 0 ? other.previousElementSibling : other.nextElementSibling) {
      if (enabledCell(other)) return enabledCell(other);
    }
    return null;
  }

  function cellAbove(td, step) {
    var rows = td.parentElement.parentElement.rows;
    for (var i = td.parentElement.sectionRowIndex + step; i >= 0 && i < rows.length; i += step) {
      var found = enabledCell(rows[i].cells[td.cellIndex]);
      if (found) return found;
    }
    return null;
  }

  function caretAt(input, edge) {
    var start = input.selectionStart, end = input.selectionEnd, length = input.value.length;
    if (start === 0 && end === length) return true;  // the whole value selected, as after Tab or an arrow
    return edge === "start" ? end === 0 : start === length;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("hours-cell")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) return;
    var td = input.closest("td");
    if (event.key === "Enter") {
      event.preventDefault();
      if (input.value !== input.defaultValue) input.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    var target = null;
    if (event.key === "ArrowUp") target = cellAbove(td, -1);
    else if (event.key === "ArrowDown") target = cellAbove(td, 1);
    else if (event.key === "ArrowLeft" && caretAt(input, "start")) target = cellBeside(td, -1);
    else if (event.key === "ArrowRight" && caretAt(input, "end")) target = cellBeside(td, 1);
    else return;
    if (event.key === "ArrowUp" || event.key === "ArrowDown" || target) event.preventDefault();
    if (target) {
      target.focus();
      target.select();
    }
  });

  // A table wider than the screen scrolls inside its .table-responsive box. When nothing inside it takes the
  // keyboard focus (a list without links or fields), the box itself does while it scrolls, so that the arrows can
  // scroll it, and says what it is. Boxes whose template already made them focusable are left alone.
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function scrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var managed = box.hasAttribute("data-scroll-focus");
      if (!managed && box.hasAttribute("tabindex")) return;
      var needed = box.scrollWidth > box.clientWidth + 1 && !box.querySelector(FOCUSABLE);
      if (needed && !managed) {
        box.setAttribute("data-scroll-focus", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Tabella: scorri in orizzontale");
      } else if (!needed && managed) {
        ["data-scroll-focus", "tabindex", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollableTables);
  document.addEventListener("htmx:afterSettle", scrollableTables);
  window.addEventListener("resize", scrollableTables);

  // Print buttons.
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
