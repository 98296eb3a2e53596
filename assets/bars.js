// Progressive enhancement of the 90-day bars: quiet days get their date as a tooltip
// (the server leaves them bare to keep pages small), and arrow keys move between days.
document.querySelectorAll('.bars[data-end]').forEach(function (strip) {
  var days = Array.prototype.slice.call(strip.children);
  var end = Date.parse(strip.getAttribute('data-end') + 'T00:00:00Z');
  var format = { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' };
  days.forEach(function (day, i) {
    if (day.hasAttribute('aria-label')) return;
    var date = new Date(end - (days.length - 1 - i) * 864e5).toLocaleDateString('en-GB', format);
    day.setAttribute('role', 'img');
    day.setAttribute('aria-label', date + (day.classList.contains('n') ? ' · no data' : ' · no downtime'));
    day.tabIndex = -1;
  });
  if (days.length && !days.some(function (d) { return d.tabIndex === 0; })) days[days.length - 1].tabIndex = 0;
  strip.addEventListener('keydown', function (e) {
    var step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    var next = step && days[days.indexOf(document.activeElement) + step];
    if (next) { next.focus(); e.preventDefault(); }
  });
});
