// Pure helpers of the `@` autocomplete: which `@name` the caret is in, and the text after a pick.
import type { PublicUser } from './api';

/** The `@name` being typed just before the caret: where its `@` is and what follows it. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[^\w@])@([A-Za-z0-9_]{0,32})$/.exec(before);
  if (!match) return null;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

/** `text` with the `@query` at `start` replaced by `@username `, and where the caret goes next. */
export function insertMention(text: string, start: number, caret: number, username: string): { text: string; caret: number } {
  const rest = text.slice(caret).replace(/^[A-Za-z0-9_]*/, '');
  const inserted = `@${username}${rest.startsWith(' ') ? '' : ' '}`;
  return { text: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
}

/** Room members whose username or display name starts with `query` first, then the others found, once each. */
export function mentionChoices(query: string, members: PublicUser[], found: PublicUser[], exclude: string, max = 8): PublicUser[] {
  const q = query.toLowerCase();
  const starts = (p: PublicUser) =>
    p.username.toLowerCase().startsWith(q) || (p.display_name ?? '').toLowerCase().split(/\s+/).some((w) => w.startsWith(q));
  const seen = new Set<string>([exclude]);
  const out: PublicUser[] = [];
  for (const person of [...members.filter(starts), ...(q ? found : [])]) {
    if (seen.has(person.id)) continue;
    seen.add(person.id);
    out.push(person);
    if (out.length >= max) break;
  }
  return out;
}
