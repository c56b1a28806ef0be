/**
 * One line for each problem that a zod schema found in input (a configuration file, a state
 * document of the lake, the dashboard's filters, a page of an API): `where: what`. Every message
 * about bad input is made here, so that all of them read alike.
 */

/** A zod issue as every caller sees it (structural: no zod import needed). */
export interface IssueLike {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** The keys of an `unrecognized_keys` issue. */
  readonly keys?: readonly string[];
}

export interface IssueTextOptions {
  /** What an empty path names: the whole value (`the document`, `filters`); default `(top level)`. */
  readonly root?: string;
  /** `a.0.b` instead of `a[0].b` (where the form is part of stored output, e.g. a normalizer's rejection reasons). */
  readonly dotted?: boolean;
  /**
   * How an unknown key is named (`key`, `filter`): then `unrecognized_keys` reads `unknown key "a", "b"`
   * (plural for several, `filter` stays singular), after the path when there is one. Without it the
   * issue reads as any other.
   */
  readonly unknown?: 'key' | 'filter';
  /** Drops zod's `Invalid input: ` prefix. */
  readonly plain?: boolean;
}

/** `sources[1].tags` from an issue's path (`sources.1.tags` when dotted); `root` for an empty one. */
export function issuePath(path: readonly PropertyKey[], opts: Pick<IssueTextOptions, 'root' | 'dotted'> = {}): string {
  let out = '';
  for (const seg of path) out += !opts.dotted && typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out || (opts.root ?? '(top level)');
}

/** The issue as one line, `path: message` (see IssueTextOptions). */
export function issueText(issue: IssueLike, opts: IssueTextOptions = {}): string {
  if (opts.unknown && issue.code === 'unrecognized_keys' && issue.keys) {
    const where = issue.path.length ? `${issuePath(issue.path, opts)}: ` : '';
    const noun = opts.unknown === 'key' && issue.keys.length > 1 ? 'keys' : opts.unknown;
    return `${where}unknown ${noun} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${issuePath(issue.path, opts)}: ${opts.plain ? issue.message.replace(/^Invalid input: /, '') : issue.message}`;
}
