/* A post's permalink (/forum/t/<slug>/<id>/<number>/) opens the page that
   holds the post, marked .post-focus and `autofocus`, which brings it into
   view without JavaScript. This aligns it with the top of the window, as a
   link to #post-<number> does, also in browsers that autofocus form fields
   only. */
(function () {
  "use strict";
  if (window.location.hash) return;
  var post = document.querySelector(".post-focus");
  if (!post) return;
  post.setAttribute("tabindex", "-1");
  post.scrollIntoView({ block: "start" });
  post.focus({ preventScroll: true });
})();
