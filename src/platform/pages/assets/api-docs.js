/* global document, MutationObserver */
// Accessibility fixes for Swagger UI on /docs: names for controls it renders without one.
// Served from this origin, so the page's Content-Security-Policy ('self') allows it.
(function () {
  function label() {
    var servers = document.getElementById('servers');
    if (servers && !servers.getAttribute('aria-label')) servers.setAttribute('aria-label', 'Server');
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
  label();
})();
