/*
 * The header's search box, on Pagefind's index (export/search_index.py).
 *
 * Why a script of our own: Material's search downloads its whole index on
 * every page.  Here nothing is fetched until the reader focuses or types in
 * the box; then Pagefind's own script is imported from this site
 * (pagefind/pagefind.js, next to the pages, so a portal sub-path works) and
 * it fetches only the index chunks of the query's words and the fragments
 * of the results shown.  Opened from disk (file://) a browser refuses to
 * import scripts, so the box says that search needs the site's address.
 *
 * What a first query costs (issue 15: under 300 KB at 1,000 notices): the
 * first answer shows FIRST_SIZE results, so only their page texts (one
 * fragment each, a whole attachment's text on the real site) are fetched
 * before the reader asks for more; and Pagefind runs in the page rather
 * than in its web worker (noWorker), which would be one more script of
 * 12 KB for a search that takes milliseconds.
 *
 * Two bundles (export/search_index.py): a query searches the notices,
 * attachments and unit pages (pagefind/); the 目标责任书, more than half of
 * the pages and mostly their notice's text again, are in a bundle of their
 * own (pagefind-letters/, its own Pagefind script and files), searched only
 * when the reader presses 显示更多结果 after every main result is shown, or
 * when the main bundle found nothing.  So letters always rank after the
 * notices, attachments and units, and a first query never loads them.
 *
 * Results show the title, the notice a page belongs to and Pagefind's
 * excerpt; only text and <mark> are taken from the excerpt, never markup.
 */
(function () {
  "use strict";
  var FIRST_SIZE = 5;
  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 200;
  var TEXT = {
    prompt: "输入文号、任务或单位名称搜索公文",
    loading: "正在加载搜索……",
    searching: "正在搜索……",
    none: "没有找到与“{q}”相关的公文",
    noneMain: "公文、附件和责任单位中没有找到“{q}”；点击“显示更多结果”在目标责任书中查找",
    found: "找到 {n} 个结果",
    failed: "搜索暂时无法使用：搜索索引没有加载成功，请稍后再试。",
    disk: "从本地磁盘打开的网站不能搜索：请通过网站地址（http:// 或 https://）访问本站后再搜索。",
    notice: "所属文件：",
    unit: "责任单位",
  };

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  ready(function () {
    var box = document.querySelector("[data-gk-search]");
    var toggle = document.getElementById("__search");
    if (!box || !toggle) {
      return;
    }
    var input = box.querySelector("[data-gk-search-input]");
    var form = input.form;
    var status = box.querySelector("[data-gk-search-status]");
    var list = box.querySelector("[data-gk-search-results]");
    var more = box.querySelector("[data-gk-search-more]");
    var bundle = new URL(box.getAttribute("data-gk-search"), document.baseURI);
    var letterBundle = new URL(box.getAttribute("data-gk-search-letters"), document.baseURI);
    var loading = {};
    var timer = null;
    var current = fresh("", 0);

    function fresh(query, serial) {
      // letters: null before the letter bundle was searched for this query, then its first result's index;
      // searchingLetters: that search while it runs (a second press of the button waits for it).
      return { query: query, results: [], shown: 0, serial: serial, letters: null, searchingLetters: null };
    }

    function say(text) {
      status.textContent = text;
    }

    function load(url) {
      if (!loading[url.href]) {
        loading[url.href] = import(url.href).then(function (pagefind) {
          // Result URLs start at the site's own folder, wherever it is served.
          var settings = { baseUrl: new URL("../", url).pathname, excerptLength: 40, noWorker: true };
          return pagefind.options(settings).then(function () {
            return pagefind;
          });
        });
        if (url === bundle) {
          say(TEXT.loading);
          loading[url.href].then(
            function () {
              if (!input.value.trim()) {
                say(TEXT.prompt);
              }
            },
            function () {
              say(TEXT.failed);
            },
          );
        }
      }
      return loading[url.href];
    }

    function open() {
      if (!toggle.checked) {
        toggle.checked = true;
      }
      if (window.location.protocol === "file:") {
        say(TEXT.disk);
        return;
      }
      load(bundle);
    }

    function close() {
      toggle.checked = false;
      input.blur();
    }

    function clear() {
      current = fresh("", current.serial + 1);
      list.textContent = "";
      more.hidden = true;
    }

    function excerpt(html) {
      // An inert template: nothing in it runs or loads; only text and <mark> are copied.
      var template = document.createElement("template");
      template.innerHTML = html || "";
      var out = document.createElement("p");
      out.className = "gk-search-result__excerpt";
      template.content.childNodes.forEach(function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          out.appendChild(mark);
        } else {
          out.appendChild(document.createTextNode(node.textContent));
        }
      });
      return out;
    }

    function item(data) {
      var meta = data.meta || {};
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = data.url;
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var title = document.createElement("h2");
      title.className = "gk-search-result__title";
      title.textContent = meta.title || data.url;
      article.appendChild(title);
      var context = meta.notice ? TEXT.notice + meta.notice : /\/units\//.test(data.url) ? TEXT.unit : "";
      if (context) {
        var where = document.createElement("p");
        where.className = "gk-search-result__notice";
        where.textContent = context;
        article.appendChild(where);
      }
      article.appendChild(excerpt(data.excerpt));
      link.appendChild(article);
      li.appendChild(link);
      return li;
    }

    function compact(text) {
      // Pagefind's text has zero-width spaces between words; a query has none.
      return (text || "").replace(/[\s\u200b]+/g, "");
    }

    function exactFirst(pages, query) {
      // A page titled exactly as the query (a unit's name), then pages holding the query as typed
      // (a 文号: 〔2022〕7号 before 〔2022〕72号, which Pagefind ranks alike), then the rest.
      var wanted = compact(query);
      function rank(data) {
        if (compact(data.meta && data.meta.title) === wanted) {
          return 0;
        }
        return compact(data.content).indexOf(wanted) >= 0 ? 1 : 2;
      }
      return pages
        .map(function (data, index) {
          return { data: data, rank: rank(data), index: index };
        })
        .sort(function (a, b) {
          return a.rank - b.rank || a.index - b.index;
        })
        .map(function (entry) {
          return entry.data;
        });
    }

    function searchBundle(url, query) {
      // The exact phrase first, then pages with all its words: Pagefind ranks words, not phrases.
      return load(url)
        .then(function (pagefind) {
          var phrase = query.replace(/"/g, "");
          return Promise.all([pagefind.search('"' + phrase + '"'), pagefind.search(phrase)]);
        })
        .then(function (searches) {
          var seen = {};
          var results = [];
          searches.forEach(function (search) {
            ((search && search.results) || []).forEach(function (result) {
              if (!seen[result.id]) {
                seen[result.id] = true;
                results.push(result);
              }
            });
          });
          return results;
        });
    }

    function found() {
      say(TEXT.found.replace("{n}", String(current.results.length)));
    }

    function searchLetters() {
      if (current.searchingLetters) {
        return current.searchingLetters.then(function () {
          return false; // the first press shows them
        });
      }
      var serial = current.serial;
      say(TEXT.searching);
      current.searchingLetters = searchBundle(letterBundle, current.query).then(function (results) {
        if (serial !== current.serial) {
          return false;
        }
        current.letters = current.results.length;
        current.results = current.results.concat(results);
        if (!current.results.length) {
          say(TEXT.none.replace("{q}", current.query));
          more.hidden = true;
          return false;
        }
        found();
        return true;
      });
      return current.searchingLetters;
    }

    function showMore() {
      var serial = current.serial;
      if (current.shown >= current.results.length && current.letters === null) {
        return searchLetters()
          .then(function (any) {
            if (any && serial === current.serial) {
              return showMore();
            }
          })
          .catch(function () {
            if (serial === current.serial) {
              say(TEXT.failed);
            }
          });
      }
      var size = current.shown ? PAGE_SIZE : FIRST_SIZE;
      var start = current.shown;
      var batch = current.results.slice(start, start + size);
      current.shown += batch.length;
      return Promise.all(
        batch.map(function (result) {
          return result.data();
        }),
      ).then(function (pages) {
        if (serial !== current.serial) {
          return;
        }
        if (batch.length && (start === 0 || start === current.letters)) {
          pages = exactFirst(pages, current.query); // the first results of each bundle
        }
        pages.forEach(function (data) {
          list.appendChild(item(data));
        });
        more.hidden = current.shown >= current.results.length && current.letters !== null;
      });
    }

    function run(query) {
      if (window.location.protocol === "file:") {
        say(TEXT.disk);
        return;
      }
      query = query.trim();
      if (query === current.query) {
        return;
      }
      clear();
      current.query = query;
      if (!query) {
        say(TEXT.prompt);
        return;
      }
      var serial = current.serial;
      say(TEXT.searching);
      searchBundle(bundle, query)
        .then(function (results) {
          if (serial !== current.serial) {
            return;
          }
          current.results = results;
          if (!results.length) {
            say(TEXT.noneMain.replace("{q}", query));
            more.hidden = false;
            return;
          }
          return showMore().then(function () {
            if (serial === current.serial) {
              found();
            }
          });
        })
        .catch(function () {
          if (serial === current.serial) {
            say(TEXT.failed);
          }
        });
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        run(input.value);
      }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        close();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run(input.value);
    });
    form.addEventListener("reset", function () {
      window.clearTimeout(timer);
      clear();
      say(TEXT.prompt);
      input.focus();
    });
    more.addEventListener("click", showMore);
    // The header's magnifier (phones) checks the toggle: the box opens with the cursor in it.
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        input.focus();
      }
    });
  });
})();
