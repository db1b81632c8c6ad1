// app.js — the page of fenpei serve: upload a table, show the check as a tree, run a what-if.
'use strict';

const RULES = {
  'column-sum': '与下级之和不符',
  'category-split': '全年合计与各类别之和不符',
  'advance-batch': '全年合计与“已提前下达 + 此次下达”不符',
  'clawback': '此次下达为负数（收回资金）',
  'negative': '金额为负数',
  'empty-row': '整行没有金额',
  'rounding-residue': '尾差（取整留下的小差额）',
};

const state = { file: null, name: '', check: null, lastWhatif: null };

function $(id) { return document.getElementById(id); }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function showError(box, msg) {
  box.textContent = msg;
  box.hidden = !msg;
}

function clearErrors() {
  for (const id of ['load-error', 'check-error', 'whatif-error']) showError($(id), '');
}

// POST the current table with FIELDS to URL; resolve to the Response, or throw a Chinese message.
async function post(url, fields) {
  const fd = new FormData();
  fd.append('file', state.file, state.name);
  for (const [k, v] of fields || []) fd.append(k, v);
  let res;
  try {
    res = await fetch(url, { method: 'POST', body: fd });
  } catch (e) {
    throw new Error('无法连接到服务：请确认 fenpei serve 仍在运行，然后重试。');
  }
  if (!res.ok) {
    let msg = '服务返回错误（' + res.status + '）。';
    try {
      const j = await res.json();
      if (j && j.error) msg = j.error;
    } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return res;
}

async function download(url, fields, filename, errorBox, button) {
  showError(errorBox, '');
  button.disabled = true;
  try {
    const res = await post(url, fields);
    const blob = await res.blob();
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  } catch (e) {
    showError(errorBox, e.message);
  } finally {
    button.disabled = false;
  }
}

function baseName() {
  return state.name.replace(/\.[^.]*$/, '') || '分配表';
}

// ---- the table as a tree that folds ----

// Draw TABLE ({columns, rows}) into the <table> T. MARKS: Map "row:col" → {cls, note, title}.
// OPEN: a function row → whether it starts unfolded.
function drawTree(t, table, marks, open) {
  t.textContent = '';
  const cols = table.columns;
  const rows = table.rows;
  const nameCol = cols.findIndex(c => c.role === 'name');
  const shown = cols.map((c, i) => c.role !== 'level' && c.role !== 'parent' &&
                                   c.role !== 'code' && c.role !== 'parent-code' ? i : -1)
                    .filter(i => i >= 0);
  const thead = el('thead');
  const hr = el('tr');
  for (const i of shown) hr.appendChild(el('th', cols[i].amount ? 'num' : '', cols[i].name));
  thead.appendChild(hr);
  t.appendChild(thead);
  const tbody = el('tbody');
  const hasKids = new Array(rows.length).fill(false);
  for (const r of rows) if (r.parent !== null) hasKids[r.parent] = true;
  const expanded = rows.map((r, i) => hasKids[i] && open(i));
  const trs = [];
  rows.forEach((r, ri) => {
    const tr = el('tr', 'd' + Math.min(r.depth, 6) + (hasKids[ri] ? ' parent' : ''));
    tr.dataset.row = ri;
    for (const ci of shown) {
      const td = el('td', cols[ci].amount ? 'num' : '');
      const v = r.cells[ci];
      if (ci === nameCol) {
        td.classList.add('name');
        if (hasKids[ri]) {
          const b = el('button', 'fold', expanded[ri] ? '▾' : '▸');
          b.type = 'button';
          b.setAttribute('aria-label', (expanded[ri] ? '折叠 ' : '展开 ') + r.name);
          b.setAttribute('aria-expanded', String(expanded[ri]));
          b.addEventListener('click', () => {
            expanded[ri] = !expanded[ri];
            b.textContent = expanded[ri] ? '▾' : '▸';
            b.setAttribute('aria-expanded', String(expanded[ri]));
            b.setAttribute('aria-label', (expanded[ri] ? '折叠 ' : '展开 ') + r.name);
            refresh();
          });
          td.appendChild(b);
        } else {
          td.appendChild(el('span', 'leaf'));
        }
        td.appendChild(document.createTextNode(v || r.name));
      } else {
        td.textContent = v;
      }
      const m = marks.get(ri + ':' + ci);
      if (m) {
        td.classList.add(m.cls);
        if (m.title) td.title = m.title;
        if (m.note) td.appendChild(el('div', 'suggest', m.note));
      }
      tr.appendChild(td);
    }
    trs.push(tr);
    tbody.appendChild(tr);
  });
  function refresh() {
    const vis = new Array(rows.length);
    rows.forEach((r, i) => {
      // parents come first in file order, except a total printed below its rows
      let p = r.parent, ok = true;
      while (p !== null && ok) { ok = expanded[p]; p = rows[p].parent; }
      vis[i] = ok;
    });
    trs.forEach((tr, i) => { tr.hidden = !vis[i]; });
  }
  refresh();
  t.appendChild(tbody);
  return {
    setAll(fn) {
      rows.forEach((r, i) => { if (hasKids[i]) expanded[i] = fn(i); });
      trs.forEach((tr, i) => {
        const b = tr.querySelector('button.fold');
        if (b) {
          b.textContent = expanded[i] ? '▾' : '▸';
          b.setAttribute('aria-expanded', String(expanded[i]));
        }
      });
      refresh();
    },
  };
}

// ---- check ----

function cellKey(table, line, column) {
  const ri = table.rows.findIndex(r => r.line === line);
  const ci = table.columns.findIndex(c => c.name === column);
  return ri < 0 || ci < 0 ? null : ri + ':' + ci;
}

function describeFinding(f) {
  const where = '第 ' + f.line + ' 行「' + f.unit + '」' + (f.column ? '·' + f.column : '');
  let what = RULES[f.rule] || f.rule;
  if (f.rule === 'custom') what = '不符合规则 ' + (f.rule_text || '');
  if (f.expected !== null && f.actual !== null)
    what += '：表中 ' + f.actual + '，计算应为 ' + f.expected + '（相差 ' + f.difference + '）';
  return where + ' — ' + what;
}

let tree = null;

function showCheck(j) {
  state.check = j;
  const s = $('summary');
  s.textContent = '';
  s.className = 'summary ' + (j.errors ? 'bad' : 'good');
  const head = el('p', 'big');
  head.textContent = j.errors
    ? '发现 ' + j.errors + ' 处错误' + (j.warnings ? '、' + j.warnings + ' 处提示' : '') + '。'
    : '各项平衡关系全部成立' + (j.warnings ? '（有 ' + j.warnings + ' 处提示）' : '') + '。';
  s.appendChild(head);
  s.appendChild(el('p', null, '表格「' + j.file + '」共 ' + j.rows + ' 行' +
                   (j.unit ? '，单位：' + j.unit : '') + '。检查了：各级合计等于下级之和、' +
                   '全年合计等于各类别之和、全年合计等于已提前下达加此次下达。'));
  const causes = new Map();
  for (const f of j.findings) if (f.cause) causes.set(f.cause.id, f.cause);
  if (causes.size) {
    const fixable = [...causes.values()].filter(c => c.fixable).length;
    s.appendChild(el('p', null, '这些错误可能出自 ' + causes.size + ' 个原因' +
                     (fixable ? '，其中 ' + fixable + ' 个有明确的修改建议（见下方）' : '') + '。'));
  }
  // findings, each with its likely cause and suggested value
  const ol = $('findings');
  ol.textContent = '';
  const marks = new Map();
  const table = j.table;
  // one item per likely cause, with the findings it explains; findings without a cause alone
  const items = new Map();
  for (const f of j.findings) {
    const key = f.cause ? 'c' + f.cause.id : 'f' + items.size;
    if (!items.has(key)) items.set(key, { cause: f.cause, findings: [] });
    items.get(key).findings.push(f);
  }
  for (const { cause: c, findings } of items.values()) {
    const error = findings.some(f => f.severity === 'error');
    const li = el('li', error ? 'error-item' : 'warn-item');
    if (c) {
      const cause = el('div', 'cause');
      cause.appendChild(el('strong', null, '可能原因：'));
      cause.appendChild(document.createTextNode(c.suggestion.zh));
      li.appendChild(cause);
      for (const x of c.cells) {
        if (x.change === 'set' && x.suggested !== null) {
          const sug = el('div', 'suggestion');
          sug.appendChild(el('strong', null, '建议：'));
          sug.appendChild(document.createTextNode('第 ' + x.line + ' 行「' + x.unit + '」的「' +
                          x.column + '」由 ' + x.stated + ' 改为 ' + x.suggested));
          li.appendChild(sug);
        }
        const k = x.line !== null ? cellKey(table, x.line, x.column) : null;
        if (k && x.change === 'set')
          marks.set(k, { cls: 'bad', note: '应为 ' + x.suggested, title: c.suggestion.zh });
        else if (k && !marks.has(k))
          marks.set(k, { cls: 'bad', title: c.suggestion.zh });
      }
    } else if (error) {
      li.appendChild(el('div', 'cause', '可能原因：未能判断，请人工核对这一处。'));
    }
    const ul = el('ul', 'what-list');
    if (c) li.appendChild(el('div', 'note', '因此不平衡的地方（' + findings.length + ' 处）：'));
    for (const f of findings) {
      ul.appendChild(el('li', 'what', describeFinding(f)));
      const k = cellKey(table, f.line, f.column);
      if (k && !marks.has(k))
        marks.set(k, { cls: f.severity === 'error' ? 'sum-bad' : 'warn',
                       title: describeFinding(f) });
    }
    li.appendChild(ul);
    ol.appendChild(li);
  }
  for (const n of j.notes || []) {
    const li = el('li', 'warn-item');
    li.appendChild(el('div', 'what', '提示'));
    li.appendChild(el('div', 'cause', n.suggestion.zh));
    ol.appendChild(li);
  }
  // fold by 地州: open the top levels, and every branch that holds a marked cell
  const badRows = new Set([...marks.keys()].map(k => Number(k.split(':')[0])));
  const openRows = new Set();
  for (const ri of badRows) {
    let p = table.rows[ri].parent;
    while (p !== null) { openRows.add(p); p = table.rows[p].parent; }
  }
  const byDistrict = i => table.rows[i].depth < 2 || openRows.has(i);
  tree = drawTree($('table'), table, marks, byDistrict);
  $('collapse-all').onclick = () => tree.setAll(byDistrict);
  $('expand-all').onclick = () => tree.setAll(() => true);
  $('step-check').hidden = false;
  prepareWhatif(table);
  $('step-whatif').hidden = false;
  // a what-if needs a table that adds up: say so instead of offering a form that must fail
  $('whatif-blocked').hidden = !j.errors;
  $('whatif').hidden = !!j.errors;
  $('whatif-result').hidden = true;
}

async function runCheck() {
  clearErrors();
  $('step-check').hidden = true;
  $('step-whatif').hidden = true;
  const box = $('load-error');
  const label = $('file-name');
  const chosen = label.textContent;
  label.textContent = chosen + ' — 正在检查…';
  document.body.classList.add('busy');
  try {
    const res = await post('/api/check?table=1', []);
    showCheck(await res.json());
    $('step-check').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (e) {
    showError(box, e.message);
  } finally {
    label.textContent = chosen;
    document.body.classList.remove('busy');
  }
}

function useFile(f) {
  if (!f) return;
  state.file = f;
  state.name = f.name;
  const n = $('file-name');
  n.textContent = '已选择：' + f.name + '（' + Math.max(1, Math.round(f.size / 1024)) + ' KB）';
  n.hidden = false;
  runCheck();
}

// ---- what-if ----

let amountColumns = [];

function prepareWhatif(table) {
  const names = new Map();
  for (const r of table.rows) names.set(r.name, (names.get(r.name) || 0) + 1);
  const dl = $('units');
  dl.textContent = '';
  table.rows.forEach(r => {
    let label = r.name;
    if (names.get(r.name) > 1) { // a repeated name is given by its path from the top
      const path = [];
      for (let p = table.rows.indexOf(r); p !== null; p = table.rows[p].parent)
        path.unshift(table.rows[p].name);
      label = path.join('/');
    }
    const o = el('option');
    o.value = label;
    dl.appendChild(o);
  });
  amountColumns = table.columns.filter(c => c.role === 'total').map(c => c.name).concat(
    table.columns.filter(c => c.role === 'category').map(c => c.name));
  $('targets').textContent = '';
  addTarget();
}

function addTarget() {
  const row = el('div', 'target');
  const unit = el('input');
  unit.setAttribute('list', 'units');
  unit.placeholder = '单位，如 天山区';
  unit.className = 'unit';
  unit.setAttribute('aria-label', '单位');
  const col = el('select', 'column');
  col.setAttribute('aria-label', '列');
  for (const c of amountColumns) { // the year total first: it is what is usually changed
    const o = el('option', null, c);
    o.value = c;
    col.appendChild(o);
  }
  const amt = el('input', 'amount');
  amt.inputMode = 'decimal';
  amt.placeholder = '新金额';
  amt.setAttribute('aria-label', '新金额');
  const del = el('button', 'small', '删除');
  del.type = 'button';
  del.addEventListener('click', () => {
    if ($('targets').children.length > 1) row.remove();
  });
  row.append(el('span', 'lbl', '将'), unit, el('span', 'lbl', '的'), col,
             el('span', 'lbl', '改为'), amt, del);
  $('targets').appendChild(row);
}

function whatifFields() {
  const fields = [];
  const problems = [];
  for (const row of $('targets').children) {
    const u = row.querySelector('.unit').value.trim();
    const c = row.querySelector('.column').value;
    const a = row.querySelector('.amount').value.trim().replace(/[,，\s]/g, '');
    if (!u && !a) continue;
    if (!u) problems.push('请填写单位。');
    else if (!/^-?\d+(\.\d+)?$/.test(a))
      problems.push('「' + u + '」的新金额应为数字，如 3000 或 3000.5。');
    else fields.push(['set', u + ':' + c + '=' + a]);
  }
  if (!fields.length && !problems.length) problems.push('请至少设定一项：单位、列和新金额。');
  if (problems.length) throw new Error(problems.join(' '));
  fields.push(['method', $('method').value]);
  if ($('no-clawback').checked) fields.push(['no_clawback', '1']);
  return fields;
}

function showWhatif(j) {
  const s = j.summary;
  const box = $('whatif-summary');
  box.textContent = '';
  box.className = 'summary good';
  for (const t of s.targets)
    box.appendChild(el('p', 'big', '「' + t.unit + '」的' + t.column + '：' + t.before + ' → ' +
                       t.after));
  box.appendChild(el('p', null, '共变动 ' + s.changed_rows + ' 行、' + s.changed_cells +
                     ' 个数字；各级合计与各项平衡关系全部成立。'));
  if (s.total_change)
    box.appendChild(el('p', null, '末级单位全年合计的变动率：平均 ' + s.total_change.mean_pct +
                       '%，最高 ' + s.total_change.max_pct + '%（' + s.total_change.max_unit + '）。'));
  if (s.clawbacks)
    box.appendChild(el('p', 'warn-text', '注意：' + s.clawbacks + ' 行的此次下达为负数（收回资金）。' +
                       '勾选“不收回已下达资金”可以避免。'));
  const ch = $('changes');
  ch.textContent = '';
  const hr = el('tr');
  for (const h of ['行', '单位', '列', '原值', '新值', '变动', '变动率'])
    hr.appendChild(el('th', h === '单位' || h === '列' ? '' : 'num', h));
  const th = el('thead');
  th.appendChild(hr);
  ch.appendChild(th);
  const tb = el('tbody');
  for (const c of j.changes) {
    const tr = el('tr');
    tr.append(el('td', 'num', c.line), el('td', null, c.path.join(' / ')), el('td', null, c.column),
              el('td', 'num', c.old), el('td', 'num', c.new),
              el('td', 'num ' + (c.change.startsWith('-') ? 'down' : 'up'),
                 (c.change.startsWith('-') ? '' : '+') + c.change),
              el('td', 'num', c.percent === null ? '—'
                               : (c.percent.startsWith('-') ? '' : '+') + c.percent));
    tb.appendChild(tr);
  }
  ch.appendChild(tb);
  const marks = new Map();
  j.table.forEach((r, ri) => {
    for (const ci of r.changed) {
      const old = state.check.table.rows[ri].cells[ci];
      marks.set(ri + ':' + ci, { cls: 'changed', note: '原 ' + old, title: '原值 ' + old });
    }
  });
  const changedRows = new Set(j.table.map((r, i) => (r.changed.length ? i : -1)));
  const open = new Set();
  for (const ri of changedRows) {
    if (ri < 0) continue;
    for (let p = j.table[ri].parent; p !== null; p = j.table[p].parent) open.add(p);
  }
  drawTree($('new-table'), { columns: j.columns, rows: j.table }, marks,
           i => j.table[i].depth < 2 || open.has(i));
  $('whatif-result').hidden = false;
}

async function runWhatif(ev) {
  ev.preventDefault();
  const box = $('whatif-error');
  showError(box, '');
  let fields;
  try {
    fields = whatifFields();
  } catch (e) {
    showError(box, e.message);
    return;
  }
  const btn = $('run-whatif');
  btn.disabled = true;
  btn.textContent = '正在测算…';
  try {
    const res = await post('/api/realloc', fields);
    state.lastWhatif = fields;
    showWhatif(await res.json());
  } catch (e) {
    $('whatif-result').hidden = true;
    showError(box, e.message);
  } finally {
    btn.disabled = false;
    btn.textContent = '测算';
  }
}

// ---- wiring ----

document.addEventListener('DOMContentLoaded', () => {
  $('file').addEventListener('change', e => useFile(e.target.files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) useFile(e.dataTransfer.files[0]);
  });
  $('paste-check').addEventListener('click', () => {
    const text = $('paste').value;
    if (!text.trim()) {
      showError($('load-error'), '请先把表格文字粘贴到上面的框中。');
      return;
    }
    state.file = new Blob([text], { type: 'text/plain' });
    state.name = '粘贴的表格.txt';
    $('file-name').textContent = '已粘贴 ' + text.split('\n').length + ' 行文字';
    $('file-name').hidden = false;
    runCheck();
  });
  $('dl-audit').addEventListener('click', e =>
    download('/api/check?format=xlsx', [], '审核-' + baseName() + '.xlsx', $('check-error'),
             e.currentTarget));
  $('dl-notice').addEventListener('click', e =>
    download('/api/notice', [], '下达-' + baseName() + '.xlsx', $('check-error'),
             e.currentTarget));
  $('dl-whatif').addEventListener('click', e =>
    download('/api/realloc?format=xlsx', state.lastWhatif, '测算-' + baseName() + '.xlsx',
             $('whatif-error'), e.currentTarget));
  $('dl-csv').addEventListener('click', e =>
    download('/api/realloc?format=csv', state.lastWhatif, '测算-' + baseName() + '.csv',
             $('whatif-error'), e.currentTarget));
  $('add-target').addEventListener('click', addTarget);
  $('whatif').addEventListener('submit', runWhatif);
});
