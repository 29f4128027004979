/* A search box over the user's areas (the areas API) that submits the chosen area's code. */
(function () {
  if (window.areaPickerLoaded) return;
  window.areaPickerLoaded = true;

  function name(area) {  // 竹林关村 第一网格: grids of different villages share names
    return (area.level === "grid" && area.parent_name ? area.parent_name + " " : "") + area.short_name;
  }

  function setUp(picker) {
    var code = picker.querySelector("[data-area-code]");
    var text = picker.querySelector("[data-area-text]");
    var list = picker.querySelector("[data-area-suggestions]");
    var timer = null;
    var seq = 0;

    function hide() { list.classList.add("d-none"); text.setAttribute("aria-expanded", "false"); }

    function pick(area) {
      code.value = area.code;
      text.value = name(area);
      hide();
    }

    function show(results) {
      list.innerHTML = "";
      results.forEach(function (area) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action py-2 text-break";
        button.setAttribute("role", "option");
        button.textContent = name(area) + " · " + area.code;
        button.addEventListener("mousedown", function (event) { event.preventDefault(); pick(area); });
        button.addEventListener("click", function () { pick(area); });
        list.appendChild(button);
      });
      list.classList.toggle("d-none", results.length === 0);
      text.setAttribute("aria-expanded", results.length ? "true" : "false");
    }

    function search() {
      var query = text.value.trim();
      if (!query) { show([]); return; }
      var mine = ++seq;
      var url = picker.dataset.searchUrl + "?page_size=10&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === seq) show(data.results || []); })
        .catch(function () { show([]); });
    }

    text.addEventListener("input", function () {
      code.value = "";  // typed again: the text is submitted as typed until an area is picked
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !list.classList.contains("d-none") && list.firstChild) {
        event.preventDefault();
        list.firstChild.click();
      } else if (event.key === "Escape") {
        hide();
      }
    });
    text.addEventListener("blur", function () { setTimeout(hide, 150); });
  }

  function init() { document.querySelectorAll(".area-picker").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
