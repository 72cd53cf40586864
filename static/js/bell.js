/* The notifications bell opens a dropdown of the newest notifications
   instead of leaving the page; a modified click, a failed fetch or no
   JavaScript still opens the list page the bell links to. */
(function () {
  "use strict";
  var bell = document.querySelector(".site-header a.bell");
  if (!bell || !window.fetch) return;
  var panel = document.createElement("div");
  panel.className = "bell-panel";
  panel.id = "bell-panel";
  panel.hidden = true;
  bell.parentNode.appendChild(panel);
  bell.setAttribute("aria-controls", panel.id);
  bell.setAttribute("aria-expanded", "false");

  function setOpen(open) {
    panel.hidden = !open;
    bell.setAttribute("aria-expanded", open ? "true" : "false");
  }

  bell.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (!panel.hidden) {
      setOpen(false);
      return;
    }
    var url = new URL(bell.href, window.location.href);
    url.searchParams.set("panel", "1");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        setOpen(true);
        var first = panel.querySelector("a");
        if (first) first.focus();
      })
      .catch(function () {
        window.location.href = bell.href;
      });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      setOpen(false);
      bell.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!panel.hidden && !panel.contains(event.target) && !bell.contains(event.target)) {
      setOpen(false);
    }
  });
})();
