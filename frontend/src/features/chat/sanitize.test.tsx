import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';

import { renderPreview } from './markdown';
import { MessageBody } from './MessageItem';
import { sanitizeMessageHtml } from './sanitize';

// What must never survive: script, event handlers, javascript:/data:/vbscript: URLs, SVG/MathML
// script vectors, frames, forms and styles, in the shapes (and nestings) XSS cheat sheets list.
const CORPUS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.test/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(document.cookie)">',
  '<IMG SRC="javascript:alert(1);">',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
  '<a href=" javascript:alert(1)">leading space</a>',
  '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<a href="vbscript:msgbox(1)">vb</a>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<body onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<style>*{background:url("javascript:alert(1)")}</style>',
  '<form action="javascript:alert(1)"><input type=submit></form>',
  '<button formaction="javascript:alert(1)">go</button>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel=import href="data:text/html,<script>alert(1)</script>">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><img src=x onerror=alert(1)></template>',
  '<p>ok</p><!--<img src=x onerror=alert(1)>-->',
  '<a href="https://ok.test" onclick="alert(1)">ok link, bad handler</a>',
  '<code class="language-js" onclick="alert(1)">x</code>',
  '<strong><em><a href="javascript:alert(1)"><img src=x onerror=alert(1)></a></em></strong>',
  '<ul><li><a href="javascript:alert(1)">nested list link</a></li></ul>',
  '<blockquote><svg><animate onbegin=alert(1) attributeName=x dur=1s></svg></blockquote>',
  '"><img src=x onerror=alert(1)>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
];

const DANGEROUS_TAGS = 'script, style, iframe, object, embed, svg, math, img, form, input, button, base, meta, link, video, source, template, noscript, details, body';

/** Everything that could run script, checked on the parsed result (not just the string). */
function assertSafe(html: string) {
  const host = document.createElement('div');
  host.innerHTML = html;
  expect(host.querySelectorAll(DANGEROUS_TAGS)).toHaveLength(0);
  for (const element of Array.from(host.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      expect(attribute.name.startsWith('on'), `${attribute.name} on <${element.tagName}>`).toBe(false);
      expect(['style', 'srcdoc', 'formaction', 'xlink:href', 'action', 'src']).not.toContain(attribute.name);
    }
    const href = element.getAttribute('href');
    if (href !== null) expect(href).toMatch(/^(https?:|mailto:|\/u\/\w+$|\/chat\/[0-9a-f-]{36}$)/i);
  }
  // (Text such as "onerror=" may remain as escaped, inert text; no markup may.)
  expect(html).not.toMatch(/<script/i);
}

describe('sanitizeMessageHtml', () => {
  it.each(CORPUS)('leaves nothing dangerous in %s', (payload) => {
    assertSafe(sanitizeMessageHtml(payload));
  });

  it('leaves nothing dangerous when the payloads are nested in the markdown the server renders', () => {
    const nested = `<p><strong>${CORPUS.join('</strong><em>')}</em></p><ul><li>${CORPUS.join('</li><li>')}</li></ul>`;
    assertSafe(sanitizeMessageHtml(nested));
  });

  it('keeps what markdown renders: emphasis, code, lists, quotes and safe links (opened safely)', () => {
    const html =
      '<p><strong>b</strong> <em>i</em> <del>s</del> <code>c</code><br>line</p><pre><code class="language-py">x = 1</code></pre>' +
      '<ol start="3"><li>three</li></ol><ul><li>dot</li></ul><blockquote><p>q</p></blockquote>' +
      '<p><a href="https://example.com/a?b=1" title="t">web</a> <a href="mailto:a@example.com">mail</a></p>';
    const clean = sanitizeMessageHtml(html);
    const host = document.createElement('div');
    host.innerHTML = clean;
    expect(host.querySelector('strong')?.textContent).toBe('b');
    expect(host.querySelector('pre code')?.getAttribute('class')).toBe('language-py');
    expect(host.querySelector('ol')?.getAttribute('start')).toBe('3');
    const links = Array.from(host.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1', 'mailto:a@example.com']);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(a.getAttribute('target')).toBe('_blank');
    }
  });

  it('drops classes other than a code language, and relative or odd links', () => {
    const host = document.createElement('div');
    host.innerHTML = sanitizeMessageHtml('<p class="x"><a href="/settings">rel</a><a href="//evil.test">proto-rel</a><code class="a b">c</code></p>');
    expect(host.querySelector('[class]')).toBeNull();
    expect(host.querySelectorAll('a[href]')).toHaveLength(0);
    expect(host.textContent).toBe('relproto-relc');
  });

  it('keeps the mention pills and room links the server renders, and no look-alike', () => {
    const room = '0b6c3f0e-8f7a-4c1e-9d2a-1a2b3c4d5e6f';
    const host = document.createElement('div');
    host.innerHTML = sanitizeMessageHtml(
      `<p><a href="/u/bob" class="mention" rel="noopener">@bob</a> <span class="mention">@here</span> ` +
        `<a href="/chat/${room}" class="room-link">#general</a> <a href="/settings" class="mention">x</a> ` +
        `<a href="/u/bob" class="room-link">y</a> <a href="/u/bob">z</a> <span class="evil">w</span> ` +
        `<a href="javascript:alert(1)" class="mention">j</a></p>`,
    );
    const kept = Array.from(host.querySelectorAll('[class]')).map((e) => [e.tagName, e.className, e.getAttribute('href')]);
    expect(kept).toEqual([
      ['A', 'mention', '/u/bob'],
      ['SPAN', 'mention', null],
      ['A', 'room-link', `/chat/${room}`],
    ]);
    expect(host.querySelector('a.mention')?.getAttribute('target')).toBeNull();
    expect(host.querySelectorAll('a[href]')).toHaveLength(2);
    expect(host.textContent).toBe('@bob @here #general x y z w j');
  });

  it('is what the message component renders: no script element, no handler reaches the page', () => {
    const { container } = render(
      <MemoryRouter>
        <MessageBody html={CORPUS.join('')} />
      </MemoryRouter>,
    );
    assertSafe(container.innerHTML);
    expect(container.querySelector('.msg__body')).not.toBeNull();
  });
});

describe('the composer preview', () => {
  it('renders the markdown people use', () => {
    const html = renderPreview('**bold** _it_ ~~no~~ `x<y`\nnext\n\n- a\n- b\n\n3. c\n\n> quote\n\n```\n<b>raw</b>\n```\n[site](https://example.com)');
    expect(html).toBe(
      '<p><strong>bold</strong> <em>it</em> <del>no</del> <code>x&lt;y</code><br>next</p>' +
        '<ul><li>a</li><li>b</li></ul><ol start="3"><li>c</li></ol><blockquote><p>quote</p></blockquote>' +
        '<pre><code>&lt;b&gt;raw&lt;/b&gt;</code></pre><p><a href="https://example.com">site</a></p>',
    );
  });

  it('escapes raw HTML and refuses unsafe links, even before DOMPurify', () => {
    for (const payload of CORPUS) {
      const html = renderPreview(payload);
      const host = document.createElement('div');
      host.innerHTML = html;
      // Only the tags the renderer itself writes exist: the payload stayed text.
      for (const element of Array.from(host.querySelectorAll('*'))) {
        expect(['P', 'BR', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'A', 'UL', 'OL', 'LI', 'BLOCKQUOTE']).toContain(element.tagName);
      }
      assertSafe(sanitizeMessageHtml(html));
    }
    expect(renderPreview('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
    expect(renderPreview('[x](https://ok.test" onmouseover="alert(1))')).not.toContain('onmouseover="');
  });
});
