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

// Live strength meter on new-password fields: asks the server (the only judge) and shows its
// estimate and the rules still broken. The form works the same without it.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('input[data-strength]').forEach(function (input) {
    var out = document.getElementById(input.dataset.strength);
    if (!out || !window.fetch) { return; }
    var levels = (out.dataset.levels || '').split('|');
    var timer = null;
    var sequence = 0;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++sequence;
        if (!input.value) { out.textContent = ''; return; }
        fetch('/api/v1/password-checks', {
          method: 'POST', credentials: 'same-origin',
          headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
          body: JSON.stringify({password: input.value})
        }).then(function (r) { return r.ok ? r.json() : null; }).then(function (verdict) {
          if (!verdict || mine !== sequence) { return; }
          var g = verdict.estimatedGuessesLog10;
          var level = g < 6 ? 0 : g < 10 ? 1 : g < 14 ? 2 : 3;
          out.textContent = '';
          var meter = document.createElement('meter');
          meter.min = 0; meter.max = 20; meter.low = 10; meter.high = 14; meter.optimum = 20;
          meter.value = Math.min(g, 20);
          meter.setAttribute('aria-hidden', 'true');
          var label = document.createElement('p');
          label.textContent = out.dataset.label + ' ' + (levels[level] || '') + ' (10^' + g + ')';
          out.appendChild(meter);
          out.appendChild(label);
          if (verdict.violations.length) {
            var list = document.createElement('ul');
            verdict.violations.forEach(function (v) {
              var item = document.createElement('li');
              item.textContent = v.message;
              list.appendChild(item);
            });
            out.appendChild(list);
          }
        }).catch(function () { /* the server judges at submit anyway */ });
      }, 250);
    });
  });
});
