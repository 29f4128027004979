// The isolation site and room of an observation: shown for a centralised one only, and the room
// list narrowed to the chosen site's rooms. Without JavaScript every field shows and the server
// checks that the room is in the site.
(function () {
  var kind = document.querySelector("[data-kind-select]");
  var site = document.querySelector("[data-site-select]");
  var room = document.querySelector("[data-room-select]");
  if (!site || !room) {
    return;
  }
  function wrapper(field) {
    return field.closest(".mb-3") || field;
  }
  function showPlace() {
    var centralised = !kind || kind.value === "centralised";
    [site, room].forEach(function (field) {
      wrapper(field).classList.toggle("d-none", !centralised);
      if (!centralised) {
        field.value = "";  // a home observation names no site
      }
    });
  }
  function narrowRooms() {
    Array.prototype.forEach.call(room.options, function (option) {
      var other = option.dataset.site !== undefined && option.dataset.site !== site.value;
      option.hidden = other;
      option.disabled = other;
      if (other && option.selected) {
        room.value = "";
      }
    });
  }
  if (kind) {
    kind.addEventListener("change", showPlace);
    showPlace();
  }
  site.addEventListener("change", narrowRooms);
  narrowRooms();
})();
