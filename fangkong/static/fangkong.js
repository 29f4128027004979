// Behaviour for every page, kept out of the HTML so that the Content-Security-Policy allows no inline script.
(function () {
  // The language menu switches at once (a button does it without JavaScript).
  var language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }
  // A header box ticks every box of its column on the page.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.addEventListener("click", function () {
      document.querySelectorAll('input[name="' + all.dataset.selectAll + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
  // Progress bars carry their width as data: style attributes are refused by the policy, the CSSOM is not.
  // htmx.onLoad runs for the page and again for each part htmx swaps in (a job's progress, polled).
  htmx.onLoad(function (root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.percent + "%";
    });
  });
})();
