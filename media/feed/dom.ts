/** Small DOM helpers for the feed webview. Text goes in through `textContent` only. */

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A codicon, hidden from screen readers (its button carries the label). */
export function icon(name: string): HTMLElement {
  const i = el('span', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

/** A toolbar button showing one codicon; `toggle` makes it a pressed/unpressed button. */
export function iconButton(id: string, name: string, label: string, toggle = false): HTMLButtonElement {
  const b = el('button', 'icon-btn');
  b.id = id;
  b.type = 'button';
  b.title = label;
  b.setAttribute('aria-label', label);
  if (toggle) b.setAttribute('aria-pressed', 'false');
  b.append(icon(name));
  return b;
}

/** The feed's root element (every part of the view is appended to it by main). */
export const app = el('div', 'feed');
app.id = 'feed';
document.body.append(app);
