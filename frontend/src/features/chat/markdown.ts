// A small markdown renderer for the composer's preview, close to what the server renders
// (markdown-it, commonmark + strikethrough, raw HTML escaped, no images or headings, breaks on).
// It escapes every character of the input first and only ever adds the tags it knows, and the
// result still goes through DOMPurify (sanitizeMessageHtml) before reaching the page. What is
// stored and shown after sending is the server's rendering; this is only a preview.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

const SAFE_LINK = /^(?:https?:\/\/|mailto:)[^\s<>"']+$/i;

/** Inline markup of one line or paragraph (already escaped outside of code spans). */
function inline(source: string): string {
  // Code spans first: their content is taken literally.
  const codes: string[] = [];
  let text = source.replace(/`([^`\n]+)`/g, (_, code: string) => {
    codes.push(`<code>${escapeHtml(code)}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  const links: string[] = [];
  text = text.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => {
    if (!SAFE_LINK.test(url)) return whole;
    links.push(`<a href="${escapeHtml(url)}">${emphasis(escapeHtml(label))}</a>`);
    return `\u0001${links.length - 1}\u0001`;
  });
  text = emphasis(escapeHtml(text));
  text = text.replace(/\u0001(\d+)\u0001/g, (_, i: string) => links[Number(i)] ?? '');
  return text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)] ?? '');
}

function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>')
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w_])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1<em>$2</em>');
}

type Block = { kind: 'p' | 'quote' | 'ul' | 'ol' | 'code'; lines: string[]; start?: number };

/** Markdown to (escaped, limited) HTML for the preview. */
export function renderPreview(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let current: Block | null = null;
  let fence = false;
  const flush = () => {
    if (current) blocks.push(current);
    current = null;
  };
  for (const line of lines) {
    if (fence) {
      if (/^\s*```/.test(line)) {
        fence = false;
        flush();
      } else current?.lines.push(line);
      continue;
    }
    if (/^\s*```/.test(line)) {
      flush();
      current = { kind: 'code', lines: [] };
      fence = true;
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const quote = /^\s*>\s?(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*(\d{1,9})[.)]\s+(.*)$/.exec(line);
    if (quote) {
      if (current?.kind !== 'quote') flush();
      current ??= { kind: 'quote', lines: [] };
      current.lines.push(quote[1] ?? '');
    } else if (bullet) {
      if (current?.kind !== 'ul') flush();
      current ??= { kind: 'ul', lines: [] };
      current.lines.push(bullet[1] ?? '');
    } else if (numbered) {
      if (current?.kind !== 'ol') flush();
      current ??= { kind: 'ol', lines: [], start: Number(numbered[1]) };
      current.lines.push(numbered[2] ?? '');
    } else {
      if (current && current.kind !== 'p') flush();
      current ??= { kind: 'p', lines: [] };
      current.lines.push(line);
    }
  }
  flush();
  return blocks
    .map((block) => {
      switch (block.kind) {
        case 'code':
          return `<pre><code>${escapeHtml(block.lines.join('\n'))}</code></pre>`;
        case 'quote':
          return `<blockquote><p>${block.lines.map(inline).join('<br>')}</p></blockquote>`;
        case 'ul':
          return `<ul>${block.lines.map((l) => `<li>${inline(l)}</li>`).join('')}</ul>`;
        case 'ol':
          return `<ol${block.start && block.start !== 1 ? ` start="${block.start}"` : ''}>${block.lines
            .map((l) => `<li>${inline(l)}</li>`)
            .join('')}</ol>`;
        default:
          return `<p>${block.lines.map(inline).join('<br>')}</p>`;
      }
    })
    .join('');
}
