// Copy buttons of the admin: <button data-copy="ID"> copies the value (or text) of #ID.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var field = document.getElementById(b.getAttribute("data-copy"));
      if (!field) return;
      var text = field.value !== undefined ? field.value : field.textContent;
      if (field.select) field.select();
      var done = function () { b.textContent = "Copied"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
