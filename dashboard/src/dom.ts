type Child = Node | string | number | null | undefined | false;
type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * `h("button", { type: "button", "data-testid": "ack" }, "Acknowledge")`: an element with
 * attributes (false/undefined leave one out, true sets it empty) and children (text is escaped).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** A `<select>` of `[value, label]` options. */
export function select(testId: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  return h(
    "select",
    { "data-testid": testId },
    ...options.map(([value, label]) => h("option", { value }, label)),
  );
}

export function append(parent: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === "number" ? String(child) : child);
  }
}

/** The element with this id in the page skeleton (`index.html`); its absence is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/**
 * Keeps one row per key in `body`, in the order of `items`: rows are created once and updated in
 * place, so an input the operator is typing into or a focused button survives live updates.
 */
export function renderKeyed<T, R extends HTMLElement>(
  body: HTMLElement,
  rows: Map<string, R>,
  items: readonly T[],
  keyOf: (item: T) => string,
  create: (item: T) => R,
  update: (row: R, item: T) => void,
): void {
  const keep = new Set<string>();
  let previous: Element | null = null;
  for (const item of items) {
    const key = keyOf(item);
    keep.add(key);
    let row = rows.get(key);
    if (row === undefined) {
      row = create(item);
      rows.set(key, row);
    }
    update(row, item);
    const expected: Element | null = previous === null ? body.firstElementChild : previous.nextElementSibling;
    if (expected !== row) {
      if (previous === null) body.prepend(row);
      else previous.after(row);
    }
    previous = row;
  }
  for (const [key, row] of rows) {
    if (!keep.has(key)) {
      row.remove();
      rows.delete(key);
    }
  }
}

/** Sets text only when it changed: cheap for many rows updated every frame. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
