(function () {
  var root = document.getElementById("root") || document.getElementById("app");
  fetch("/api/storefront.json")
    .then(function (r) { return r.json(); })
    .then(function (data) { root.dataset.ready = "1"; window.__STORE__ = data; });
})();
