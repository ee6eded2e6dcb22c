/* Quick exit: replace this page in the history, so "back" does not return here.
   Without JavaScript the button is a plain link to the same place. */
document.addEventListener("DOMContentLoaded", function () {
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    window.location.replace(link.href);
  });
});
