// Column choices and page size apply as soon as they change (the form is also plain GET without JS).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.filter-form").forEach(function (form) {
    form.addEventListener("change", function () {
      if (!window.htmx) { form.submit(); }
    });
  });
});
