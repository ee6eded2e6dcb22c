// Keyboard shortcuts for the review queues: c / r / s press the decision buttons marked
// data-key, j / k follow the next / previous links. The page works the same without this.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    var el = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (!el) { return; }
    event.preventDefault();
    if (el.disabled) { return; }
    if (el.tagName === "BUTTON") { el.disabled = true; el.form.submit(); } else { el.click(); }
  });
})();
