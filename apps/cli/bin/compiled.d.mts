/** Types of compiled.mjs (plain JavaScript, so that `pulse` can run it before anything is built). */
export interface CompileOptions {
  /** The project's root folder (default: this repository). */
  root?: string;
  /** Output name → entry source, relative to root (default: the CLI and the step apps). */
  entries?: Record<string, string>;
  /** Where builds go (default: apps/cli/dist under root). */
  dist?: string;
}
export declare const ROOT: string;
export declare const ENTRIES: Record<string, string>;
export declare function staleness(opts?: CompileOptions): Promise<string | undefined>;
export declare function build(opts?: CompileOptions): Promise<{ dir: string }>;
export declare function ensureCompiled(opts?: CompileOptions): Promise<{ dir: string; built?: string; error?: undefined } | { dir?: undefined; built?: undefined; error: string }>;
