import { describe, expect, it } from 'vitest';

import { sanitizeMessageHtml } from '../chat/sanitize';
import { customOf, withCustomEmoji, type CustomEmoji } from './custom';

const PARROT: CustomEmoji = { name: 'party_parrot', fileId: 'f1', url: 'blob:http://localhost/parrot' };
const LOADING: CustomEmoji = { name: 'not_yet', fileId: 'f2', url: null };

function images(html: string): { alt: string; src: string }[] {
  const template = document.createElement('template');
  template.innerHTML = html;
  return Array.from(template.content.querySelectorAll('img')).map((img) => ({ alt: img.alt, src: img.getAttribute('src') ?? '' }));
}

describe('withCustomEmoji', () => {
  it("makes each loaded :name: an image with its code as the alt text, and leaves the rest as text", () => {
    const html = withCustomEmoji('<p>hi :party_parrot: and :party_parrot:, not :not_yet: or :other:</p>', [PARROT, LOADING]);

    expect(images(html)).toEqual([
      { alt: ':party_parrot:', src: PARROT.url },
      { alt: ':party_parrot:', src: PARROT.url },
    ]);
    expect(html).toContain(':not_yet: or :other:');
  });

  it('leaves code, code blocks and links alone', () => {
    const html = '<p><code>:party_parrot:</code></p><pre><code>:party_parrot:</code></pre><p><a href="https://x.test">:party_parrot:</a></p>';

    expect(images(withCustomEmoji(html, [PARROT]))).toEqual([]);
  });

  it('adds nothing but the image to sanitized HTML: what the sanitizer removed stays removed', () => {
    const hostile = '<p>:party_parrot:<img src=x onerror=alert(1)><script>alert(2)</script></p>';

    const html = withCustomEmoji(sanitizeMessageHtml(hostile), [PARROT]);

    expect(images(html)).toEqual([{ alt: ':party_parrot:', src: PARROT.url }]);
    expect(html).not.toContain('onerror');
    expect(html).not.toContain('script');
  });

  it('returns the HTML unchanged when the sanctum has no emoji loaded', () => {
    expect(withCustomEmoji('<p>:party_parrot:</p>', [LOADING])).toBe('<p>:party_parrot:</p>');
  });
});

describe('customOf', () => {
  it('finds a custom emoji by its :name: only', () => {
    expect(customOf([PARROT], ':party_parrot:')).toBe(PARROT);
    expect(customOf([PARROT], 'party_parrot')).toBeUndefined();
    expect(customOf([PARROT], '👍')).toBeUndefined();
  });
});
