// Chapter 6: the optimizer's update for a few parameters. A heatmap of one matrix (hover: a
// parameter's value, gradient and moments; click: watch it), and a table with, per watched
// parameter, what the script's own update lines did to it in the last step: the bridge runs the
// update loop's body again on copies for each watched parameter from its state before the
// update (the step record's `update`), and reports its state before, what the body bound along
// the way (`locals`: e.g. m_hat, v_hat, by the script's names) and its state after. Nothing of
// the update is computed here; the moments' names are the script's (info.roles.moments).
import { el } from '../../ui/dom.js';
import { liveCard } from '../../ui/live-card.js';
import { scrollCue } from '../../ui/scroll-cue.js';
import { Heatmap } from '../../ui/heatmap.js';
import { showTooltip, hideTooltip } from '../../ui/tooltip.js';
import { shortNumber } from '../../ui/short-number.js';
import { pyRepr } from '../../ui/py-number.js';
import { tokenLabel } from '../../ui/vocab.js';

const MAX_SELECTED = 4;

export class TrainingAdam {
  constructor({ codeLinkButton }) {
    this.card = liveCard({
      title: 'The update, parameter by parameter',
      term: 'adam',
      action: codeLinkButton,
      className: 'tr-adam-card',
    });
    this.matrixSelect = el('select', { className: 'tr-matrix', 'aria-label': 'Matrix to show' });
    this.matrixSelect.addEventListener('change', () => this.showMatrix());
    this.canvas = el('canvas', { 'aria-label': 'Heatmap of the matrix; click a cell to watch its parameter' });
    const legend = el('div', 'tr-heat-legend');
    this.heatmap = new Heatmap(this.canvas, {
      maxWidth: 300,
      maxHeight: 300,
      maxCell: 14,
      legend,
      keyboard: true,
      onHover: (h) => this.hover(h),
    });
    this.canvas.addEventListener('click', (e) => this.pick(this.heatmap.cellAt(e.clientX, e.clientY)));
    this.canvas.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        this.pick(this.heatmap.cursor);
      }
    });
    this.table = el('table', 'tr-adam-table');
    this.formula = el('p', 'live-card-note tr-formula');
    const hint = el(
      'p',
      'live-card-note tr-adam-hint',
      "Hover a cell to read its parameter's value, gradient and moments; click it to watch its update (from the next step on, four at most).",
    );
    const left = el('div', 'tr-adam-map', [
      el('label', 'tr-matrix-label', ['matrix ', this.matrixSelect]),
      el('div', 'tr-adam-pick', [el('div', null, [this.canvas, legend]), hint]),
    ]);
    // The table scrolls sideways in a narrow column: a named tab stop, so keys can scroll it.
    const side = scrollCue(
      el('div', { className: 'tr-adam-side', tabindex: '0', role: 'region', 'aria-label': 'The update of the watched parameters' }, [
        this.table,
      ]),
    );
    this.card.body.append(el('div', 'tr-adam-grid', [side, this.formula, left]));
    this.selected = [];
    this.state = null;
    this.moments = [];
  }

  // Data changed: a (re)loaded script. `layout`: info.params.layout; `tokenTable`: the matrix the
  // model looks tokens up in (from the outline), whose row of the start token is watched first:
  // that token is in every document, so its row gets a gradient at every step.
  setScript(info, layout, tokenTable) {
    this.layout = layout;
    this.tokenTable = tokenTable;
    this.vocab = info.vocab ?? null;
    this.moments = info.roles?.moments ?? [];
    this.matrixSelect.replaceChildren(...layout.map((m) => el('option', { value: m.name }, `${m.name} (${m.rows}×${m.cols})`)));
    const table = layout.find((m) => m.name === tokenTable) ?? layout[0];
    if (table) this.matrixSelect.value = table.name;
    const bos = info.vocab?.bos;
    const row = table && table.name === tokenTable && bos != null && bos < table.rows ? bos * table.cols : 0;
    this.selected = table
      ? [row, row + 1, 0].filter((i, k, all) => i < table.rows * table.cols && all.indexOf(i) === k).map((i) => table.offset + i)
      : [];
    this.state = null;
    this.rowsFor = null;
  }

  // The parameters whose update the next step should spell out (the `watch` of `step`).
  watched() {
    return this.selected.slice();
  }

  // `state`: the last step record (with `data`, `grad`, the moments and `update`), or the
  // parameters as they are now (`params`) before any step or after a checkpoint jump.
  show(state) {
    this.state = state;
    this.showMatrix();
    this.showTable();
  }

  matrix() {
    return this.layout?.find((m) => m.name === this.matrixSelect.value);
  }

  showMatrix() {
    const m = this.matrix();
    if (!m || !this.state?.data) return;
    this.heatmap.setData(this.state.data.subarray(m.offset, m.offset + m.rows * m.cols), m.rows, m.cols);
  }

  label(index) {
    const m = this.layout.find((x) => index >= x.offset && index < x.offset + x.rows * x.cols);
    if (!m) return `parameter ${index}`;
    const k = index - m.offset;
    const row = Math.floor(k / m.cols);
    // A row of the token table stands for a token: say which, in the script's own label.
    const token = m.name === this.tokenTable && this.vocab?.size === m.rows ? ` (${tokenLabel(this.vocab, row)})` : '';
    return `${m.name}[${row}][${k % m.cols}]${token}`;
  }

  // The columns: the gradient; the data and each moment before the update; whatever the
  // script's update body bound on the way (by its names, in its order); the data and each
  // moment after. `group` heads a column group.
  columns() {
    const update = this.state?.update;
    const moments = update?.moments ?? this.moments;
    const locals = [];
    for (const row of update?.rows ?? []) for (const name of Object.keys(row.locals ?? {})) if (!locals.includes(name)) locals.push(name);
    const state = (when, bars) => [
      {
        key: `${when}-data`,
        group: when,
        label: 'data',
        bar: bars ? 'update' : null,
        get: (r) => r[when]?.data,
        title: `the parameter's value ${when} the update`,
      },
      ...moments.map((name) => ({
        key: `${when}-${name}`,
        group: when,
        label: name,
        get: (r) => r[when]?.[name],
        title: `${name} ${when} the update`,
      })),
    ];
    return [
      { key: 'grad', group: '', label: 'grad', bar: 'loss', get: (r) => r.grad, title: 'the gradient the update used' },
      ...state('before', false),
      ...locals.map((name) => ({
        key: `local-${name}`,
        group: 'bound by the update',
        label: name,
        get: (r) => r.locals?.[name],
        title: `${name}: bound by the script's update lines`,
      })),
      ...state('after', true),
    ];
  }

  // One row per watched parameter: the record's update where it has one, else what `params`
  // says now (the value and the moments), the rest "–".
  rows() {
    const s = this.state;
    const byIndex = new Map((s.update?.rows ?? []).map((r) => [r.index, r]));
    return this.selected.map((i) => {
      const row = byIndex.get(i);
      if (row) return row;
      // `params` (or a record without `update`) holds the state after the last update.
      const after = { data: s.data[i] };
      if (this.moments[0] && s.m) after[this.moments[0]] = s.m[i];
      if (this.moments[1] && s.v) after[this.moments[1]] = s.v[i];
      return { index: i, grad: s.grad?.[i], before: null, locals: null, after, missing: true };
    });
  }

  // The table is built when the watched parameters or the columns change; a new step only
  // rewrites its numbers and bars in place (no nodes added or removed: a cheap frame).
  showTable() {
    if (!this.state?.data) return;
    const columns = this.columns();
    const rows = this.rows();
    const shape = `${this.selected.join()}|${columns.map((c) => c.key).join()}`;
    if (this.rowsFor !== shape) this.buildRows(columns, shape);
    const max = Object.fromEntries(columns.map((c) => [c.key, Math.max(1e-300, ...rows.map((r) => Math.abs(c.get(r) ?? 0)))]));
    rows.forEach((r, k) => {
      const view = this.rowViews[k];
      view.tr.dataset.index = String(r.index);
      view.tr.dataset.update = r.missing ? 'none' : 'record';
      columns.forEach((c, j) => view.cells[j].show(c.get(r), max[c.key]));
    });
    this.formula.textContent = this.describe(rows);
  }

  describe(rows) {
    const s = this.state;
    const update = s.update;
    if (!s.step)
      return 'No step yet: the table shows the parameters as the script set them up. Click a cell of the heatmap to watch its parameter.';
    const lines = update?.lines ? `lines ${update.lines[0]}–${update.lines[1]}` : 'its update lines';
    const lr = s.lr_t != null ? ` The step's learning rate: ${shortNumber(s.lr_t, 4)}.` : '';
    if (!update) {
      return (
        `Step ${s.step}: this step did not spell out the update (it came from a checkpoint, or from a run that watched no parameter), ` +
        `so only the value, the gradient and the moments as Python holds them now are shown; the next step run here fills in the rest.${lr}`
      );
    }
    const late = rows.some((r) => r.missing) ? ' A parameter picked after the step shows its update from the next step on.' : '';
    return (
      `Step ${s.step}: the script's ${lines}, run again by the bridge on copies of each watched parameter as it was before ` +
      `the update: every number in the table is Python's.${lr}${late}`
    );
  }

  buildRows(columns, shape) {
    this.rowsFor = shape;
    // Two header rows: the groups (before, bound by the update, after), then the names.
    const groups = [];
    for (const c of columns) {
      if (groups.at(-1)?.name === c.group) groups.at(-1).span += 1;
      else groups.push({ name: c.group, span: 1 });
    }
    const top = el('tr', 'tr-adam-groups', [
      el('th'),
      ...groups.map((g) => el('th', { colspan: g.span, className: g.name ? 'tr-group' : '' }, g.name)),
    ]);
    const head = el('tr', null, [el('th', null, 'parameter'), ...columns.map((c) => el('th', { title: c.title ?? c.label }, c.label))]);
    this.rowViews = this.selected.map((i) => {
      const cells = columns.map((c) => new NumberCell(c));
      const tr = el('tr', { dataset: { index: String(i) } }, [el('th', { scope: 'row' }, this.label(i)), ...cells.map((c) => c.td)]);
      return { tr, cells };
    });
    this.table.replaceChildren(
      el('thead', null, [top, head]),
      el(
        'tbody',
        null,
        this.rowViews.map((v) => v.tr),
      ),
    );
  }

  pick(cell) {
    const m = this.matrix();
    if (!cell || !m) return;
    const index = m.offset + cell.row * m.cols + cell.col;
    this.selected = [index, ...this.selected.filter((i) => i !== index)].slice(0, MAX_SELECTED);
    this.showTable();
  }

  hover(h) {
    const m = this.matrix();
    const s = this.state;
    if (!h || !m || !s) {
      hideTooltip();
      return;
    }
    const i = m.offset + h.row * m.cols + h.col;
    const line = (name, value) => `${name} ${value == null ? '–' : pyRepr(value)}`;
    const moments = this.moments.map((name, k) => line(name, [s.m, s.v][k]?.[i]));
    const box = this.canvas.getBoundingClientRect();
    showTooltip(
      [`${m.name}[${h.row}][${h.col}]`, line('data', s.data[i]), line('grad', s.grad?.[i]), ...moments, 'click: watch its update'],
      h.clientX ?? box.right,
      h.clientY ?? box.top,
    );
  }
}

// One number of the table, with a signed bar for the columns that have one.
class NumberCell {
  constructor(column) {
    this.td = el('td', { dataset: { key: column.key } });
    this.text = el('span', 'tr-num');
    if (column.bar) {
      this.bar = el('span', `tr-bar tr-bar-${column.bar}`); // its colour: training/chapter.css
      this.box = el('span', 'tr-bar-cell', [el('span', 'tr-bar-track', this.bar), this.text]);
    }
    this.td.append(this.box ?? this.text);
  }

  show(value, max) {
    const known = value != null;
    this.td.title = known ? pyRepr(value) : '';
    this.td.dataset.value = known ? String(value) : '';
    this.text.textContent = known ? shortNumber(value, 3) : '–';
    if (!this.bar) return;
    this.bar.hidden = !known;
    this.bar.classList.toggle('negative', known && value < 0);
    this.bar.style.width = known ? `${Math.round((50 * Math.abs(value)) / max)}%` : '0';
  }
}
