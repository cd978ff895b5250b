// 任务清单 grid editor for the Wagtail admin (cms/core/task_grid).
//
// One compact line per task row (序号, 工作任务, 完成时限, 责任单位); one row
// at a time opens below its line for editing.  Rows can be added, moved and
// deleted, pasted from Excel/WPS (tab-separated text), and units are chosen
// with a search-as-you-type list.  The whole list is posted as JSON in one
// hidden input; every row keeps its id, so the stored value and the ledger's
// row ids stay as they were.  Plain DOM, no library, no inline script or
// style attribute: the admin's Content-Security-Policy allows neither.
(function () {
  "use strict";

  // Roles as in cms/units/choices.py Role; "unstated": the source does not say who leads.
  var ROLE_LABELS = { lead: "牵头", support: "配合", unstated: "责任单位" };
  var NEXT_ROLE = { lead: "support", support: "unstated", unstated: "lead" };
  var SYNC_DELAY = 200;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function button(label, className, title) {
    var node = el("button", "button button-small button-secondary " + (className || ""), label);
    node.type = "button";
    if (title) {
      node.title = title;
      node.setAttribute("aria-label", title);
    }
    return node;
  }

  function emptyRow() {
    return { id: null, topic: "", task: "", detail: "", deadline: "", units: [], units_text: "" };
  }

  function copyState(state) {
    return JSON.parse(JSON.stringify(state || { title: "", rows: [] }));
  }

  function oneLine(text, limit) {
    var flat = String(text || "").replace(/\s+/g, " ").trim();
    return flat.length > limit ? flat.slice(0, limit) + "…" : flat;
  }

  function unitsSummary(row) {
    var parts = [];
    ["lead", "support", "unstated"].forEach(function (role) {
      var names = row.units
        .filter(function (u) { return (u.role || "lead") === role; })
        .map(function (u) { return u.label || u.name || "（未对应）"; });
      if (names.length) parts.push(ROLE_LABELS[role] + "：" + names.join("、"));
    });
    if (!parts.length && row.units_text) parts.push("原文：" + oneLine(row.units_text, 40));
    return parts.join("；");
  }

  // Tab-separated text as Excel and WPS put it on the clipboard: a cell with
  // a line break or a tab is quoted, and quotes inside it are doubled.
  function parseTsv(text) {
    var rows = [];
    var row = [];
    var cell = "";
    var quoted = false;
    var i = 0;
    text = String(text || "").replace(/\r\n?/g, "\n");
    while (i < text.length) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
        if (ch === '"') { quoted = false; i += 1; continue; }
        cell += ch; i += 1; continue;
      }
      if (ch === '"' && cell === "") { quoted = true; i += 1; continue; }
      if (ch === "\t") { row.push(cell); cell = ""; i += 1; continue; }
      if (ch === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i += 1; continue; }
      cell += ch; i += 1;
    }
    if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
    return rows.filter(function (r) { return r.some(function (c) { return c.trim() !== ""; }); });
  }

  // Columns are read in the order of the printed tables: an optional 序号,
  // then 工作任务 / 完成时限 / 责任单位, with 专题 before and 工作内容 after
  // 工作任务 when the sheet has them.
  var LAYOUTS = {
    1: ["task"],
    2: ["task", "deadline"],
    3: ["task", "deadline", "units_text"],
    4: ["topic", "task", "deadline", "units_text"],
    5: ["topic", "task", "detail", "deadline", "units_text"],
  };

  function rowsFromTsv(text) {
    return parseTsv(text).map(function (cells) {
      cells = cells.map(function (c) { return c.trim(); });
      if (cells.length > 1 && /^[0-9０-９]+[.、．]?$/.test(cells[0])) cells = cells.slice(1);
      var layout = LAYOUTS[Math.min(cells.length, 5)];
      var row = emptyRow();
      layout.forEach(function (name, index) { row[name] = cells[index] || ""; });
      if (cells.length > 5) row.units_text = cells.slice(4).join(" ");
      return row;
    });
  }

  function TaskGrid(blockDef, placeholder, prefix, initialState, initialError) {
    this.blockDef = blockDef;
    this.prefix = prefix;
    this.state = copyState(initialState);
    this.openIndex = -1;
    this.syncTimer = null;

    var root = el("div", "task-grid");
    root.id = prefix + "-grid";
    this.root = root;
    this.input = el("input");
    this.input.type = "hidden";
    this.input.name = prefix;
    this.input.id = prefix;
    root.appendChild(this.input);

    var titleLabel = el("label", "w-field__label", "清单标题");
    titleLabel.htmlFor = prefix + "-title";
    this.titleInput = el("input", "task-grid__title");
    this.titleInput.type = "text";
    this.titleInput.id = prefix + "-title";
    this.titleInput.maxLength = 200;
    root.appendChild(titleLabel);
    root.appendChild(this.titleInput);

    this.errors = el("div", "task-grid__errors");
    this.errors.hidden = true;
    root.appendChild(this.errors);

    var toolbar = el("div", "task-grid__toolbar");
    this.addButton = button("＋ 添加一行", "task-grid__add");
    this.pasteButton = button("从 Excel/WPS 粘贴行…", "task-grid__paste-open");
    this.count = el("span", "task-grid__count");
    toolbar.appendChild(this.addButton);
    toolbar.appendChild(this.pasteButton);
    toolbar.appendChild(this.count);
    root.appendChild(toolbar);

    this.pastePanel = el("div", "task-grid__paste");
    this.pastePanel.hidden = true;
    var pasteHelp = el(
      "p",
      "help",
      "在 Excel 或 WPS 中选中若干行（可含序号列），复制后粘贴到下面。列按顺序读作：工作任务、完成时限、责任单位；" +
        "四列为 专题、工作任务、完成时限、责任单位；五列再加 工作内容（在工作任务之后）。责任单位先放入“责任单位（原文）”。"
    );
    this.pasteText = el("textarea", "task-grid__paste-text");
    this.pasteText.rows = 5;
    this.pasteText.setAttribute("aria-label", "粘贴的表格行");
    this.pasteInsert = button("插入这些行", "task-grid__paste-insert");
    this.pasteCancel = button("取消", "task-grid__paste-cancel");
    this.pastePanel.appendChild(pasteHelp);
    this.pastePanel.appendChild(this.pasteText);
    this.pastePanel.appendChild(this.pasteInsert);
    this.pastePanel.appendChild(this.pasteCancel);
    root.appendChild(this.pastePanel);

    var table = el("table", "task-grid__table listing");
    var head = el("thead");
    var headRow = el("tr");
    ["序号", "工作任务", "完成时限", "责任单位", "操作"].forEach(function (label) {
      headRow.appendChild(el("th", null, label));
    });
    head.appendChild(headRow);
    table.appendChild(head);
    this.body = el("tbody");
    table.appendChild(this.body);
    root.appendChild(table);

    placeholder.replaceWith(root);
    this.bind();
    this.render();
    this.writeInput();
    if (initialError) this.setError(initialError);
  }

  TaskGrid.prototype.bind = function () {
    var self = this;
    this.titleInput.addEventListener("input", function () {
      self.state.title = self.titleInput.value;
      self.scheduleSync();
    });
    this.addButton.addEventListener("click", function () {
      var at = self.openIndex >= 0 ? self.openIndex + 1 : self.state.rows.length;
      self.state.rows.splice(at, 0, emptyRow());
      self.openIndex = at;
      self.render();
      self.sync();
      self.focusEditor();
    });
    this.pasteButton.addEventListener("click", function () {
      self.pastePanel.hidden = false;
      self.pasteText.focus();
    });
    this.pasteCancel.addEventListener("click", function () {
      self.pastePanel.hidden = true;
      self.pasteText.value = "";
    });
    this.pasteInsert.addEventListener("click", function () {
      self.insertRows(rowsFromTsv(self.pasteText.value));
      self.pasteText.value = "";
      self.pastePanel.hidden = true;
    });
    // Ctrl+V on a selected line (not inside a field) pastes rows directly.
    this.body.addEventListener("paste", function (event) {
      if (event.target.closest("input, textarea")) return;
      var text = event.clipboardData && event.clipboardData.getData("text/plain");
      if (!text) return;
      event.preventDefault();
      self.insertRows(rowsFromTsv(text));
    });
    this.body.addEventListener("click", function (event) {
      var line = event.target.closest("tr.task-grid__line");
      if (!line) return;
      var index = Number(line.dataset.index);
      // Not "data-action": Wagtail's Stimulus controllers use that name on the surrounding elements.
      var action = event.target.closest("[data-grid-action]");
      if (action && line.contains(action)) {
        self.act(action.dataset.gridAction, index);
        return;
      }
      self.toggle(index);
    });
    this.body.addEventListener("keydown", function (event) {
      var line = event.target.closest("tr.task-grid__line");
      if (line && (event.key === "Enter" || event.key === " ") && event.target === line) {
        event.preventDefault();
        self.toggle(Number(line.dataset.index));
      }
    });
    var form = this.root.closest("form");
    if (form) {
      // The last keystrokes reach the hidden field before any save or autosave reads the form.
      form.addEventListener("submit", function () { self.flush(); }, true);
      form.addEventListener("formdata", function () { self.flush(); }, true);
    }
  };

  TaskGrid.prototype.insertRows = function (rows) {
    if (!rows.length) return;
    var at = this.openIndex >= 0 ? this.openIndex + 1 : this.state.rows.length;
    Array.prototype.splice.apply(this.state.rows, [at, 0].concat(rows));
    this.openIndex = -1;
    this.render();
    this.sync();
  };

  TaskGrid.prototype.act = function (action, index) {
    var rows = this.state.rows;
    if (action === "up" && index > 0) {
      rows.splice(index - 1, 0, rows.splice(index, 1)[0]);
      if (this.openIndex === index) this.openIndex = index - 1;
      else if (this.openIndex === index - 1) this.openIndex = index;
    } else if (action === "down" && index < rows.length - 1) {
      rows.splice(index + 1, 0, rows.splice(index, 1)[0]);
      if (this.openIndex === index) this.openIndex = index + 1;
      else if (this.openIndex === index + 1) this.openIndex = index;
    } else if (action === "delete") {
      rows.splice(index, 1);
      if (this.openIndex === index) this.openIndex = -1;
      else if (this.openIndex > index) this.openIndex -= 1;
    } else {
      return;
    }
    this.render();
    this.sync();
  };

  // Opening or closing a row touches only that row's lines: re-rendering all
  // of them cost several hundred ms on the largest list, on every click.
  TaskGrid.prototype.toggle = function (index) {
    var previous = this.lineAt(this.openIndex);
    var editor = this.body.querySelector("tr.task-grid__editor");
    if (editor) editor.remove();
    if (previous) previous.classList.remove("task-grid__line--open");
    this.openIndex = this.openIndex === index ? -1 : index;
    var line = this.lineAt(this.openIndex);
    if (!line) return;
    line.classList.add("task-grid__line--open");
    line.after(this.renderEditor(this.state.rows[this.openIndex], this.openIndex));
    this.focusEditor();
  };

  TaskGrid.prototype.lineAt = function (index) {
    return index < 0 ? null : this.body.querySelector('tr.task-grid__line[data-index="' + index + '"]');
  };

  TaskGrid.prototype.render = function () {
    var self = this;
    var rows = this.state.rows;
    this.titleInput.value = this.state.title || "";
    this.count.textContent = "共 " + rows.length + " 行";
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row, index) {
      fragment.appendChild(self.renderLine(row, index));
      if (index === self.openIndex) fragment.appendChild(self.renderEditor(row, index));
    });
    this.body.replaceChildren(fragment);
  };

  TaskGrid.prototype.renderLine = function (row, index) {
    var line = el("tr", "task-grid__line" + (index === this.openIndex ? " task-grid__line--open" : ""));
    line.dataset.index = String(index);
    line.tabIndex = 0;
    if (row.hasError) line.classList.add("task-grid__line--error");
    line.appendChild(el("td", "task-grid__number", String(index + 1)));
    var task = el("td", "task-grid__task", oneLine(row.task || row.detail, 60));
    if (row.topic) task.prepend(el("span", "task-grid__topic", oneLine(row.topic, 8)));
    line.appendChild(task);
    line.appendChild(el("td", "task-grid__deadline", oneLine(row.deadline, 20)));
    line.appendChild(el("td", "task-grid__units", unitsSummary(row)));
    var actions = el("td", "task-grid__actions");
    [["up", "↑", "上移"], ["down", "↓", "下移"], ["delete", "✕", "删除此行"]].forEach(function (spec) {
      var b = button(spec[1], "task-grid__" + spec[0], spec[2] + "（第 " + (index + 1) + " 行）");
      b.dataset.gridAction = spec[0];
      actions.appendChild(b);
    });
    line.appendChild(actions);
    return line;
  };

  TaskGrid.prototype.field = function (container, row, name, label, multiline, onChange) {
    var self = this;
    var id = this.prefix + "-open-" + name;
    var wrap = el("div", "task-grid__field");
    var lab = el("label", "w-field__label", label);
    lab.htmlFor = id;
    var input = el(multiline ? "textarea" : "input");
    if (!multiline) input.type = "text";
    else input.rows = 2;
    input.id = id;
    input.dataset.field = name;
    input.value = row[name] || "";
    input.addEventListener("input", function () {
      row[name] = input.value;
      onChange();
      self.scheduleSync();
    });
    wrap.appendChild(lab);
    wrap.appendChild(input);
    container.appendChild(wrap);
    return input;
  };

  TaskGrid.prototype.renderEditor = function (row, index) {
    var self = this;
    var tr = el("tr", "task-grid__editor");
    var td = el("td");
    td.colSpan = 5;
    var panel = el("div", "task-grid__panel");
    panel.appendChild(el("h3", "task-grid__panel-title", "编辑第 " + (index + 1) + " 行"));
    if (row.errorText) panel.appendChild(el("p", "help-block help-critical", row.errorText));
    var refresh = function () { self.refreshLine(index); };
    this.field(panel, row, "topic", "专题/项目", false, refresh);
    this.field(panel, row, "task", "工作任务", true, refresh);
    this.field(panel, row, "detail", "工作内容", true, refresh);
    this.field(panel, row, "deadline", "完成时限", false, refresh);
    panel.appendChild(this.renderUnits(row, index));
    this.field(panel, row, "units_text", "责任单位（原文）", true, refresh);
    var close = button("收起", "task-grid__close");
    close.addEventListener("click", function () { self.toggle(index); });
    panel.appendChild(close);
    td.appendChild(panel);
    tr.appendChild(td);
    return tr;
  };

  TaskGrid.prototype.renderUnits = function (row, index) {
    var self = this;
    var wrap = el("div", "task-grid__field task-grid__unit-field");
    var id = this.prefix + "-open-unit-search";
    var lab = el("label", "w-field__label", "责任单位");
    lab.htmlFor = id;
    wrap.appendChild(lab);
    var chips = el("ul", "task-grid__chips");
    var drawChips = function () {
      chips.replaceChildren();
      row.units.forEach(function (unit, position) {
        var chip = el("li", "task-grid__chip");
        var role = button(ROLE_LABELS[unit.role || "lead"], "task-grid__role", "切换牵头/配合/未分");
        role.addEventListener("click", function () {
          unit.role = NEXT_ROLE[unit.role || "lead"] || "lead";
          drawChips();
          self.refreshLine(index);
          self.sync();
        });
        chip.appendChild(role);
        var name = unit.label || unit.name || "（未对应）";
        chip.appendChild(el("span", "task-grid__chip-name", unit.division ? name + "（" + unit.division + "）" : name));
        var remove = button("✕", "task-grid__chip-remove", "移除 " + name);
        remove.addEventListener("click", function () {
          row.units.splice(position, 1);
          drawChips();
          self.refreshLine(index);
          self.sync();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    };
    drawChips();
    wrap.appendChild(chips);

    var search = el("input", "task-grid__unit-search");
    search.type = "search";
    search.id = id;
    search.placeholder = "输入单位名称的一部分查找，如 岩前镇";
    search.autocomplete = "off";
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-expanded", "false");
    var list = el("ul", "task-grid__unit-results");
    list.setAttribute("role", "listbox");
    list.id = id + "-results";
    search.setAttribute("aria-controls", list.id);
    var timer = null;
    var active = -1;
    var results = [];

    var choose = function (unit) {
      if (!row.units.some(function (u) { return String(u.unit) === String(unit.id); })) {
        row.units.push({ id: null, unit: unit.id, label: unit.name, name: unit.name, role: "lead", division: "" });
      }
      search.value = "";
      list.replaceChildren();
      search.setAttribute("aria-expanded", "false");
      drawChips();
      self.refreshLine(index);
      self.sync();
      search.focus();
    };
    var show = function (found) {
      results = found;
      active = found.length ? 0 : -1;
      list.replaceChildren();
      found.forEach(function (unit, position) {
        var item = el("li", "task-grid__unit-option" + (position === active ? " is-active" : ""), unit.name);
        item.setAttribute("role", "option");
        item.dataset.unitId = String(unit.id);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(unit);
        });
        list.appendChild(item);
      });
      if (!found.length && search.value.trim()) list.appendChild(el("li", "task-grid__unit-none", "单位库中没有包含“" + search.value.trim() + "”的单位"));
      search.setAttribute("aria-expanded", found.length ? "true" : "false");
    };
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = search.value.trim();
      if (!query) { show([]); return; }
      timer = window.setTimeout(function () {
        var url = self.blockDef.meta.unitSearchUrl + "?q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (search.value.trim() === query) show(data.results || []); })
          .catch(function () { show([]); });
      }, 150);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!results.length) return;
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
        Array.prototype.forEach.call(list.children, function (item, position) {
          item.classList.toggle("is-active", position === active);
        });
      } else if (event.key === "Enter") {
        // Enter picks the highlighted unit and never submits the page form.
        event.preventDefault();
        if (active >= 0 && results[active]) choose(results[active]);
      } else if (event.key === "Escape") {
        show([]);
      }
    });
    wrap.appendChild(search);
    wrap.appendChild(list);
    return wrap;
  };

  // Called on every keystroke in the open row: only the texts of its line change.
  TaskGrid.prototype.refreshLine = function (index) {
    var line = this.lineAt(index);
    if (!line) return;
    var row = this.state.rows[index];
    var task = line.querySelector(".task-grid__task");
    task.textContent = oneLine(row.task || row.detail, 60);
    if (row.topic) task.prepend(el("span", "task-grid__topic", oneLine(row.topic, 8)));
    line.querySelector(".task-grid__deadline").textContent = oneLine(row.deadline, 20);
    line.querySelector(".task-grid__units").textContent = unitsSummary(row);
  };

  TaskGrid.prototype.focusEditor = function () {
    var first = this.body.querySelector(".task-grid__editor textarea, .task-grid__editor input");
    if (first) first.focus();
  };

  TaskGrid.prototype.scheduleSync = function () {
    var self = this;
    window.clearTimeout(this.syncTimer);
    this.syncTimer = window.setTimeout(function () { self.sync(); }, SYNC_DELAY);
  };

  TaskGrid.prototype.writeInput = function () {
    var rows = this.state.rows.map(function (row) {
      var copy = {};
      Object.keys(row).forEach(function (key) {
        if (key !== "hasError" && key !== "errorText") copy[key] = row[key];
      });
      return copy;
    });
    this.input.value = JSON.stringify({ title: this.state.title, rows: rows });
  };

  TaskGrid.prototype.sync = function () {
    window.clearTimeout(this.syncTimer);
    this.syncTimer = null;
    this.writeInput();
    // Wagtail's autosave and unsaved-changes warning listen for these.
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  TaskGrid.prototype.flush = function () {
    if (this.syncTimer) this.sync();
  };

  TaskGrid.prototype.setState = function (state) {
    this.state = copyState(state);
    this.openIndex = -1;
    this.render();
    this.writeInput();
  };

  TaskGrid.prototype.getState = function () {
    this.flush();
    return JSON.parse(this.input.value);
  };

  TaskGrid.prototype.getDuplicatedState = function () {
    // A copied list is a new list: its rows get new ids when saved.
    var state = this.getState();
    state.rows.forEach(function (row) {
      row.id = null;
      row.units.forEach(function (unit) { unit.id = null; });
    });
    return state;
  };

  TaskGrid.prototype.getValue = function () {
    return this.getState();
  };

  TaskGrid.prototype.getTextLabel = function () {
    return (this.state.title || "任务清单") + "（" + this.state.rows.length + " 行）";
  };

  TaskGrid.prototype.focus = function () {
    this.titleInput.focus();
  };

  // Wagtail's errors: {messages: [...], blockErrors: {rows: {blockErrors: {3: {...}}}}}.
  function messagesOf(error) {
    var found = [];
    (function walk(node) {
      if (!node || typeof node !== "object") return;
      (node.messages || []).forEach(function (m) { found.push(m); });
      Object.keys(node.blockErrors || {}).forEach(function (key) { walk(node.blockErrors[key]); });
    })(error);
    return found;
  }

  TaskGrid.prototype.setError = function (error) {
    var self = this;
    this.state.rows.forEach(function (row) { delete row.hasError; delete row.errorText; });
    var lines = [];
    if (error) {
      (error.messages || []).forEach(function (m) { lines.push(m); });
      var rowErrors = (error.blockErrors && error.blockErrors.rows && error.blockErrors.rows.blockErrors) || {};
      Object.keys(rowErrors).forEach(function (key) {
        var row = self.state.rows[Number(key)];
        var text = messagesOf(rowErrors[key]).join(" ");
        if (row) {
          row.hasError = true;
          row.errorText = text;
        }
        lines.push("第 " + (Number(key) + 1) + " 行：" + text);
      });
      (messagesOf(error.blockErrors && error.blockErrors.title) || []).forEach(function (m) { lines.push("清单标题：" + m); });
      ((error.blockErrors && error.blockErrors.rows && error.blockErrors.rows.messages) || []).forEach(function (m) { lines.push(m); });
    }
    this.errors.textContent = lines.join("\n");
    this.errors.hidden = !lines.length;
    // Wagtail's error look only while there is an error: its tests and styles look for the class.
    this.errors.classList.toggle("help-block", lines.length > 0);
    this.errors.classList.toggle("help-critical", lines.length > 0);
    this.render();
  };

  function TaskGridBlockDefinition(name, initialState, meta) {
    this.name = name;
    this.initialState = initialState;
    this.meta = meta;
  }

  TaskGridBlockDefinition.prototype.render = function (placeholder, prefix, initialState, initialError) {
    return new TaskGrid(this, placeholder, prefix, initialState === undefined || initialState === null ? this.initialState : initialState, initialError);
  };

  window.cmsTaskGrid = { parseTsv: parseTsv, rowsFromTsv: rowsFromTsv };
  window.telepath.register("cms.core.TaskGridBlockDefinition", TaskGridBlockDefinition);
})();
