// Values as the warehouses return them → plain JSON. Warehouse.query gives numbers and ISO
// strings on both backends; null is 0 or null here.

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
export const iso = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
