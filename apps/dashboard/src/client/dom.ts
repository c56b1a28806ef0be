/**
 * The only way the page creates elements. Everything that comes from the warehouse is
 * untrusted (post text, names, hashtags, links: the internet wrote them), so text goes in
 * through textContent, attributes only through a short list of names, and never as markup.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined>;

const SAFE_ATTR = /^(class|id|title|role|colspan|type|name|value|for|placeholder|list|autocomplete|inputmode|maxlength|disabled|selected|open|hidden|(aria|data)-[a-z-]+)$/;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (!SAFE_ATTR.test(k)) throw new Error(`el: attribute ${k} is not allowed`);
    node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, ...children);
  return node;
}

export function append(node: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** The URL when it is an absolute http(s) URL, else null (javascript:, data:, relative …). */
export function httpUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * A link to somewhere else on the web, opened in a new tab without handing it our window
 * (`noopener`) or our address (`noreferrer`). Anything but http(s) is shown as plain text.
 */
export function externalLink(raw: string, text: string, attrs: Attrs = {}): HTMLElement {
  const href = httpUrl(raw);
  if (!href) return el('span', { ...attrs, class: `not-a-link ${attrs.class ?? ''}`.trim(), title: 'not an http(s) link' }, text);
  const a = el('a', attrs, text);
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
