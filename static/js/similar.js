// Similar threads while a fan composes one, right under the title: the engine's nearest
// existing problems (ideas, for a suggestion) with their device, status, age, how many
// have it and the official answer, and a one-tap "me too" (a vote, for an idea) instead
// of a duplicate. The form works the same without it.
(function () {
  "use strict";

  var form = document.getElementById("thread-form");
  var box = document.getElementById("similar-threads");
  if (!form || !box || !window.fetch) return;
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var product = form.querySelector("[name=product]");
  var heading = box.querySelector("h2");
  var list = box.querySelector(".similar-list");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]");
  var timer = null;
  var last = "";
  var DELAY = 300;

  function kind() {
    var checked = form.querySelector("[name=kind]:checked");
    return checked ? checked.value : "problem";
  }

  function query() {
    var params = new URLSearchParams();
    params.set("title", title ? title.value : "");
    params.set("body", body ? body.value.slice(0, 2000) : "");
    params.set("kind", kind());
    if (product && product.value) params.set("product", product.value);
    return params.toString();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render(results) {
    var idea = kind() === "suggestion";
    heading.textContent = idea ? box.dataset.headingSuggestion : box.dataset.headingProblem;
    list.textContent = "";
    results.forEach(function (item) {
      var li = el("li", "similar-item");
      var link = el("a", "similar-title", item.title);
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      li.appendChild(link);
      var meta = el("p", "similar-meta muted");
      [item.product, item.status, item.age].forEach(function (part) {
        if (!part) return;
        if (meta.childNodes.length) meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(el("span", part === item.status ? "similar-status" : "", part));
      });
      li.appendChild(meta);
      if (item.official) {
        var answer = el("p", "similar-official");
        answer.appendChild(el("strong", "", box.dataset.labelOfficial + ": "));
        answer.appendChild(document.createTextNode(item.official));
        li.appendChild(answer);
      }
      var row = el("div", "similar-actions");
      var count = el("span", "similar-count muted", item.people_text);
      var button = el("button", "me-too small similar-me-too",
        idea ? box.dataset.labelVote : box.dataset.labelMeToo);
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { meToo(item, button, idea); });
      row.appendChild(button);
      row.appendChild(count);
      li.appendChild(row);
      list.appendChild(li);
    });
    box.hidden = results.length === 0;
  }

  function meToo(item, button, idea) {
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
        button.classList.toggle("active", result.active);
        button.setAttribute("aria-pressed", result.active ? "true" : "false");
        var done = el("p", "similar-done");
        done.setAttribute("role", "status");
        var link = el("a", "", idea ? box.dataset.labelVoteDone : box.dataset.labelDone);
        link.href = item.url;
        done.appendChild(link);
        button.parentNode.parentNode.appendChild(done);
      })
      .catch(function (error) {
        button.disabled = false;
        button.title = error.message || box.dataset.labelError;
        window.location.href = item.url;  // the thread page has the plain "me too" form
      });
  }

  function lookUp() {
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

  [title, body].forEach(function (node) { if (node) node.addEventListener("input", later); });
  if (product) product.addEventListener("change", later);
  form.querySelectorAll("[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", later);
  });
})();
