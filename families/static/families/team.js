// The family team form: choosing an operator fills in the role in the team from the person's professional
// profile (the option's data-role), unless the role was typed by hand. The server does the same when the role
// is left empty, so the form works without this script too.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fills-role]")) return;
    var role = document.getElementById(select.getAttribute("data-fills-role"));
    if (!role) return;
    var option = select.options[select.selectedIndex];
    var profile = option ? option.getAttribute("data-role") || "" : "";
    // Replace only what this script wrote (or an empty field), never the user's own words.
    if (role.value === "" || role.value === role.getAttribute("data-filled")) {
      role.value = profile;
      role.setAttribute("data-filled", profile);
    }
  });
})();
