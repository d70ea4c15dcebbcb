/* newsgraph: progressive enhancement only. Every page works without this file.
   - "/" focuses the search box (Escape leaves it);
   - as-you-type search on the search page: debounced fetches to /api/search (and entities,
     quotes), results drawn with DOM calls and textContent only: article text is never parsed
     as HTML;
   - the upload form: one file at a time to /api/ingest, with progress and per-file errors. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* ---- keyboard ---------------------------------------------------------------------- */
  document.addEventListener("keydown", function (ev) {
    var box = document.getElementById("q");
    if (!box) return;
    var t = ev.target, tag = t && t.tagName;
    var typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable);
    if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      box.focus();
      box.select();
    } else if (ev.key === "Escape" && t === box) {
      box.blur();
    }
  });

  /* ---- as-you-type search ------------------------------------------------------------- */
  var page = document.querySelector("[data-live-search]");
  var form = document.getElementById("search");
  if (page && form) {
    var box = document.getElementById("q");
    var timer = null, inflight = null, last = null;
    var FILTERS = ["date_from", "date_to", "outlet", "language", "story", "entity", "speaker"];

    var params = function () {
      var p = new URLSearchParams();
      new FormData(form).forEach(function (v, k) {
        if (typeof v === "string" && v.trim()) p.set(k, v.trim());
      });
      return p;
    };

    var hasFilter = function (p) {
      return FILTERS.some(function (k) { return p.has(k); });
    };

    var hitItem = function (h) {
      var meta = [h.outlet, h.published].filter(Boolean).map(function (x) { return "· " + x; });
      var snippet = el("p", { "class": "snippet" });
      (h.snippet_parts || []).forEach(function (part) {
        snippet.appendChild(part[1] ? el("mark", {}, [part[0]]) : document.createTextNode(part[0]));
      });
      return el("li", {}, [
        el("a", { href: "/article/" + encodeURIComponent(h.id) }, [h.title || "(no title)"]), " ",
        el("span", { "class": "dim" }, [meta.join(" ")]), snippet]);
    };

    var facetLists = function (res, base) {
      var aside = document.getElementById("facets");
      clear(aside);
      [["outlet", "Outlets"], ["language", "Languages"]].forEach(function (f) {
        var rows = (res.facets && res.facets[f[0]]) || [];
        if (!rows.length) return;
        var ul = el("ul", { "class": "facet-list", "data-facet": f[0] });
        rows.slice(0, 12).forEach(function (row) {
          var link;
          if (row[0]) {
            var p = new URLSearchParams(base);
            p.set(f[0], row[0]);
            link = el("a", { href: "/?" + p.toString() }, [row[0]]);
          } else {
            link = el("span", { "class": "dim" }, ["none"]);
          }
          ul.appendChild(el("li", {}, [link, " ", el("span", { "class": "count" }, [String(row[1])])]));
        });
        aside.appendChild(el("h2", {}, [f[1]]));
        aside.appendChild(ul);
      });
    };

    var show = function (res, p, ents, quotes) {
      var q = p.get("q") || "";
      document.getElementById("home").hidden = true;
      document.getElementById("results").hidden = false;
      var chart = document.getElementById("results-chart");
      if (chart) chart.hidden = true; /* drawn by the server: stale once the query changes */
      var count = document.getElementById("count");
      clear(count);
      count.appendChild(document.createTextNode(res.total + " article(s) "));
      if (q) {
        count.appendChild(document.createTextNode("match "));
        count.appendChild(el("q", {}, [q]));
      } else {
        count.appendChild(document.createTextNode("with these filters"));
      }
      var note = document.getElementById("note");
      note.textContent = res.note || "";
      note.hidden = !res.note;
      var hits = document.getElementById("hits");
      clear(hits);
      hits.setAttribute("start", "1");
      res.hits.forEach(function (h) { hits.appendChild(hitItem(h)); });
      var pager = document.getElementById("pager");
      clear(pager);
      if (res.total > res.hits.length) {
        var next = new URLSearchParams(p);
        next.set("offset", String(res.hits.length));
        pager.appendChild(el("a", { href: "/?" + next.toString() }, ["next"]));
      }
      facetLists(res, p);
      var more = document.getElementById("more-results");
      more.hidden = !q;
      if (q && ents && quotes) {
        var eu = document.getElementById("ent-hits"), qu = document.getElementById("quote-hits");
        clear(eu);
        clear(qu);
        ents.forEach(function (e) {
          eu.appendChild(el("li", {}, [el("a", { href: "/entity/" + encodeURIComponent(e.id) }, [e.name]), " ",
            el("span", { "class": "dim" }, [e.type + " · " + e.mention_count + " mention(s)"])]));
        });
        quotes.forEach(function (qt) {
          qu.appendChild(el("li", { "class": "quote" }, [
            el("blockquote", {}, ["\u201c" + qt.text + "\u201d"]),
            el("p", { "class": "meta" }, [(qt.speaker || "unknown speaker") + " · " + qt.type + " · ",
              el("a", { href: "/quote/" + encodeURIComponent(qt.id) }, ["versions"])])]));
        });
        if (!ents.length) eu.appendChild(el("li", { "class": "dim" }, ["none"]));
        if (!quotes.length) qu.appendChild(el("li", { "class": "dim" }, ["none"]));
        document.getElementById("ent-count").textContent = "Entities (" + ents.length + (ents.length === 10 ? "+" : "") + ")";
        document.getElementById("quote-count").textContent = "Quotes (" + quotes.length + (quotes.length === 10 ? "+" : "") + ")";
      }
      page.setAttribute("data-state", "done");
    };

    var getJSON = function (url, signal) {
      return fetch(url, { signal: signal, headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) throw new Error(typeof body.detail === "string" ? body.detail : "bad request");
            return body;
          });
        });
    };

    var run = function () {
      var p = params();
      var key = p.toString();
      if (key === last) return;
      last = key;
      if (inflight) inflight.abort();
      if (!p.get("q") && !hasFilter(p)) {  /* back to the start page, as the server draws it */
        document.getElementById("home").hidden = false;
        document.getElementById("results").hidden = true;
        history.replaceState(null, "", "/");
        return;
      }
      inflight = new AbortController();
      var signal = inflight.signal;
      page.setAttribute("data-state", "loading");
      var api = new URLSearchParams(p);
      api.set("limit", "20");
      api.set("facets", "true");
      api.set("prefix", "true");
      var q = p.get("q");
      var side = q ? [
        getJSON("/api/entities?" + new URLSearchParams({ q: q, limit: "10" }), signal),
        getJSON("/api/quotes?" + new URLSearchParams({ q: q, limit: "10", prefix: "true" }), signal)
      ] : [Promise.resolve(null), Promise.resolve(null)];
      Promise.all([getJSON("/api/search?" + api.toString(), signal)].concat(side))
        .then(function (all) {
          show(all[0], p, all[1], all[2]);
          /* the URL says the last word was read as a prefix: reloading or sharing it, or
             pressing Enter, shows these same results */
          history.replaceState(null, "", "/?" + key + (q ? "&prefix=1" : ""));
        })
        .catch(function (err) {
          if (err.name === "AbortError") return;
          var note = document.getElementById("note");
          document.getElementById("results").hidden = false;
          note.textContent = err.message;
          note.hidden = false;
          page.setAttribute("data-state", "error");
        });
    };

    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(run, 180);
    };
    last = params().toString();  /* what the server drew */
    /* submit without the empty filter fields: /?q=x, not /?q=x&date_from=&outlet=&... */
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var p = params();
      var s = p.toString() + (p.get("q") ? "&prefix=1" : "");
      location.assign(s ? "/?" + s : "/");
    });
    box.addEventListener("input", later);
    form.addEventListener("change", later);
    document.querySelectorAll("[form=search]").forEach(function (f) {
      f.addEventListener("input", later);
      f.addEventListener("change", later);
    });
  }

  /* ---- upload ------------------------------------------------------------------------- */
  var up = document.getElementById("upload-form");
  if (up) {
    var list = document.getElementById("upload-list"), done = document.getElementById("upload-done");
    var max = parseInt(up.getAttribute("data-max"), 10);
    var suffixes = up.getAttribute("data-suffixes").split(" ");

    var sendOne = function (file, item) {
      var bar = el("progress", { max: "100", value: "0", "aria-label": "upload of " + file.name });
      var status = el("span", { "class": "status" }, ["waiting"]);
      item.appendChild(bar);
      item.appendChild(status);
      var fail = function (msg) {
        item.className = "failed";
        status.textContent = "error: " + msg;
        return { ok: false };
      };
      var lower = file.name.toLowerCase();
      if (!suffixes.some(function (s) { return lower.endsWith(s); })) {
        return Promise.resolve(fail("unsupported file type (use " + suffixes.join(", ") + ")"));
      }
      if (file.size > max) return Promise.resolve(fail("larger than " + max + " bytes"));
      return new Promise(function (resolve) {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", "/api/ingest?filename=" + encodeURIComponent(file.name));
        xhr.upload.onprogress = function (ev) {
          if (ev.lengthComputable) bar.value = Math.round(100 * ev.loaded / ev.total);
          status.textContent = "uploading";
        };
        xhr.upload.onload = function () { bar.value = 100; status.textContent = "ingesting"; };
        xhr.onerror = function () { resolve(fail("the server did not answer")); };
        xhr.onload = function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
          if (xhr.status !== 200 || !body) {
            var detail = body && body.detail;
            resolve(fail(typeof detail === "string" ? detail : "HTTP " + xhr.status));
            return;
          }
          bar.value = 100;
          var s = body.summary;
          var words = s.articles_new + " article(s) added, " + s.articles_known + " already stored";
          if (body.errors.length) {
            item.className = "failed";
            status.textContent = words + "; " + body.errors.length + " error(s):";
            var errs = el("ul", { "class": "errors" });
            body.errors.forEach(function (e) {
              errs.appendChild(el("li", {}, [e.code + " " + e.message]));
            });
            item.appendChild(errs);
          } else {
            item.className = "ok";
            status.textContent = words;
          }
          resolve({ ok: !body.errors.length, added: s.articles_new });
        };
        xhr.send(file);
      });
    };

    up.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var files = Array.prototype.slice.call(document.getElementById("files").files);
      if (!files.length) return;
      clear(list);
      done.hidden = true;
      up.setAttribute("data-state", "busy");
      var ok = 0, bad = 0, added = 0;
      files.reduce(function (chain, file) {
        return chain.then(function () {
          var item = el("li", {}, [el("strong", {}, [file.name]), " "]);
          list.appendChild(item);
          return sendOne(file, item).then(function (r) {
            if (r.ok) { ok += 1; } else { bad += 1; }
            added += r.added || 0;
          });
        });
      }, Promise.resolve()).then(function () {
        done.textContent = files.length + " file(s): " + ok + " read, " + bad + " with errors; " +
          added + " article(s) added.";
        done.hidden = false;
        up.setAttribute("data-state", "done");
      });
    });
  }
})();
