import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, resolveAssetPath } from './resolve-asset-path.js';

const root = '/opt/console/renderer';

describe('resolveAssetPath', () => {
  it.each([
    ['/', 'index.html'],
    ['', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/assets/space%20name.css', 'assets/space name.css'],
    ['/favicon.svg?v=2', 'favicon.svg'],
  ])('maps %s inside the renderer folder', (url, expected) => {
    expect(resolveAssetPath(root, url)).toBe(join(root, expected));
  });

  it.each([
    '/../secret.txt',
    '/assets/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2fetc%2fpasswd',
    '/assets/..%5c..%5cwindows',
    '/index.html%00.png',
    '/%E0%A4%A',
    '/..',
  ])('refuses %s', (url) => {
    expect(resolveAssetPath(root, url)).toBeNull();
  });
});

describe('content security policy', () => {
  it('allows no inline or remote script and no remote connections', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});
