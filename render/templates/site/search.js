// Filters the capability titles of window.capgraphSearchIndex as the reader types.
// Every result is built from text nodes (never innerHTML): titles come from untrusted descriptions.
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var entries = Array.isArray(window.capgraphSearchIndex) ? window.capgraphSearchIndex : [];
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (word) { return word.length > 0; });
  }

  function queryFromHash() {
    var hash = window.location.hash;
    if (hash.indexOf("#q=") !== 0) {
      return null;
    }
    var raw = hash.slice(3).replace(/\+/g, " ");
    try {
      return decodeURIComponent(raw);
    } catch (error) {
      return raw;
    }
  }

  // A page link from the index is trusted only in the shape the site writes: tools/<slug>.html.
  function isSitePage(page) {
    return typeof page === "string" && /^tools\/[a-z0-9._-]+\.html$/.test(page) && page.indexOf("..") < 0;
  }

  function find(query) {
    var wanted = words(query);
    var found = [];
    if (wanted.length === 0) {
      return found;
    }
    for (var i = 0; i < entries.length && found.length < MAX_RESULTS; i += 1) {
      var entry = entries[i];
      if (!entry || !isSitePage(entry.page) || !Array.isArray(entry.capabilities)) {
        continue;
      }
      var toolText = (String(entry.name) + " " + String(entry.kind)).toLowerCase();
      for (var j = 0; j < entry.capabilities.length && found.length < MAX_RESULTS; j += 1) {
        var title = String(entry.capabilities[j]);
        var haystack = title.toLowerCase() + " " + toolText;
        if (wanted.every(function (word) { return haystack.indexOf(word) >= 0; })) {
          found.push({ title: title, ordinal: j, entry: entry });
        }
      }
    }
    return found;
  }

  function show(query) {
    while (results.firstChild) {
      results.removeChild(results.firstChild);
    }
    var found = find(query);
    found.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.setAttribute("href", hit.entry.page + "#cap-" + hit.ordinal);
      link.textContent = hit.title;
      var tool = document.createElement("span");
      tool.className = "tool-name";
      tool.textContent = " — " + String(hit.entry.name) + " (" + String(hit.entry.kind) + ")";
      item.appendChild(link);
      item.appendChild(tool);
      item.setAttribute("data-testid", "search-result");
      results.appendChild(item);
    });
    if (words(query).length === 0) {
      status.textContent = "";
    } else if (found.length === 0) {
      status.textContent = "No capability matches.";
    } else if (found.length >= MAX_RESULTS) {
      status.textContent = "Showing the first " + MAX_RESULTS + " matching capabilities.";
    } else {
      status.textContent = found.length + (found.length === 1 ? " matching capability." : " matching capabilities.");
    }
  }

  function fromHash() {
    var query = queryFromHash();
    if (query !== null) {
      input.value = query;
      show(query);
    }
  }

  if (input && results && status) {
    input.addEventListener("input", function () { show(input.value); });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
  document.documentElement.dataset.searchReady = "1";
})();
