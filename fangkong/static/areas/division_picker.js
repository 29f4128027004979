/* A search box over the national division list that submits the chosen division's code. */
(function () {
  if (window.divisionPickerLoaded) return;
  window.divisionPickerLoaded = true;

  function setUp(picker) {
    var code = picker.querySelector("[data-division-code]");
    var text = picker.querySelector("[data-division-text]");
    var list = picker.querySelector("[data-division-suggestions]");
    var chosen = picker.querySelector("[data-division-chosen]");
    var timer = null;
    var seq = 0;

    function hide() { list.classList.add("d-none"); text.setAttribute("aria-expanded", "false"); }

    function pick(item) {
      code.value = item.code;
      text.value = item.full_name;
      chosen.textContent = item.code;
      hide();
    }

    function show(results) {
      list.innerHTML = "";
      results.forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action py-2";
        button.setAttribute("role", "option");
        button.textContent = item.full_name + " · " + item.code;
        button.addEventListener("mousedown", function (event) { event.preventDefault(); pick(item); });
        button.addEventListener("click", function () { pick(item); });
        list.appendChild(button);
      });
      list.classList.toggle("d-none", results.length === 0);
      text.setAttribute("aria-expanded", results.length ? "true" : "false");
    }

    function search() {
      var query = text.value.trim();
      if (!query) { show([]); return; }
      var mine = ++seq;
      var url = picker.dataset.searchUrl + "?level=" + encodeURIComponent(picker.dataset.levels) + "&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === seq) show(data.results); })
        .catch(function () { show([]); });
    }

    text.addEventListener("input", function () {
      code.value = "";  // typed again: the box is submitted as typed until a suggestion is picked
      chosen.textContent = "";
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

  function init() { document.querySelectorAll(".division-picker").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
