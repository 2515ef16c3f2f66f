// The print sheet's one button: the browser's own print dialog (no script inline: the CSP).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-sheet");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
});
