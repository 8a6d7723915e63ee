// The year slider writes a date into the date field: 31 December of the year, or today for the
// current year (the reference day of the year-by-year audit). htmx then fetches that picture.
(function () {
  const year = document.getElementById("year");
  const at = document.getElementById("at");
  const label = document.getElementById("year-label");
  const today = year.dataset.today;
  year.addEventListener("input", () => {
    at.value = year.value === today.slice(0, 4) ? today : `${year.value}-12-31`;
    label.textContent = year.value;
  });
  at.addEventListener("change", () => {
    if (/^\d{4}/.test(at.value)) { year.value = at.value.slice(0, 4); label.textContent = year.value; }
  });
})();
