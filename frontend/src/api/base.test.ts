import { describe, expect, it } from 'vitest';

import { resolveApiBase, wsUrlFor } from './base';

describe('resolveApiBase', () => {
  it('is same-origin when VITE_API_URL is unset or empty', () => {
    expect(resolveApiBase(undefined)).toBe('');
    expect(resolveApiBase('')).toBe('');
    expect(resolveApiBase('  ')).toBe('');
    expect(resolveApiBase('/')).toBe('');
  });

  it('honours an absolute URL and drops trailing slashes', () => {
    expect(resolveApiBase('https://sanctum.example.com')).toBe('https://sanctum.example.com');
    expect(resolveApiBase('https://sanctum.example.com/')).toBe('https://sanctum.example.com');
    expect(resolveApiBase('http://127.0.0.1:8375')).toBe('http://127.0.0.1:8375');
    expect(resolveApiBase('https://example.com/sanctum//')).toBe('https://example.com/sanctum');
  });

  it('accepts a path prefix on this origin', () => {
    expect(resolveApiBase('/sanctum/')).toBe('/sanctum');
  });

  it('rejects what cannot be an API base', () => {
    expect(() => resolveApiBase('ftp://example.com')).toThrow(/http or https/);
    expect(() => resolveApiBase('example.com')).toThrow(/absolute/);
    expect(() => resolveApiBase('//example.com')).toThrow(/protocol-relative/);
    expect(() => resolveApiBase('https://example.com/?x=1')).toThrow(/query/);
  });
});

describe('wsUrlFor', () => {
  const http = { protocol: 'http:', host: 'localhost:5173' };
  const https = { protocol: 'https:', host: 'sanctum.example.com' };

  it('derives ws: from a same-origin page served over http', () => {
    expect(wsUrlFor('', '/api/ws?ticket=abc', http)).toBe('ws://localhost:5173/api/ws?ticket=abc');
  });

  it('derives wss: from a same-origin page served over https', () => {
    expect(wsUrlFor('', '/api/ws', https)).toBe('wss://sanctum.example.com/api/ws');
  });

  it('keeps a path prefix on this origin', () => {
    expect(wsUrlFor('/sanctum', '/api/ws', https)).toBe('wss://sanctum.example.com/sanctum/api/ws');
  });

  it('follows an absolute API base, whatever the page is served over', () => {
    expect(wsUrlFor('https://api.example.com', '/api/ws', http)).toBe('wss://api.example.com/api/ws');
    expect(wsUrlFor('http://127.0.0.1:8375', '/api/ws', https)).toBe('ws://127.0.0.1:8375/api/ws');
    expect(wsUrlFor('https://example.com/sanctum', '/api/ws?ticket=t', http)).toBe(
      'wss://example.com/sanctum/api/ws?ticket=t',
    );
  });

  it('works with the real base resolution end to end', () => {
    expect(wsUrlFor(resolveApiBase('https://x.example.org/'), '/api/ws', http)).toBe('wss://x.example.org/api/ws');
  });

  it('uses window.location by default', () => {
    expect(wsUrlFor('', '/api/ws')).toBe(`ws://${window.location.host}/api/ws`);
  });

  it('needs an absolute path', () => {
    expect(() => wsUrlFor('', 'api/ws', http)).toThrow(/starting with/);
  });
});
