/* The passage form: one more person row per tap, cloned from the empty row of the formset (its
   __prefix__ replaced by the next index); the new row's pickers are set up like the page's own.
   Without JavaScript the same button sends the form back with one more row. */
(function () {
  var button = document.getElementById("add-person");
  var template = document.getElementById("person-template");
  var rows = document.getElementById("people-rows");
  if (!button || !template || !rows) return;
  var total = document.getElementById("id_" + button.dataset.prefix + "-TOTAL_FORMS");
  var max = document.getElementById("id_" + button.dataset.prefix + "-MAX_NUM_FORMS");

  function addRow(event) {
    event.preventDefault();
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("[data-row]");
    holder.querySelectorAll("script").forEach(function (script) { script.remove(); });
    rows.appendChild(row);
    total.value = String(index + 1);
    if (window.fangkongAreaPicker) row.querySelectorAll(".area-picker").forEach(window.fangkongAreaPicker);
    if (window.fangkongDivisionPicker) row.querySelectorAll(".division-picker").forEach(window.fangkongDivisionPicker);
    var first = row.querySelector("input[type=text], input:not([type])");
    if (first) first.focus();
  }

  button.addEventListener("click", addRow);
})();
