/* Small page behaviours, no framework (pages must stay light on 2G). */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
