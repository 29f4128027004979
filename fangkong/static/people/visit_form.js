// Show the arrival and fever details only when their box is ticked (all shown without JavaScript).
document.querySelectorAll("[data-shown-by]").forEach(function (fieldset) {
  var box = document.getElementById(fieldset.dataset.shownBy);
  var hasErrors = fieldset.querySelector(".invalid-feedback") !== null;
  function sync() { fieldset.classList.toggle("d-none", !box.checked && !hasErrors); }
  box.addEventListener("change", sync);
  sync();
});
