(function () {
  "use strict";
  // Upgrade form: go to the precomputed guide for the chosen pair.
  var form = document.getElementById("upgrade-form");
  if (form) {
    var guides = (form.getAttribute("data-guides") || "").split(" ");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var from = form.elements["from"].value, to = form.elements["to"].value;
      var href = "upgrade/" + from + "-" + to + ".html";
      var msg = document.getElementById("upgrade-message");
      if (guides.indexOf(href) >= 0) {
        window.location.href = href;
      } else {
        msg.textContent = "Choose an older release on the left than on the right.";
      }
    });
  }
  // Search: every entry of every release, from the JSON in the page; results are text only.
  var data = document.getElementById("search-data");
  var input = document.getElementById("q");
  if (!data || !input) { return; }
  var index = JSON.parse(data.textContent);
  var lower = index.map(function (row) { return (row[0] + " " + row[1] + " " + row[2]).toLowerCase(); });
  var results = document.getElementById("results");
  var count = document.getElementById("count");
  var LIMIT = 200;
  function snippet(text, word) {
    var at = text.toLowerCase().indexOf(word);
    var start = Math.max(0, at - 80);
    return (start > 0 ? "…" : "") + text.slice(start, start + 240) + (start + 240 < text.length ? "…" : "");
  }
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    results.textContent = "";
    if (!words.length) { count.textContent = "Type words to search every entry of every release."; return; }
    var found = 0;
    for (var i = 0; i < index.length; i++) {
      var hay = lower[i], ok = true;
      for (var w = 0; w < words.length; w++) { if (hay.indexOf(words[w]) < 0) { ok = false; break; } }
      if (!ok) { continue; }
      found++;
      if (found > LIMIT) { continue; }
      var row = index[i], li = document.createElement("li"), a = document.createElement("a");
      a.href = row[3];
      a.textContent = row[0] + (row[1] ? " · " + row[1] : "");
      var span = document.createElement("span");
      span.className = "snippet";
      span.textContent = snippet(row[2], words[0]);
      li.appendChild(a);
      li.appendChild(span);
      results.appendChild(li);
    }
    count.textContent = found === 0 ? "No entry matches." :
      found + (found === 1 ? " entry" : " entries") + (found > LIMIT ? " (the first " + LIMIT + " shown)" : "");
  }
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; }
  input.addEventListener("input", run);
  document.getElementById("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  run();
})();
