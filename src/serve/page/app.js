// app.js — the page of fenpei serve: upload a table, show the check as a tree, run a what-if,
// allocate by factors (因素法), compare two tables.
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

// POST FIELDS and FILES ([name, blob, filename]; by default the current table as "file") to URL;
// resolve to the Response, or throw a Chinese message.
async function post(url, fields, files) {
  const fd = new FormData();
  for (const [k, f, n] of files || [['file', state.file, state.name]]) fd.append(k, f, n);
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

async function download(url, fields, filename, errorBox, button, files) {
  showError(errorBox, '');
  button.disabled = true;
  try {
    const res = await post(url, fields, files);
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
  $('floors').textContent = '';
  $('fixes').textContent = '';
  $('fit-rounds').value = '';
  // 因素法 may fill one of this table's categories, when the table adds up
  const into = $('alloc-into'), intoCol = $('alloc-into-column');
  intoCol.textContent = '';
  for (const c of table.columns.filter(x => x.role === 'category')) {
    const o = el('option', null, c.name);
    o.value = c.name;
    intoCol.appendChild(o);
  }
  into.disabled = !!state.check.errors || !intoCol.options.length;
  if (into.disabled) into.checked = false;
  intoCol.disabled = into.disabled;
  intoCol.hidden = into.disabled;
  $('alloc-into-note').hidden = !into.disabled;
  $('alloc-column').disabled = into.checked;
}

// A row of the bounds: a category and its floor.
function addFloor() {
  const row = el('div', 'target floor');
  const col = el('select', 'column');
  col.setAttribute('aria-label', '下限的类别');
  for (const c of amountColumns.slice(1)) {
    const o = el('option', null, c);
    o.value = c;
    col.appendChild(o);
  }
  const amt = el('input', 'amount');
  amt.inputMode = 'decimal';
  amt.placeholder = '下限金额';
  amt.setAttribute('aria-label', '下限金额');
  const del = el('button', 'small', '删除');
  del.type = 'button';
  del.addEventListener('click', () => row.remove());
  row.append(el('span', 'lbl', '每个末级单位的'), col, el('span', 'lbl', '不低于'), amt, del);
  $('floors').appendChild(row);
}

// A row of the bounds: a unit kept as it is.
function addFix() {
  const row = el('div', 'target fix');
  const unit = el('input', 'unit');
  unit.setAttribute('list', 'units');
  unit.placeholder = '单位，如 自治区本级合计';
  unit.setAttribute('aria-label', '固定不变的单位');
  const del = el('button', 'small', '删除');
  del.type = 'button';
  del.addEventListener('click', () => row.remove());
  row.append(el('span', 'lbl', '保持不变：'), unit, del);
  $('fixes').appendChild(row);
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
  for (const row of $('floors').children) {
    const c = row.querySelector('.column').value;
    const a = row.querySelector('.amount').value.trim().replace(/[,，\s]/g, '');
    if (!a) continue;
    if (!/^\d+(\.\d+)?$/.test(a)) problems.push('「' + c + '」的下限应为数字，如 2。');
    else fields.push(['min', c + '=' + a]);
  }
  for (const row of $('fixes').children) {
    const u = row.querySelector('.unit').value.trim();
    if (u) fields.push(['fix', u]);
  }
  const rounds = $('fit-rounds').value.trim();
  if (rounds && !/^[1-9]\d*$/.test(rounds)) problems.push('拟合轮数应为正整数，如 5000。');
  else if (rounds) fields.push(['fit_rounds', rounds]);
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
  if (s.min.length || s.fix.length)
    box.appendChild(el('p', null, '条件：' + s.min.map(m => m.column + ' 不低于 ' + m.amount)
      .concat(s.fix.map(u => '「' + u + '」保持不变')).join('；') + '。'));
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

// ---- 因素法: the factor method ----

const alloc = { file: null, name: '', last: null };

function addWeight() {
  const row = el('div', 'target weight-row');
  const f = el('input', 'unit factor');
  f.setAttribute('list', 'factor-names');
  f.placeholder = '因素列，如 常住人口';
  f.setAttribute('aria-label', '因素列');
  const w = el('input', 'weight');
  w.inputMode = 'decimal';
  w.placeholder = '如 0.6';
  w.setAttribute('aria-label', '权重');
  const del = el('button', 'small', '删除');
  del.type = 'button';
  del.addEventListener('click', () => {
    if ($('weights').children.length > 1) row.remove();
  });
  row.append(el('span', 'lbl', '因素'), f, el('span', 'lbl', '权重'), w, del);
  $('weights').appendChild(row);
}

// The factor table's column names, for the weights' suggestions (a CSV's first line).
async function readFactorNames(file) {
  const dl = $('factor-names');
  dl.textContent = '';
  if (!/\.(csv|tsv|txt)$/i.test(file.name)) return;
  const head = (await file.slice(0, 65536).text()).replace(/^\ufeff/, '').split(/\r?\n/)[0];
  for (const name of head.split(/[,\t]/)) {
    const n = name.trim().replace(/^"|"$/g, '');
    if (!n || ['级次', '单位', '上级', '编码', '上级编码'].includes(n)) continue;
    const o = el('option');
    o.value = n;
    dl.appendChild(o);
  }
}

function allocateRequest() {
  const problems = [];
  if (!alloc.file) problems.push('请选择因素表。');
  const pairs = [];
  for (const row of $('weights').children) {
    const f = row.querySelector('.factor').value.trim();
    const w = row.querySelector('.weight').value.trim();
    if (!f && !w) continue;
    if (!f || !/^\d+(\.\d+)?$/.test(w)) problems.push('每个因素都要有列名和权重（如 常住人口 0.6）。');
    else pairs.push(f + '=' + w);
  }
  if (!pairs.length) problems.push('请至少填写一个因素及其权重。');
  const total = $('alloc-total').value.trim().replace(/[,，\s]/g, '');
  const base = $('alloc-base').value.trim().replace(/[,，\s]/g, '');
  if (!/^\d+(\.\d+)?$/.test(total)) problems.push('要分配的总额应为数字，如 27000。');
  if (base && !/^\d+(\.\d+)?$/.test(base)) problems.push('基数应为数字，如 10。');
  if (problems.length) throw new Error([...new Set(problems)].join(' '));
  const fields = [['total', total], ['weights', pairs.join(',')]];
  if (base) fields.push(['base', base]);
  const files = [['file', alloc.file, alloc.name]];
  if ($('alloc-into').checked) {
    fields.push(['column', $('alloc-into-column').value]);
    files.push(['into', state.file, state.name]);
  } else if ($('alloc-column').value.trim()) {
    fields.push(['column', $('alloc-column').value.trim()]);
  }
  return { fields, files };
}

// "0.285000" as "28.5000%" (the text only: the share decides nothing here)
function sharePercent(s) {
  const [i, f] = s.split('.');
  return String(Number(i) * 100 + Number(f.slice(0, 2))) + '.' + f.slice(2) + '%';
}

function showAllocate(j) {
  const s = j.summary;
  const box = $('allocate-summary');
  box.textContent = '';
  box.appendChild(el('p', 'big', '总额 ' + s.total + ' 已分给 ' + s.leaves + ' 个末级单位' +
                     (s.base !== '0' ? '（每个先得基数 ' + s.base + '）' : '') + '。'));
  box.appendChild(el('p', null, '因素及权重：' +
                     s.weights.map(w => w.column + ' ' + w.weight).join('，') +
                     '。各单位的金额与精确份额相差不到 1，各级合计等于下级之和。'));
  if (s.into)
    box.appendChild(el('p', null, '结果已填入「' + s.into + '」的“' + s.column +
                       '”列，各级合计、全年合计和此次下达已相应更新。'));
  if (s.clawbacks)
    box.appendChild(el('p', 'warn-text', '注意：' + s.clawbacks + ' 行的此次下达为负数（收回资金），' +
                       '因为新金额低于已提前下达。'));
  const sh = $('shares');
  sh.textContent = '';
  const th = el('thead');
  const hr = el('tr');
  const heads = ['单位'].concat(s.weights.map(w => w.column), ['份额']);
  if (!s.into) heads.push(s.column);
  heads.forEach((h, i) => hr.appendChild(el('th', i ? 'num' : '', h)));
  th.appendChild(hr);
  sh.appendChild(th);
  const tb = el('tbody');
  for (const x of j.shares) {
    const tr = el('tr');
    tr.appendChild(el('td', null, x.path.join(' / ')));
    for (const f of x.factors) tr.appendChild(el('td', 'num', f));
    tr.appendChild(el('td', 'num', sharePercent(x.share)));
    if (!s.into) tr.appendChild(el('td', 'num', x.amount));
    tb.appendChild(tr);
  }
  sh.appendChild(tb);
  const marks = new Map();
  const open = new Set();
  j.table.forEach((r, ri) => {
    for (const ci of r.changed || []) {
      const old = state.check ? state.check.table.rows[ri].cells[ci] : '';
      marks.set(ri + ':' + ci, { cls: 'changed', note: '原 ' + old, title: '原值 ' + old });
      for (let p = r.parent; p !== null; p = j.table[p].parent) open.add(p);
    }
  });
  drawTree($('allocate-table'), { columns: j.columns, rows: j.table }, marks,
           i => j.table[i].depth < 2 || open.has(i));
  $('allocate-result').hidden = false;
}

async function runAllocate(ev) {
  ev.preventDefault();
  const box = $('allocate-error');
  showError(box, '');
  let req;
  try {
    req = allocateRequest();
  } catch (e) {
    showError(box, e.message);
    return;
  }
  const btn = $('run-allocate');
  btn.disabled = true;
  btn.textContent = '正在分配…';
  try {
    const res = await post('/api/allocate', req.fields, req.files);
    alloc.last = req;
    showAllocate(await res.json());
  } catch (e) {
    $('allocate-result').hidden = true;
    showError(box, e.message);
  } finally {
    btn.disabled = false;
    btn.textContent = '分配';
  }
}

function wireAllocate() {
  addWeight();
  $('add-weight').addEventListener('click', addWeight);
  $('factors-file').addEventListener('change', e => {
    const f = e.target.files[0];
    alloc.file = f || null;
    alloc.name = f ? f.name : '';
    if (f) readFactorNames(f).catch(() => {});
  });
  $('alloc-into').addEventListener('change', e => {
    $('alloc-column').disabled = e.target.checked;
  });
  $('allocate').addEventListener('submit', runAllocate);
  $('dl-allocate-csv').addEventListener('click', e =>
    download('/api/allocate?format=csv', alloc.last.fields,
             '因素法-' + alloc.name.replace(/\.[^.]*$/, '') + '.csv', $('allocate-error'),
             e.currentTarget, alloc.last.files));
}

// ---- 方案比较: two tables side by side ----

const cmp = { files: null, data: null };

function compareFiles() {
  const a = $('compare-old').files[0], b = $('compare-new').files[0];
  if (!a || !b) throw new Error(!a && !b ? '请选择原表和新表。' : !a ? '请选择原表。' : '请选择新表。');
  return [['old', a, a.name], ['new', b, b.name]];
}

function drawCompare() {
  const j = cmp.data;
  const k = Number($('compare-column').value);
  const changedOnly = $('compare-changed-only').checked;
  const t = $('compare-table');
  t.textContent = '';
  const th = el('thead');
  const hr = el('tr');
  for (const h of ['单位', '原值', '新值', '变动', '变动率', '原排名', '新排名', '排名变化'])
    hr.appendChild(el('th', h === '单位' ? '' : 'num', h));
  th.appendChild(hr);
  t.appendChild(th);
  const tb = el('tbody');
  const dash = v => (v === null ? '—' : String(v));
  for (const u of j.units) {
    const v = u.values[k];
    if (changedOnly && u.in === 'both' && v.change === 0) continue;
    const tr = el('tr', u.in === 'both' ? '' : 'only');
    const name = el('td', null, u.path.split('/').join(' / '));
    if (u.in !== 'both') name.appendChild(el('div', 'suggest', u.in === 'old' ? '仅在原表' : '仅在新表'));
    const up = v.change !== null && v.change > 0, down = v.change !== null && v.change < 0;
    const move = v.rank_old !== null && v.rank_new !== null ? v.rank_old - v.rank_new : null;
    tr.append(name, el('td', 'num', dash(v.old)), el('td', 'num', dash(v.new)),
              el('td', 'num' + (up ? ' up' : down ? ' down' : ''),
                 v.change === null ? '—' : (up ? '+' : '') + v.change),
              el('td', 'num', v.pct === null ? '—' : (v.pct.startsWith('-') ? '' : '+') + v.pct),
              el('td', 'num', dash(v.rank_old)), el('td', 'num', dash(v.rank_new)),
              el('td', 'num', move === null ? '' : (move > 0 ? '+' : '') + move));
    tb.appendChild(tr);
  }
  if (!tb.children.length) {
    const tr = el('tr');
    const td = el('td', null, '这一列没有变动的单位。');
    td.colSpan = 8;
    tr.appendChild(td);
    tb.appendChild(tr);
  }
  t.appendChild(tb);
}

function showCompare(j) {
  cmp.data = j;
  const box = $('compare-summary');
  box.textContent = '';
  const n = { both: 0, old: 0, new: 0 };
  for (const u of j.units) n[u.in]++;
  box.appendChild(el('p', 'big', '原表「' + j.old + '」与新表「' + j.new + '」：两表共有 ' +
                     n.both + ' 个单位' + (n.old ? '，仅在原表 ' + n.old + ' 个' : '') +
                     (n.new ? '，仅在新表 ' + n.new + ' 个' : '') + '。'));
  const cols = j.units.length ? j.units[0].values.map(v => v.column) : [];
  const tops = j.units.filter(u => !u.path.includes('/') && u.in === 'both');
  const moved = [];
  cols.forEach((c, k) => {
    for (const u of tops) {
      const v = u.values[k];
      if (v.change !== null && v.change !== 0)
        moved.push('「' + u.unit + '」' + c + '：' + v.old + ' → ' + v.new + '（' +
                   (v.change > 0 ? '+' : '') + v.change + (v.pct ? '，' + v.pct : '') + '）');
    }
  });
  box.appendChild(el('p', null, moved.length ? '合计的变动：' + moved.join('；') + '。'
                                             : '两表的合计相同。'));
  // a table that does not add up is compared all the same, but its totals are not its rows'
  const bad = j.checks.old.errors + j.checks.new.errors > 0;
  box.classList.toggle('bad', bad);
  box.classList.toggle('good', !bad);
  [['原表', j.old, j.checks.old], ['新表', j.new, j.checks.new]].forEach(([which, name, c]) => {
    if (c.errors)
      box.appendChild(el('p', 'warn-text', which + '「' + name + '」有 ' + c.errors +
                         ' 处平衡关系不成立（可在第 1 步审核它）：比较中它的小计和合计未必等于其各行之和。'));
  });
  const sel = $('compare-column');
  sel.textContent = '';
  cols.forEach((c, k) => {
    const o = el('option', null, c);
    o.value = String(k);
    sel.appendChild(o);
  });
  // the year total first, as the what-if does
  const total = cols.indexOf('全年应拨付资金合计');
  if (total >= 0) sel.value = String(total);
  drawCompare();
  $('compare-result').hidden = false;
}

async function runCompare(ev) {
  ev.preventDefault();
  const box = $('compare-error');
  showError(box, '');
  let files;
  try {
    files = compareFiles();
  } catch (e) {
    showError(box, e.message);
    return;
  }
  const btn = $('run-compare');
  btn.disabled = true;
  btn.textContent = '正在比较…';
  try {
    const res = await post('/api/compare', [], files);
    cmp.files = files;
    showCompare(await res.json());
  } catch (e) {
    $('compare-result').hidden = true;
    showError(box, e.message);
  } finally {
    btn.disabled = false;
    btn.textContent = '比较';
  }
}

function wireCompare() {
  $('compare').addEventListener('submit', runCompare);
  $('compare-column').addEventListener('change', drawCompare);
  $('compare-changed-only').addEventListener('change', drawCompare);
  $('dl-compare-xlsx').addEventListener('click', e =>
    download('/api/compare?format=xlsx', [], '方案比较.xlsx', $('compare-error'),
             e.currentTarget, cmp.files));
  $('dl-compare-csv').addEventListener('click', e =>
    download('/api/compare?format=csv', [], '方案比较.csv', $('compare-error'),
             e.currentTarget, cmp.files));
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
  $('add-floor').addEventListener('click', addFloor);
  $('add-fix').addEventListener('click', addFix);
  wireAllocate();
  wireCompare();
  $('whatif').addEventListener('submit', runWhatif);
});
