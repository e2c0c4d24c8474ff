// openpromo admin UI: the little behaviour htmx does not give by itself.

// Upload progress: htmx fires xhr:progress on the form while the file is sent.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form") : null;
  var bar = form ? form.querySelector("progress") : null;
  if (bar && event.detail.lengthComputable) {
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});
