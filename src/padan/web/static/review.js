// Keyboard shortcuts of the review queue (documented on the page): j/k next/previous pair,
// a the reason field, s same, b different, r unsure. Keys typed into a field are text, never
// shortcuts; a decision without its reason goes to the reason field (the browser says why).
(function () {
  "use strict";
  var DECISIONS = { s: "same", b: "different", r: "unsure" };

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("section.review-item"));
  }

  function current() {
    return document.querySelector("section.review-item.current") || items()[0] || null;
  }

  function select(item, focus) {
    if (!item) return;
    items().forEach(function (other) {
      other.classList.remove("current");
      other.removeAttribute("aria-current");
    });
    item.classList.add("current");
    item.setAttribute("aria-current", "true");
    if (focus) {
      item.focus({ preventScroll: true });
      item.scrollIntoView({ block: "start" });
    }
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable]"));
  }

  function move(step) {
    var all = items();
    var at = all.indexOf(current());
    var next = all[at + step];
    if (next) {
      select(next, true);
      return;
    }
    // Past the end of the page: the next or previous page, if there is one.
    var link = document.querySelector(step > 0 ? "nav.pages a[rel=next]" : "nav.pages a[rel=prev]");
    if (link) window.location.href = link.href;
  }

  function decide(key) {
    var item = current();
    if (!item) return;
    var reason = item.querySelector("input[name=reason]");
    var button = item.querySelector("button[value=" + DECISIONS[key] + "]");
    if (!button) return;
    if (reason && !reason.value.trim()) {
      reason.focus();
      reason.reportValidity();
      return;
    }
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target)) {
      if (event.key === "Escape") {
        event.target.blur();
        var item = event.target.closest("section.review-item");
        if (item) item.focus({ preventScroll: true });
      }
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "a") {
      var item = current();
      var reason = item && item.querySelector("input[name=reason]");
      if (reason) reason.focus();
    } else if (DECISIONS[key]) decide(key);
    else return;
    event.preventDefault();
  });

  // Enter in a reason field would submit the form's first button ("same"): a decision is
  // made with a button or its key, never by the Enter that ends a sentence.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("section.review-item input[name=reason]")) {
      event.preventDefault();
    }
  });

  // A click or focus inside a pair makes it the current one.
  document.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest("section.review-item");
    if (item && !item.classList.contains("current")) select(item, false);
  });

  document.addEventListener("DOMContentLoaded", function () {
    // After a decision the page comes back at the next pair: show it and give it the focus.
    var item = current();
    if (item) select(item, item.classList.contains("current"));
  });
})();
