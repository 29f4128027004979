// Fill sex and birth date from an 18-character ID number as it is typed (the server does it too).
(function () {
  var id = document.getElementById("id_id_number"), sex = document.getElementById("id_sex"),
      born = document.getElementById("id_birth_date");
  if (!id) return;
  id.addEventListener("input", function () {
    var v = id.value.replace(/\s/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) return;
    var d = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14);
    if (isNaN(Date.parse(d))) return;
    if (sex) sex.value = parseInt(v.charAt(16), 10) % 2 ? "male" : "female";
    if (born) born.value = d;
  });
})();
