// Small progressive enhancement for the forum; every form works without it.
(function () {
  "use strict";

  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || response.statusText);
        return data;
      });
    });
  }

  // "Me too": one tap, no reload; the count and pressed state come from the server.
  document.querySelectorAll("form.js-me-too").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      post(form)
        .then(function (data) {
          button.classList.toggle("active", data.active);
          button.setAttribute("aria-pressed", data.active ? "true" : "false");
          form.querySelector(".count").textContent = data.count;
          if (data.following) {
            var follow = document.querySelector("form.js-follow");
            if (follow) setFollowing(follow, true);
          }
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  });

  function setFollowing(form, following) {
    var button = form.querySelector("button");
    form.querySelector("input[name=action]").value = following ? "unfollow" : "follow";
    button.setAttribute("aria-pressed", following ? "true" : "false");
    button.textContent = following ? button.dataset.on : button.dataset.off;
  }

  document.querySelectorAll("form.js-follow").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form)
        .then(function (data) { setFollowing(form, data.following); })
        .catch(function () { form.submit(); });
    });
  });

  // Firmware suggestions follow the chosen device in the new-thread form.
  var threadForm = document.getElementById("thread-form");
  if (threadForm) {
    var select = threadForm.querySelector("select[name=product]");
    var list = document.getElementById("firmware-suggestions");
    if (select && list) {
      select.addEventListener("change", function () {
        if (!select.value) return;
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
    }
  }
})();
