/* A search box over the national division list that submits the chosen division's code. */
(function () {
  if (window.divisionPickerLoaded) return;
  window.divisionPickerLoaded = true;

  function setUp(picker) {
    var chosen = picker.querySelector("[data-division-chosen]");
    window.fangkongAutocomplete({
      code: picker.querySelector("[data-division-code]"),
      text: picker.querySelector("[data-division-text]"),
      list: picker.querySelector("[data-division-suggestions]"),
      name: function (division) { return division.full_name; },
      url: function (query) {
        return picker.dataset.searchUrl + "?level=" + encodeURIComponent(picker.dataset.levels) + "&q=" + encodeURIComponent(query);
      },
      picked: function (division) { chosen.textContent = division ? division.code : ""; },
    });
  }

  window.fangkongDivisionPicker = setUp;  // for pickers added to the page later (a new row of a form)

  function init() { document.querySelectorAll(".division-picker").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
