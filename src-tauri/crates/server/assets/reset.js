// The page a link from an email opens: a staff reset (/reset#token=...) or a patient-portal
// invitation or reset (/portal/set-password#token=...). The token travels in the address's
// fragment, which browsers never send to a server, so it stays out of this server's logs, a
// proxy's logs and Referer headers. This script takes it from the fragment, removes it from the
// address bar and the history entry, and posts it in the page's link form (to /reset/status or
// /portal/set-password/status), which answers with the set-password form for the link's
// account (using nothing up), or with the page for a link that cannot be used.
"use strict";
(function () {
  var main = document.getElementById("main");
  if (!main || main.getAttribute("data-mode") !== "link") {
    return;
  }
  var fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  var token = fragment.get("token") || "";
  if (location.hash) {
    history.replaceState(null, "", location.pathname);
  }
  if (!token) {
    document.getElementById("checking").hidden = true;
    document.getElementById("invalid").hidden = false;
    document.querySelector("#invalid h1").focus();
    return;
  }
  document.getElementById("link-token").value = token;
  document.getElementById("link-form").submit();
})();
