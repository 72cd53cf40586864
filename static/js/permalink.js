/* A post's permalink (/forum/t/<slug>/<id>/<number>/) opens the page that
   holds the post, marked .post-focus: bring it into view and give it the
   focus, as a link to #post-<number> does by itself. */
(function () {
  "use strict";
  if (window.location.hash) return;
  var post = document.querySelector(".post-focus");
  if (!post) return;
  post.setAttribute("tabindex", "-1");
  post.scrollIntoView({ block: "start" });
  post.focus({ preventScroll: true });
})();
