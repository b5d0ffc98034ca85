(function () {
  "use strict";
  var current = [];
  var origin = null;
  var back = document.getElementById("back-to-finding");

  function marks(key) {
    return Array.prototype.slice.call(
      document.querySelectorAll('mark[data-ev="' + CSS.escape(key) + '"]'));
  }

  function highlight(key, scroll) {
    current.forEach(function (el) { el.classList.remove("hl"); });
    document.querySelectorAll(".article.art-hl").forEach(function (el) { el.classList.remove("art-hl"); });
    current = marks(key);
    if (!current.length) { return false; }
    current.forEach(function (el) {
      el.classList.remove("hl");
      void el.offsetWidth; // restart the flash animation
      el.classList.add("hl");
    });
    var art = current[0].closest(".article");
    if (art) { art.classList.add("art-hl"); }
    if (scroll) { current[0].scrollIntoView({block: "center"}); }
    return true;
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-ev]");
    if (a) {
      e.preventDefault();
      var key = a.getAttribute("data-ev");
      if (highlight(key, true)) {
        origin = a;
        history.replaceState(null, "", "#" + key);
        if (back) { back.hidden = false; }
      }
      return;
    }
    if (back && (e.target === back || back.contains(e.target))) {
      e.preventDefault();
      if (origin) {
        origin.scrollIntoView({block: "center"});
        origin.classList.add("ev-origin");
        var o = origin;
        setTimeout(function () { o.classList.remove("ev-origin"); }, 1600);
      }
      back.hidden = true;
    }
  });

  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    if (h.indexOf("ev-") === 0) { highlight(h, true); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
