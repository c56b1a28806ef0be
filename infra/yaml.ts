/** Plain data that {@link toYaml} can write. */
export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== 'object';
}

function scalar(value: string | number | boolean): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
  // Strings are always double-quoted: a JSON string is a valid YAML double-quoted scalar, so
  // no value can be read back as a number, a boolean, a comment or more structure.
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Scalars, lists of scalars and empty collections fit on the line of their key. */
function inline(value: YamlValue): string | undefined {
  if (isScalar(value)) return scalar(value);
  if (Array.isArray(value)) {
    const items = value as readonly YamlValue[];
    return items.every(isScalar) ? `[${items.map((v) => scalar(v as string | number | boolean)).join(', ')}]` : undefined;
  }
  return Object.keys(value).length === 0 ? '{}' : undefined;
}

function block(value: YamlValue): string[] {
  const one = inline(value);
  if (one !== undefined) return [one];
  if (Array.isArray(value)) {
    return (value as readonly YamlValue[]).flatMap((item) => {
      const [first = '', ...rest] = block(item);
      return [`- ${first}`, ...rest.map((line) => `  ${line}`)];
    });
  }
  return Object.entries(value as Record<string, YamlValue>).flatMap(([key, v]) => {
    const name = PLAIN_KEY.test(key) ? key : JSON.stringify(key);
    const short = inline(v);
    return short !== undefined ? [`${name}: ${short}`] : [`${name}:`, ...block(v).map((line) => `  ${line}`)];
  });
}

/** Block-style YAML for plain data (mappings, sequences, strings, numbers, booleans). */
export function toYaml(value: YamlValue): string {
  return `${block(value).join('\n')}\n`;
}

/** Indent every non-empty line of `text` by `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : pad + line))
    .join('\n');
}
