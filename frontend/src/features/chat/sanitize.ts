// Every piece of message HTML passes through here before it reaches the page. The server already
// renders markdown with raw HTML escaped and cleans the result against an allow-list (nh3); the
// browser does it again with DOMPurify, against the same allow-list, so a server bug (or a
// compromised server) still cannot run script in the reader's tab.
import DOMPurify, { type Config } from 'dompurify';

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote', 'span'];
const ALLOWED_ATTR = ['href', 'title', 'start', 'class'];
/** http(s) and mailto links only; javascript:, data:, vbscript: ... are dropped. */
const SAFE_URL = /^(?:https?:|mailto:)/i;
/** The only relative links: a mention pill to a profile, a `#room` link to a room (each with its class). */
const PILL_LINKS: Record<string, RegExp> = {
  mention: /^\/u\/[A-Za-z0-9_]{3,32}$/,
  'room-link': /^\/chat\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};
/** What DOMPurify lets through before the hook decides: the safe schemes and the two pill paths. */
const URL_GATE = /^(?:https?:|mailto:|\/u\/|\/chat\/)/i;
/** Only the language class markdown puts on code blocks. */
const CODE_CLASS = /^language-[\w+-]{1,32}$/;

const CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  // Every attribute value is held to this pattern, except the "URI-safe" attributes (class, title).
  ALLOWED_URI_REGEXP: URL_GATE,
  ADD_URI_SAFE_ATTR: ['start'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  KEEP_CONTENT: true,
  // Whole subtrees whose text is never meant to be read.
  FORBID_CONTENTS: ['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'title', 'textarea', 'xmp', 'noembed', 'noframes'],
};

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** A DOMPurify instance of our own, so its hooks never affect anyone else's use of the library. */
function instance(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    const cls = element.getAttribute?.('class') ?? '';
    let pill = false;
    if (element.tagName === 'A') {
      const href = (element.getAttribute('href') ?? '').trim();
      pill = cls in PILL_LINKS && (PILL_LINKS[cls] as RegExp).test(href);
      if (element.hasAttribute('href') && !pill && !SAFE_URL.test(href)) element.removeAttribute('href');
      if (pill) {
        element.removeAttribute('target');
        element.removeAttribute('rel');
      } else if (element.hasAttribute('href')) {
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
    if (element.tagName === 'SPAN') pill = cls === 'mention';
    if (element.hasAttribute?.('class')) {
      const keep = pill || (element.tagName === 'CODE' && CODE_CLASS.test(cls));
      if (!keep) element.removeAttribute('class');
    }
    if (element.tagName === 'OL' && element.hasAttribute('start') && !/^\d{1,9}$/.test(element.getAttribute('start') ?? '')) {
      element.removeAttribute('start');
    }
  });
  purifier = purify;
  return purify;
}

/** Message HTML made safe to insert with `dangerouslySetInnerHTML`. */
export function sanitizeMessageHtml(html: string): string {
  if (!html) return '';
  return instance().sanitize(html, { ...CONFIG, ADD_ATTR: ['target', 'rel'], RETURN_TRUSTED_TYPE: false }) as string;
}
