// Submits forms marked data-auto-submit once the page has loaded in a real browser. Used by the availability link
// in reminder mails: the person's click confirms at once, while mail scanners that merely fetch the link (and run
// no scripts) confirm nothing, because only the POST confirms.
(function () {
  "use strict";
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    form.submit();
  });
})();
