import { SOURCES } from '@social-pulse/sources/specs';
import type { PageSource } from './types.ts';

/**
 * The sources as the page shows them (name, label, colour), sent with every view
 * (`DashboardData.sources`): the browser code cannot import libs/sources (its bundle would
 * carry node code), so the server hands it the list. Tests pass a list with a source of their own.
 */
export const pageSources = (sources: readonly PageSource[] = SOURCES): PageSource[] => sources.map(({ name, label, colour }) => ({ name, label, colour }));
