// A new aim brings its own preset weights: drop the old ones before asking.
(function () {
  document.getElementById("aim").addEventListener("change", (e) => {
    e.target.form.querySelectorAll("input[name^='w.']").forEach((x) => { x.value = ""; });
    e.target.form.requestSubmit();
  });
})();
