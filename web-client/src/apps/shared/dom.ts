type Attributes = Record<string, string | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an element; attributes whose value is undefined are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** Sets text only when it changed, so screen readers and observers see real changes only. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element; numbers are written as attributes too. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, String(value));
  for (const child of children) if (child) element.append(child);
  return element;
}

/** The element every app renders into. */
export function appContainer(): HTMLElement {
  const container = document.getElementById('app');
  if (!container) throw new Error('#app is missing from the page');
  return container;
}

/** A paragraph for problems, hidden while empty; `role="alert"` so it is announced. */
export function problemBox(testId: string): { element: HTMLElement; show(text: string | null): void } {
  const element = el('p', { class: 'problem', role: 'alert', 'data-testid': testId });
  element.hidden = true;
  return {
    element,
    show(text) {
      element.hidden = text === null;
      setText(element, text ?? '');
    },
  };
}
