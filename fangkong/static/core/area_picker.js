/* A search box over the user's areas (the areas API) that submits the chosen area's code. */
(function () {
  if (window.areaPickerLoaded) return;
  window.areaPickerLoaded = true;

  function name(area) {  // 竹林关村 第一网格: grids of different villages share names
    return (area.level === "grid" && area.parent_name ? area.parent_name + " " : "") + area.short_name;
  }

  function setUp(picker) {
    window.fangkongAutocomplete({
      code: picker.querySelector("[data-area-code]"),
      text: picker.querySelector("[data-area-text]"),
      list: picker.querySelector("[data-area-suggestions]"),
      name: name,
      url: function (query) { return picker.dataset.searchUrl + "?page_size=10&q=" + encodeURIComponent(query); },
    });
  }

  window.fangkongAreaPicker = setUp;  // for pickers added to the page later (a new row of a form)

  function init() { document.querySelectorAll(".area-picker").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
