import { describe, expect, it } from 'vitest';
import {
  bytesContainSecret,
  containsSecret,
  maskSecrets,
  maskSecretsDeep,
  redactUrl,
  registerSecrets,
  scrubSecrets,
  scrubSecretsDeep,
  scrubSecretsInJson,
} from './secrets.ts';

// One registry per process (per test file here): each test registers values of its own.
describe('the secret registry', () => {
  it('masks a value registered at run time in every form a server may echo it in', () => {
    const token = 'AAAAAAAAAAAAAAAAAAAAAbc%2Fde%3Dfg';
    expect(maskSecrets(`sent ${token}`)).toContain(token);
    registerSecrets([token]);
    expect(scrubSecrets(`sent ${token}`)).toBe('sent ***');
    expect(scrubSecrets('decoded AAAAAAAAAAAAAAAAAAAAAbc/de=fg')).toBe('decoded ***');
    expect(scrubSecrets(JSON.stringify({ detail: 'AAAAAAAAAAAAAAAAAAAAAbc/de=fg' }).replace('/', '\\/'))).toBe('{"detail":"***"}');
    expect(scrubSecrets(`encoded ${encodeURIComponent(token)}`)).toBe('encoded ***');
    expect(containsSecret(`x${token}x`)).toBe(true);
    expect(containsSecret('nothing here')).toBe(false);
    expect(bytesContainSecret(new TextEncoder().encode(`é ${token} ü`))).toBe(true);
    expect(bytesContainSecret(new TextEncoder().encode('nothing here'))).toBe(false);
  });

  it('replaces a longer value before a shorter one inside it', () => {
    registerSecrets(['abcd-1234', 'abcd-1234-efgh-5678']);
    expect(scrubSecrets('abcd-1234-efgh-5678 and abcd-1234')).toBe('*** and ***');
  });

  it('ignores empty, short and JSON-keyword values', () => {
    registerSecrets(['', '  ', 'abc', undefined, null, 'true', 'null']);
    expect(scrubSecrets('abc true null {"a":true}')).toBe('abc true null {"a":true}');
  });

  it('scrubs JSON inside string literals, so that the document stays valid', () => {
    registerSecrets(['detail', 'Zq9-session-token']);
    const doc = JSON.stringify({ detail: 'with "Zq9-session-token" inside', n: 1, nested: [{ detail: 'detail' }] });
    const out = scrubSecretsInJson(doc);
    expect(JSON.parse(out)).toEqual({ '***': 'with "***" inside', n: 1, nested: [{ '***': '***' }] });
    // NDJSON: line by line.
    expect(scrubSecretsInJson('{"a":"Zq9-session-token"}\n{"b":"ok"}\n')).toBe('{"a":"***"}\n{"b":"ok"}\n');
    // Nothing to replace: the very same string comes back.
    const clean = '{"a":"b"}';
    expect(scrubSecretsInJson(clean)).toBe(clean);
  });

  it('never keeps a value outside strings for the sake of structure', () => {
    registerSecrets(['48151623']);
    expect(scrubSecretsInJson('{"pin":48151623,"s":"48151623"}')).toBe('{"pin":***,"s":"***"}');
  });

  it('masks messages: registered values and credentials recognizable by their shape', () => {
    registerSecrets(['s3cr3t-token']);
    expect(maskSecrets('url?x=1 and s3cr3t-token')).toBe('url?x=1 and ***');
    expect(maskSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer ***');
    expect(maskSecrets('{"accessJwt":"eyJ.x.y"}')).toBe('{"accessJwt":"***"}');
    expect(maskSecrets('GET http://me:hunter2@127.0.0.1:9/x failed; see https://mastodon.social/@alice')).toBe(
      'GET http://***@127.0.0.1:9/x failed; see https://mastodon.social/@alice',
    );
  });

  it('masks every string inside reports and rows, and leaves other values alone', () => {
    registerSecrets(['deep-secret-value']);
    const report = { error: 'x: deep-secret-value', lines: ['a', 'Bearer deep-secret-value'], n: 3, ok: true, none: null, rows: [{ error: 'deep-secret-value' }] };
    expect(maskSecretsDeep(report)).toEqual({ error: 'x: ***', lines: ['a', 'Bearer ***'], n: 3, ok: true, none: null, rows: [{ error: '***' }] });
    // Data is scrubbed of registered values only: a link with a key= parameter is a link, not a secret.
    expect(scrubSecretsDeep({ text: 'deep-secret-value', links: ['https://example.com/?key=abc'] })).toEqual({ text: '***', links: ['https://example.com/?key=abc'] });
  });

  it('redacts URLs before they are stored: no user or password, no credential parameters', () => {
    expect(redactUrl('http://user:pass@127.0.0.1:8080/api?q=1&access_token=abc')).toBe('http://127.0.0.1:8080/api?q=1&access_token=***');
    expect(redactUrl('https://api.example.com/x?key=abc&max=10')).toBe('https://api.example.com/x?key=***&max=10');
    expect(redactUrl('https://api.example.com/x?q=1')).toBe('https://api.example.com/x?q=1');
    expect(redactUrl('not a url http://a:b@c')).toBe('not a url http://***@c');
  });
});
