// A modal dialog for a closer look (a zoomed heatmap, a large graph): a title, a close button,
// and a body the caller fills. Built on <dialog>.showModal(), which makes the rest of the page
// inert and closes on Escape; focus goes into the dialog on open and back to the element that
// opened it on close.
//
//   const modal = new Modal({ title: 'wte', className: 'my-zoom', onClose });
//   modal.body.append(...);  modal.open(triggerElement);  modal.setTitle('...');  modal.close();

export class Modal {
  constructor({ title = '', className = '', onClose = null } = {}) {
    this.onClose = onClose;
    this.returnFocus = null;
    this.dialog = document.createElement('dialog');
    this.dialog.className = `modal ${className}`.trim();
    const head = document.createElement('div');
    head.className = 'modal-head';
    this.title = document.createElement('h3');
    this.title.className = 'modal-title';
    this.title.id = `modal-title-${++modalCount}`;
    this.dialog.setAttribute('aria-labelledby', this.title.id);
    this.closeButton = document.createElement('button');
    this.closeButton.type = 'button';
    this.closeButton.className = 'modal-close';
    this.closeButton.setAttribute('aria-label', 'Close');
    this.closeButton.textContent = '×';
    this.closeButton.addEventListener('click', () => this.close());
    head.append(this.title, this.closeButton);
    this.body = document.createElement('div');
    this.body.className = 'modal-body';
    this.dialog.append(head, this.body);
    this.setTitle(title);
    // Escape fires `cancel` then `close`; every way of closing ends in `close`.
    this.dialog.addEventListener('close', () => this.closed());
    // A click on the backdrop (outside the dialog's box) closes it too.
    this.dialog.addEventListener('pointerdown', (e) => {
      if (e.target !== this.dialog) return;
      const r = this.dialog.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) this.close();
    });
    document.body.append(this.dialog);
  }

  get isOpen() {
    return this.dialog.open;
  }

  setTitle(text) {
    this.title.textContent = text;
  }

  // `trigger`: the element focus returns to on close (default: whatever had focus).
  // `focus`: the element to focus inside the dialog (default: the close button).
  open(trigger = document.activeElement, focus = null) {
    this.returnFocus = trigger;
    if (!this.dialog.open) this.dialog.showModal();
    (focus ?? this.closeButton).focus();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  closed() {
    const target = this.returnFocus;
    this.returnFocus = null;
    if (target?.isConnected) /** @type {HTMLElement} */ (target).focus(); // an element that had focus can take it
    this.onClose?.();
  }
}

let modalCount = 0;
