import type { Params } from '@social-pulse/warehouse';
import { filterParams, parseFilters, windowOf } from '../filters.ts';
import { rollupParams } from '../panels.ts';

/** What the panels bind for a view (a query object such as `{ period: '30d', end }`, as parseFilters takes) through the rollups: its filters and its whole days. */
export function viewParams(view: Readonly<Record<string, string | undefined>>): Params {
  const filters = parseFilters(view);
  const win = windowOf(filters);
  return { ...filterParams(filters, win), ...rollupParams(win) };
}
