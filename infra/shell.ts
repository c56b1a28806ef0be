/**
 * Quote a string as one POSIX shell word: wrap it in single quotes and turn each embedded
 * single quote into `'\''` (close, escaped quote, reopen). Nothing inside single quotes is
 * expanded, so no config value can run code in the startup script, whatever it contains.
 */
export function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A value for a systemd `EnvironmentFile=`: double-quoted, with the four characters that
 * systemd (like the shell) treats specially inside double quotes escaped by a backslash.
 * Newlines are refused rather than escaped: no setting of ours needs one.
 */
export function systemdEnvValue(value: string): string {
  if (/[\n\r]/.test(value)) throw new Error(`an environment value may not contain a line break: ${JSON.stringify(value)}`);
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}
