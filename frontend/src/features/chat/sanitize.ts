// Every piece of message HTML passes through here before it reaches the page. The server already
// renders markdown with raw HTML escaped and cleans the result against an allow-list (nh3); the
// browser does it again with DOMPurify, against the same allow-list, so a server bug (or a
// compromised server) still cannot run script in the reader's tab.
import DOMPurify, { type Config } from 'dompurify';

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote'];
const ALLOWED_ATTR = ['href', 'title', 'start', 'class'];
/** http(s) and mailto links only; relative links, javascript:, data:, vbscript: ... are dropped. */
const SAFE_URL = /^(?:https?:|mailto:)/i;
/** Only the language class markdown puts on code blocks. */
const CODE_CLASS = /^language-[\w+-]{1,32}$/;

const CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  // Every attribute value is held to this pattern, except the "URI-safe" attributes (class, title).
  ALLOWED_URI_REGEXP: SAFE_URL,
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
    if (element.tagName === 'A') {
      const href = element.getAttribute('href');
      if (href !== null && !SAFE_URL.test(href.trim())) element.removeAttribute('href');
      if (element.hasAttribute('href')) {
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
    if (element.hasAttribute?.('class')) {
      const keep = element.tagName === 'CODE' && CODE_CLASS.test(element.getAttribute('class') ?? '');
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
