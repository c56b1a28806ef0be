import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/**
 * YAML for the files the program writes (pulse.config.yaml on the VM), through the `yaml`
 * package. The style stays the one the VM's files always had: block mappings, lists of scalars
 * on the line of their key, and every string double-quoted (a JSON string is a valid YAML
 * double-quoted scalar, so no value can be read back as a number, a boolean, a comment or more
 * structure).
 */

/** Plain data that {@link toYaml} can write. */
export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Sets the style of a parsed JSON document: collections in block style except empty ones and
 * lists of scalars (flow, on the line of their key), and mapping keys plain where they can be.
 */
function restyle(node: unknown): void {
  if (isMap(node)) {
    node.flow = node.items.length === 0;
    for (const pair of node.items) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && PLAIN_KEY.test(pair.key.value)) pair.key.type = 'PLAIN';
      restyle(pair.value);
    }
  } else if (isSeq(node)) {
    node.flow = node.items.every((v) => !isMap(v) && !isSeq(v));
    for (const v of node.items) restyle(v);
  }
}

/** A number JSON (and so YAML) cannot hold is refused rather than written as null. */
function finite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
  return value;
}

/** Block-style YAML for plain data (mappings, sequences, strings, numbers, booleans). */
export function toYaml(value: YamlValue): string {
  // JSON is YAML: parsed back, every string is a double-quoted scalar, every number and boolean plain.
  const doc = parseDocument(JSON.stringify(value, finite));
  restyle(doc.contents);
  // Flow lists as the files always had them (`["a", "b"]`), and no folding of long strings.
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
}

/** Indent every non-empty line of `text` by `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : pad + line))
    .join('\n');
}
