// The referral page: focus on the error summary, and members added and removed one block at a time.
(function () {
  "use strict";

  // After an error, focus goes to the summary at the top; its links move focus to the field they name.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      if (!target.matches("input, select, textarea, button")) target.setAttribute("tabindex", "-1");
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }

  var container = document.querySelector("[data-member-blocks]");
  if (!container) return;
  var total = document.getElementById("id_members-TOTAL_FORMS");
  var max = parseInt(document.getElementById("id_members-MAX_NUM_FORMS").value, 10);
  var template = document.getElementById("member-empty-form");
  var addButton = document.querySelector("[data-member-add]");
  var label = container.getAttribute("data-label");

  function visibleBlocks() {
    return container.querySelectorAll("[data-member-block]:not([hidden])");
  }

  function refresh() {
    var blocks = visibleBlocks();
    blocks.forEach(function (block, i) {
      block.querySelector("[data-member-number]").textContent = label + " " + (i + 1);
      // The last block left is never removed: a family has at least one member.
      block.querySelector("[data-member-remove]").hidden = blocks.length < 2;
    });
    addButton.hidden = parseInt(total.value, 10) >= max;
  }

  // With the script, each block has a button instead of the "remove" checkbox it ticks.
  function enhance(block) {
    block.querySelector("[data-member-delete]").hidden = true;
  }

  container.querySelectorAll("[data-member-block]").forEach(enhance);
  refresh();

  addButton.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var wrapper = document.createElement("div");
    wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var block = wrapper.querySelector("[data-member-block]");
    container.appendChild(block);
    total.value = String(index + 1);
    enhance(block);
    refresh();
    block.querySelector("select, input:not([type=hidden])").focus();
  });

  container.addEventListener("click", function (event) {
    var button = event.target.closest("[data-member-remove]");
    if (!button) return;
    var block = button.closest("[data-member-block]");
    block.querySelector("input[name$='-DELETE']").checked = true;
    block.hidden = true;
    refresh();
    // Focus goes to the button that adds a block, or to the last block once no more can be added.
    var blocks = visibleBlocks();
    (addButton.hidden && blocks.length ? blocks[blocks.length - 1].querySelector("select") : addButton).focus();
  });
})();
