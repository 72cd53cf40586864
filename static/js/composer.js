/* The composer: draft autosave, @mention autocomplete, quoting the selected
   text of a post, replies to a post, attachments and suggested tags.
   Everything here is an enhancement: without JavaScript the forms post as
   plain HTML forms and the server does the same work. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function insertAtCaret(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start), after = textarea.value.slice(end);
    textarea.value = before + text + after;
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /* Drafts ------------------------------------------------------------- */
  function setupDrafts(form) {
    var urlInput = form.querySelector("input[name=draft_url]");
    if (!urlInput) return;
    var status = form.querySelector(".draft-status");
    var save = debounce(function () {
      var data = new FormData(form);
      var topic = form.querySelector("input[name=topic]");
      if (topic) data.set("topic", topic.value);
      data.delete("upload");
      fetch(urlInput.value, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (text) {
        if (status && text) status.textContent = text.trim();
      }).catch(function () { /* offline: the next keystroke tries again */ });
    }, 1200);
    form.addEventListener("input", function (event) {
      if (event.target.name === "raw" || event.target.name === "title" || event.target.name === "tags") save();
    });
  }

  /* @mentions ---------------------------------------------------------- */
  function setupMentions(textarea) {
    var url = textarea.dataset.mentionUrl;
    var list = textarea.parentElement.querySelector(".mention-suggestions");
    if (!url || !list) return;
    var active = -1, items = [];
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      textarea.removeAttribute("aria-activedescendant");
      textarea.setAttribute("aria-expanded", "false");
    }
    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (items[index]) textarea.setAttribute("aria-activedescendant", items[index].id);
    }
    function choose(index) {
      var item = items[index];
      if (!item) return;
      var caret = textarea.selectionStart;
      var before = textarea.value.slice(0, caret).replace(/@[\w.\-]*$/, "@" + item.dataset.username + " ");
      textarea.value = before + textarea.value.slice(caret);
      textarea.selectionStart = textarea.selectionEnd = before.length;
      close();
      textarea.focus();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var lookup = debounce(function (prefix) {
      fetch(url + "?q=" + encodeURIComponent(prefix), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.innerHTML = "";
          items = data.results.map(function (person, i) {
            var li = document.createElement("li");
            li.id = list.id + "-" + i;
            li.setAttribute("role", "option");
            li.dataset.username = person.username;
            li.textContent = "@" + person.username + (person.name ? " — " + person.name : "");
            li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
            list.appendChild(li);
            return li;
          });
          if (items.length) {
            list.hidden = false;
            textarea.setAttribute("aria-expanded", "true");
            highlight(0);
          } else { close(); }
        }).catch(close);
    }, 200);

    textarea.addEventListener("input", function () {
      var match = textarea.value.slice(0, textarea.selectionStart).match(/(^|\s)@([\w.\-]{1,30})$/);
      if (match) lookup(match[2]); else close();
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    textarea.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* Replies and quotes ------------------------------------------------- */
  function setupReplies(form) {
    var textarea = form.querySelector("textarea[name=raw]");
    var replyTo = form.querySelector("input[name=reply_to]");
    var credit = document.getElementById("quote-credit");

    document.querySelectorAll(".reply-link").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (replyTo) replyTo.value = link.dataset.replyTo;
        textarea.focus();
      });
    });

    var currentButton = null;
    document.addEventListener("selectionchange", function () {
      var selection = document.getSelection();
      var text = selection ? selection.toString().trim() : "";
      var node = selection && selection.anchorNode;
      var body = node && (node.nodeType === 1 ? node : node.parentElement).closest(".post-body[data-post-number]");
      if (currentButton && (!text || !body)) { currentButton.hidden = true; currentButton = null; }
      if (!text || !body) return;
      var article = body.closest(".post");
      var button = article && article.querySelector(".quote-button");
      if (!button) return;
      if (currentButton && currentButton !== button) currentButton.hidden = true;
      button.hidden = false;
      button.dataset.selection = text;
      button.dataset.author = body.dataset.author || "";
      currentButton = button;
    });

    document.querySelectorAll(".quote-button").forEach(function (button) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        var text = button.dataset.selection || "";
        if (!text) return;
        var permalink = button.closest(".post").querySelector(".post-date").getAttribute("href");
        // A <template>'s text lives in its .content fragment, not in the element.
        var line = (credit ? credit.content.textContent.trim() : "@AUTHOR [wrote](URL):")
          .replace("AUTHOR", button.dataset.author).replace("URL", permalink);
        var quote = "> " + line + "\n" + text.split(/\r?\n/).map(function (l) { return l ? "> " + l : ">"; }).join("\n") + "\n\n";
        if (replyTo) replyTo.value = button.dataset.replyTo;
        if (textarea.value && !/\n\n$/.test(textarea.value)) textarea.value += "\n\n";
        textarea.selectionStart = textarea.selectionEnd = textarea.value.length;
        insertAtCaret(textarea, quote);
        button.hidden = true;
      });
    });
  }

  /* Attachments -------------------------------------------------------- */
  function setupUploads(form) {
    var input = form.querySelector("input[type=file][data-upload-url]");
    var textarea = form.querySelector("textarea[name=raw]");
    if (!input || !textarea) return;
    var status = form.querySelector(".upload-status");
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      var data = new FormData();
      data.append("upload", input.files[0]);
      if (status) status.textContent = "…";
      fetch(input.dataset.uploadUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      }).then(function (r) { return r.json(); }).then(function (result) {
        if (result.error) { if (status) status.textContent = result.error; return; }
        insertAtCaret(textarea, result.markdown + "\n");
        if (status) status.textContent = result.name;
        input.value = "";
      }).catch(function () { if (status) status.textContent = "⚠"; });
    });
  }

  /* Suggested tags ----------------------------------------------------- */
  function setupTags(form) {
    var input = form.querySelector("input[name=tags]");
    if (!input) return;
    form.querySelectorAll(".tag-suggestion").forEach(function (button) {
      button.addEventListener("click", function () {
        var tags = input.value.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
        if (tags.indexOf(button.dataset.tag) === -1) tags.push(button.dataset.tag);
        input.value = tags.join(", ");
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  document.querySelectorAll("form.composer").forEach(function (form) {
    // htmx renders the live preview; the no-JavaScript preview button is not needed.
    if (window.htmx) form.querySelectorAll("[data-preview-button]").forEach(function (b) { b.hidden = true; });
    var textarea = form.querySelector("textarea[name=raw]");
    setupDrafts(form);
    if (textarea) setupMentions(textarea);
    if (textarea) setupReplies(form);
    setupUploads(form);
    setupTags(form);
  });
})();
