import YAML from 'yaml';

/**
 * YAML for the files the program writes (pulse.config.yaml on the VM), through the `yaml`
 * package. The style stays the one the VM's files always had: block mappings, lists of scalars
 * on the line of their key, and every string double-quoted (a JSON string is a valid YAML
 * double-quoted scalar, so no value can be read back as a number, a boolean, a comment or more
 * structure).
 *
 * The `yaml` that resolves from infra/ is 1.x (hoisted at the root; libs/config has its own
 * 2.x), and this is written against it (infra/package.json should say `"yaml": "^1.10.0"`).
 * On 2.x, restyle would set `node.flow` instead of `node.type`, and `doc.toString({
 * flowCollectionPadding: false, lineWidth: 0 })` would replace unpad.
 */

/** Plain data that {@link toYaml} can write. */
export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What toYaml touches of the nodes of a parsed document (yaml 1.x: `type` is the style). */
interface YamlNode {
  type?: string | null;
  value?: unknown;
  key?: YamlNode | null;
  items?: (YamlNode | null)[];
}

const isCollection = (n: YamlNode | null | undefined): n is YamlNode & { items: (YamlNode | null)[] } => Boolean(n && Array.isArray(n.items));

/**
 * Sets the style of a parsed JSON document: collections in block style except empty ones and
 * lists of scalars (flow, on the line of their key), and mapping keys plain where they can be.
 */
function restyle(node: YamlNode | null | undefined): void {
  if (!isCollection(node)) return;
  const isMap = node.type === 'FLOW_MAP' || node.type === 'MAP';
  const values = isMap ? node.items.map((pair) => pair?.value as YamlNode | null) : node.items;
  const flow = isMap ? node.items.length === 0 : values.every((v) => !isCollection(v));
  node.type = `${flow ? 'FLOW_' : ''}${isMap ? 'MAP' : 'SEQ'}`;
  if (isMap) {
    for (const pair of node.items) {
      if (pair?.key && typeof pair.key.value === 'string' && PLAIN_KEY.test(pair.key.value)) pair.key.type = 'PLAIN';
    }
  }
  for (const v of values) restyle(v);
}

/** A number JSON (and so YAML) cannot hold is refused rather than written as null. */
function finite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
  return value;
}

/**
 * yaml 1.x pads flow lists (`[ "a", "b" ]`); the files have always had `["a", "b"]`. Only a
 * line's own list (after its indentation, `- ` markers and a plain key) is unpadded: a string
 * starts with `"`, so none is touched.
 */
const unpad = (text: string) => text.replace(/^(\s*(?:- )*(?:[A-Za-z_][A-Za-z0-9_]*: )?)\[ (.*) \]$/gm, '$1[$2]');

/** Block-style YAML for plain data (mappings, sequences, strings, numbers, booleans). */
export function toYaml(value: YamlValue): string {
  // JSON is YAML: parsed back, every string is a double-quoted scalar, every number and boolean plain.
  const doc = YAML.parseDocument(JSON.stringify(value, finite));
  restyle(doc.contents as YamlNode | null);
  return unpad(String(doc));
}

/** Indent every non-empty line of `text` by `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : pad + line))
    .join('\n');
}
