// Slash commands typed in the composer: what each does, what the autocomplete offers, how a line parses.

export interface SlashCommand {
  name: string;
  usage: string;
  description: string;
}

export const SLASH_COMMANDS: SlashCommand[] = [
  { name: 'me', usage: '/me waves', description: 'Say what you are doing, in the third person' },
  { name: 'shrug', usage: '/shrug [text]', description: 'Append ¯\\_(ツ)_/¯' },
  { name: 'mute', usage: '/mute @user 10m', description: 'Mute someone here for a while (moderators)' },
  { name: 'pin', usage: '/pin', description: 'Pin the selected or the last message (moderators)' },
  { name: 'invite', usage: '/invite @user', description: 'Add someone to this room' },
];

const SHRUG = '¯\\\\\\_(ツ)\\_/¯';

export type SlashResult =
  | { kind: 'text' }
  | { kind: 'send'; body: string }
  | { kind: 'mute'; username: string; seconds: number }
  | { kind: 'pin' }
  | { kind: 'invite'; username: string }
  | { kind: 'hint'; message: string };

const USAGE_HINT = `Try ${SLASH_COMMANDS.map((c) => `/${c.name}`).join(', ')}.`;

/** The commands the autocomplete offers for what is typed so far (only while the command word is typed). */
export function suggestCommands(draft: string): SlashCommand[] {
  const match = /^\/(\w*)$/.exec(draft);
  if (!match) return [];
  const typed = (match[1] ?? '').toLowerCase();
  return SLASH_COMMANDS.filter((c) => c.name.startsWith(typed));
}

/** Seconds in a duration such as `10m`, `2h`, `1d` or `90s` (a bare number is minutes); null if unreadable. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,5})([smhd]?)$/i.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = (match[2] || 'm').toLowerCase();
  const seconds = amount * ({ s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 60);
  return seconds > 0 ? seconds : null;
}

function username(word: string | undefined): string | null {
  const name = (word ?? '').replace(/^@/, '');
  return /^[A-Za-z0-9_]{3,32}$/.test(name) ? name : null;
}

/** What a composed line means: plain text, a message to send instead, an action, or a hint to show. */
export function parseSlash(line: string, myName: string): SlashResult {
  if (!line.startsWith('/') || line.startsWith('//')) return { kind: 'text' };
  const [word = '', ...rest] = line.slice(1).split(/\s+/);
  const args = line.slice(1 + word.length).trim();
  switch (word.toLowerCase()) {
    case 'me':
      return args ? { kind: 'send', body: `_${myName} ${args}_` } : { kind: 'hint', message: 'Usage: /me waves' };
    case 'shrug':
      return { kind: 'send', body: args ? `${args} ${SHRUG}` : SHRUG };
    case 'mute': {
      const who = username(rest[0]);
      const seconds = parseDuration(rest[1] ?? '10m');
      if (!who || seconds === null) return { kind: 'hint', message: 'Usage: /mute @user 10m (s, m, h or d)' };
      return { kind: 'mute', username: who, seconds };
    }
    case 'pin':
      return { kind: 'pin' };
    case 'invite': {
      const who = username(rest[0]);
      return who ? { kind: 'invite', username: who } : { kind: 'hint', message: 'Usage: /invite @user' };
    }
    default:
      return { kind: 'hint', message: `Unknown command /${word}. ${USAGE_HINT} Start with // to send a line beginning with /.` };
  }
}
