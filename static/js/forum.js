// Small progressive enhancement for the forum; every form works without it.
(function () {
  "use strict";

  function csrfOf(form) {
    var field = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // A form's own action: form.action would be a field of that name, if it had one.
  function post(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || response.statusText);
        return data;
      });
    });
  }

  // --- "me too" and how the fan follows the thread: one tap, no reload -------------------

  function showLevel(level, help) {
    var form = document.querySelector("form.js-follow");
    if (!form) return;
    form.querySelectorAll("button[name=level]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === level ? "true" : "false");
    });
    var text = form.querySelector(".follow-help");
    if (text && help) text.textContent = help;
  }

  document.querySelectorAll("form.js-me-too").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      post(form)
        .then(function (data) {
          button.classList.toggle("active", data.active);
          button.setAttribute("aria-pressed", data.active ? "true" : "false");
          var count = form.querySelector(".count");
          if (count) count.textContent = data.count;
          showLevel(data.level, data.help);
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  });

  document.querySelectorAll("form.js-follow").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      post(form, submitter)
        .then(function (data) { showLevel(data.level, data.help); })
        .catch(function () {
          // Fall back to the plain POST, carrying the level the tapped button chose.
          if (submitter) {
            var level = document.createElement("input");
            level.type = "hidden";
            level.name = submitter.name;
            level.value = submitter.value;
            form.appendChild(level);
          }
          form.submit();
        });
    });
  });

  // --- the new-thread form: firmware versions and the device -----------------------------

  var threadForm = document.getElementById("thread-form");
  var select = threadForm && threadForm.querySelector("select[name=product]");
  if (select) {
    var list = document.getElementById("firmware-suggestions");
    select.addEventListener("change", function () {
      if (!select.value || !list) return;
      fetch(threadForm.dataset.firmwareUrl + "?product=" + encodeURIComponent(select.value))
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.textContent = "";
          data.versions.forEach(function (version) {
            var option = document.createElement("option");
            option.value = version;
            list.appendChild(option);
          });
        });
    });
    // The server read the model from the User-Agent or the client hint when it could;
    // browsers that tell it only to JavaScript are asked here. The fan can change it.
    var models = document.getElementById("device-models");
    var note = document.getElementById("device-guess");
    if (!select.value && models && navigator.userAgentData &&
        navigator.userAgentData.getHighEntropyValues) {
      navigator.userAgentData.getHighEntropyValues(["model"]).then(function (hints) {
        var model = (hints.model || "").toUpperCase().replace(/\s/g, "").replace(/^SM-/, "");
        if (!model || select.value) return;
        JSON.parse(models.textContent).some(function (pair) {
          if (pair[1] !== model) return false;
          select.value = String(pair[0]);
          select.dispatchEvent(new Event("change"));
          if (note) { note.textContent = note.dataset.labelBrowser; note.hidden = false; }
          return true;
        });
      }).catch(function () { /* a guess only */ });
    }
  }

  // --- drafts kept in the browser, so a refused post or a lost connection loses nothing --

  var DRAFT = "tanggap-draft:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // A success message names the draft it used up ("draft-sent-new-thread"): forget it.
  document.querySelectorAll(".message").forEach(function (message) {
    message.classList.forEach(function (name) {
      if (name.indexOf("draft-sent-") !== 0) return;
      var store = storage();
      if (!store) return;
      var suffix = ":" + name.slice("draft-sent-".length);
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf(DRAFT) === 0 && key.slice(-suffix.length) === suffix) {
          store.removeItem(key);
        }
      }
    });
  });

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" &&
        el.type !== "button";
    });
  }

  function snapshot(form) {
    var data = { values: {}, files: [] };
    fields(form).forEach(function (el) {
      if (el.type === "file") {
        Array.prototype.forEach.call(el.files || [], function (f) { data.files.push(f.name); });
      } else if (el.type === "radio") {
        if (el.checked) data.values[el.name] = el.value;
      } else if (el.type !== "hidden" || el.name === "reply_to") {
        data.values[el.name] = el.value;
      }
    });
    return data;
  }

  function typed(data) {
    return ["title", "body"].some(function (name) {
      return (data.values[name] || "").trim().length > 0;
    });
  }

  function remindFiles(form, names) {
    var notice = form.querySelector(".files-again");
    var input = form.querySelector("input[type=file]");
    if (!notice || !names.length || (input && input.files.length)) return;
    notice.textContent = notice.dataset.labelNamed.replace("%(names)s", names.join(", "));
    notice.hidden = false;
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var store = storage();
    if (!store) return;
    var key = DRAFT + form.dataset.draft;
    var status = form.querySelector(".draft-status");
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && typed(saved)) {
      var current = snapshot(form);
      if (!typed(current)) {
        // The page came back empty (a new visit, or the browser's back after a failure).
        fields(form).forEach(function (el) {
          if (!(el.name in saved.values) || el.type === "file") return;
          if (el.type === "radio") el.checked = el.value === saved.values[el.name];
          else el.value = saved.values[el.name];
        });
        if (status) { status.textContent = status.dataset.labelRestored; status.hidden = false; }
        form.dispatchEvent(new Event("draft-restored"));
      }
      remindFiles(form, saved.files || []);
    }
    var timer = null;
    function save() {
      var data = snapshot(form);
      if (typed(data)) {
        store.setItem(key, JSON.stringify(data));
        if (status) { status.textContent = status.dataset.labelSaved; status.hidden = false; }
      } else {
        store.removeItem(key);
      }
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 400); });
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });

  // --- the composer: Markdown preview, pasted images, quote and reply, @mentions --------

  document.querySelectorAll(".composer-body").forEach(function (box) {
    var form = box.closest("form");
    var tabs = box.querySelector(".composer-tabs");
    var textarea = box.querySelector("textarea");
    var preview = box.querySelector(".preview");
    if (!tabs || !textarea || !preview) return;
    tabs.hidden = false;
    var write = tabs.querySelector("[data-tab=write]");
    var show = tabs.querySelector("[data-tab=preview]");
    function select(previewing) {
      write.setAttribute("aria-selected", previewing ? "false" : "true");
      show.setAttribute("aria-selected", previewing ? "true" : "false");
      textarea.hidden = previewing;
      preview.hidden = !previewing;
    }
    write.addEventListener("click", function () { select(false); textarea.focus(); });
    show.addEventListener("click", function () {
      select(true);
      if (!textarea.value.trim()) { preview.textContent = preview.dataset.labelEmpty; return; }
      var data = new FormData();
      data.append("body", textarea.value);
      data.append("csrfmiddlewaretoken", csrfOf(form));
      var thread = (form.getAttribute("action") || "").match(/\/t\/(\d+)\//);
      if (thread) data.append("thread", thread[1]);
      fetch(show.dataset.url, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (r) { if (!r.ok) throw new Error(r.statusText); return r.json(); })
        // The server rendered and sanitised it exactly as posting would.
        .then(function (result) { preview.innerHTML = result.html; })
        .catch(function () { preview.textContent = preview.dataset.labelError; });
    });

    // An image pasted into the text becomes a screenshot of the post.
    var input = form.querySelector("input[type=file][name=screenshots]");
    var pasted = form.querySelector(".pasted");
    if (input && window.DataTransfer) {
      var count = 0;
      textarea.addEventListener("paste", function (event) {
        var files = Array.prototype.filter.call(
          (event.clipboardData && event.clipboardData.files) || [],
          function (f) { return f.type.indexOf("image/") === 0; }
        );
        if (!files.length) return;
        event.preventDefault();
        var all = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
        var names = [];
        files.forEach(function (f) {
          count += 1;
          var ext = (f.type.split("/")[1] || "png").replace("jpeg", "jpg");
          var name = f.name && f.name !== "image." + ext ? f.name : "tempel-" + count + "." + ext;
          all.items.add(new File([f], name, { type: f.type }));
          names.push(name);
        });
        input.files = all.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        if (pasted) {
          pasted.textContent = pasted.dataset.label.replace("%(names)s", names.join(", "));
          pasted.hidden = false;
        }
      });
    }
  });

  var replyForm = document.getElementById("reply-form");
  if (replyForm) {
    var replyTo = replyForm.querySelector("[name=reply_to]");
    var replying = replyForm.querySelector(".replying-to");
    var replyBody = replyForm.querySelector("textarea[name=body]");
    document.querySelectorAll(".js-quote").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var source = document.getElementById("post-body-" + link.dataset.post);
        var text = source ? source.innerText.trim() : "";
        if (text.length > 400) text = text.slice(0, 399) + "…";
        var quoted = text.split("\n").map(function (line) { return line ? "> " + line : ">"; });
        replyBody.value = "> @" + link.dataset.author + ":\n" + quoted.join("\n") + "\n\n" +
          replyBody.value;
        replyTo.value = link.dataset.post;
        replying.querySelector(".replying-to-name").textContent = link.dataset.author;
        replying.hidden = false;
        replyForm.scrollIntoView({ block: "start" });
        replyBody.focus();
        replyBody.setSelectionRange(replyBody.value.length, replyBody.value.length);
        replyForm.dispatchEvent(new Event("input"));
      });
    });
    var cancel = replyForm.querySelector(".js-cancel-reply");
    if (cancel) {
      cancel.addEventListener("click", function () {
        replyTo.value = "";
        replying.hidden = true;
        replyForm.dispatchEvent(new Event("input"));
      });
    }

    // "@" and a few letters offer people to mention, the thread's people first.
    var picker = replyForm.querySelector(".mention-picker");
    var asked = "";
    function mentionAtCaret() {
      var before = replyBody.value.slice(0, replyBody.selectionStart);
      var match = before.match(/(^|[^\w@])@([\w.'-]{0,20})$/);
      return match ? match[2] : null;
    }
    function choose(name) {
      var caret = replyBody.selectionStart;
      var before = replyBody.value.slice(0, caret).replace(/@[\w.'-]{0,20}$/, "@" + name + " ");
      replyBody.value = before + replyBody.value.slice(caret);
      replyBody.focus();
      replyBody.setSelectionRange(before.length, before.length);
      picker.hidden = true;
      replyForm.dispatchEvent(new Event("input"));
    }
    if (picker && replyBody) {
      replyBody.addEventListener("input", function () {
        var prefix = mentionAtCaret();
        if (prefix === null) { picker.hidden = true; return; }
        if (prefix === asked && !picker.hidden) return;
        asked = prefix;
        fetch(replyForm.dataset.mentionUrl + "?q=" + encodeURIComponent(prefix),
          { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { people: [] }; })
          .then(function (data) {
            if (prefix !== asked) return;
            picker.textContent = "";
            data.people.forEach(function (person) {
              var li = document.createElement("li");
              li.setAttribute("role", "option");
              var button = document.createElement("button");
              button.type = "button";
              button.className = "secondary small";
              button.textContent = "@" + person.name;
              button.addEventListener("click", function () { choose(person.name); });
              li.appendChild(button);
              picker.appendChild(li);
            });
            picker.hidden = data.people.length === 0;
          })
          .catch(function () { picker.hidden = true; });
      });
    }
  }

  // --- the profile's device picker: type to find a phone among the brands --------------

  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var filter = picker.querySelector(".device-filter");
    var none = picker.querySelector(".device-none");
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      picker.querySelectorAll(".device-brand").forEach(function (group) {
        var brand = group.querySelector("legend").textContent.toLowerCase();
        var any = false;
        group.querySelectorAll(".device-option").forEach(function (option) {
          var text = brand + " " + option.textContent.toLowerCase();
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          option.hidden = !match;
          any = any || match;
        });
        group.hidden = !any;
        if (any) shown += 1;
      });
      none.hidden = shown > 0;
    });
  });
})();
