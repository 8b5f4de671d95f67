// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', function () {
  // Show/hide password buttons (hidden until this script runs, since they need it).
  document.querySelectorAll('button.toggle-password').forEach(function (button) {
    var input = document.getElementById(button.dataset.target);
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      button.textContent = show ? button.dataset.hide : button.dataset.show;
      button.setAttribute('aria-pressed', String(show));
    });
  });
  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector('.error-summary');
  if (summary) { summary.focus(); }
});
