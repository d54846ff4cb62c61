// Similar threads while a fan composes one: the engine's nearest existing problems, with
// a one-tap "me too" instead of a duplicate. The form works the same without it.
(function () {
  "use strict";

  var form = document.getElementById("thread-form");
  var box = document.getElementById("similar-threads");
  if (!form || !box || !window.fetch) return;
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var product = form.querySelector("[name=product]");
  var kind = form.querySelector("[name=kind]");
  var list = box.querySelector(".similar-list");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]");
  var timer = null;
  var last = "";
  var DELAY = 300;

  function query() {
    var params = new URLSearchParams();
    params.set("title", title ? title.value : "");
    params.set("body", body ? body.value.slice(0, 2000) : "");
    if (product && product.value) params.set("product", product.value);
    return params.toString();
  }

  function render(results) {
    list.textContent = "";
    results.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "similar-item";
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      link.target = "_blank";
      link.rel = "noopener";
      var count = document.createElement("span");
      count.className = "similar-count muted";
      count.textContent = item.me_too + " " + box.dataset.labelCount;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "me-too small similar-me-too";
      button.textContent = box.dataset.labelMeToo;
      button.addEventListener("click", function () { meToo(item, button, count); });
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(count);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
      list.appendChild(li);
    });
    box.hidden = results.length === 0;
  }

  function meToo(item, button, count) {
    var data = new FormData();
    if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
    button.disabled = true;
    fetch(form.dataset.meTooUrl.replace("/0/", "/" + item.id + "/"), {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (result) {
          if (!response.ok) throw new Error(result.error || response.statusText);
          return result;
        });
      })
      .then(function (result) {
        count.textContent = result.count + " " + box.dataset.labelCount;
        button.classList.toggle("active", result.active);
        button.setAttribute("aria-pressed", result.active ? "true" : "false");
        var done = document.createElement("p");
        done.className = "similar-done";
        done.setAttribute("role", "status");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = box.dataset.labelDone;
        done.appendChild(link);
        button.parentNode.appendChild(done);
      })
      .catch(function (error) {
        button.disabled = false;
        button.title = error.message || box.dataset.labelError;
        window.location.href = item.url;  // the thread page has the plain "me too" form
      });
  }

  function lookUp() {
    if (kind && kind.value && kind.value !== "problem") { render([]); return; }
    var q = query();
    var typed = (title ? title.value : "") + (body ? body.value : "");
    if (typed.trim().length < 4) { render([]); return; }
    if (q === last) return;
    last = q;
    fetch(form.dataset.similarUrl + "?" + q, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (q === last) render(data.results || []); })
      .catch(function () { /* suggestions are a convenience: stay quiet */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(lookUp, DELAY);
  }

  [title, body].forEach(function (el) { if (el) el.addEventListener("input", later); });
  [product, kind].forEach(function (el) { if (el) el.addEventListener("change", later); });
})();
