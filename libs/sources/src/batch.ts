/** `items` in slices of at most `size` (a batch lookup's requests). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An API root without its trailing slashes. */
export const trimSlashes = (url: string) => url.replace(/\/+$/, '');
