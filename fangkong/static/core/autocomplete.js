/* The search-as-you-type list behind the area and division pickers: a text box, a hidden input for the
   chosen item's code and a list of suggestions fetched as the user types. Picking one fills both inputs;
   typing again clears the code, so the box is submitted as typed until a suggestion is picked. */
window.fangkongAutocomplete = window.fangkongAutocomplete || function (options) {
  var code = options.code;
  var text = options.text;
  var list = options.list;
  var timer = null;
  var seq = 0;  // only the latest search may fill the list: answers can arrive out of order

  function hide() { list.classList.add("d-none"); text.setAttribute("aria-expanded", "false"); }

  function pick(item) {
    code.value = item.code;
    text.value = options.name(item);
    if (options.picked) options.picked(item);
    hide();
  }

  function show(results) {
    list.innerHTML = "";
    results.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action py-2 text-break";
      button.setAttribute("role", "option");
      button.textContent = options.name(item) + " · " + item.code;
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
    fetch(options.url(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (mine === seq) show(data.results || []); })
      .catch(function () { show([]); });
  }

  text.addEventListener("input", function () {
    code.value = "";
    if (options.picked) options.picked(null);
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
};
