import { describe, expect, it } from 'vitest';

import { parseDuration, parseSlash, suggestCommands } from './slash';

describe('slash commands', () => {
  it('offers the commands that start with what is typed, only while the command word is typed', () => {
    expect(suggestCommands('/').map((c) => c.name)).toEqual(['me', 'shrug', 'mute', 'pin', 'invite']);
    expect(suggestCommands('/m').map((c) => c.name)).toEqual(['me', 'mute']);
    expect(suggestCommands('/me waves')).toEqual([]);
    expect(suggestCommands('hello')).toEqual([]);
  });

  it('turns /me and /shrug into messages and leaves plain text alone', () => {
    expect(parseSlash('/me waves', 'Alice')).toEqual({ kind: 'send', body: '_Alice waves_' });
    expect(parseSlash('/shrug ok', 'Alice')).toEqual({ kind: 'send', body: 'ok ¯\\\\\\_(ツ)\\_/¯' });
    expect(parseSlash('hello /me', 'Alice')).toEqual({ kind: 'text' });
    expect(parseSlash('//not a command', 'Alice')).toEqual({ kind: 'text' });
  });

  it('reads /mute, /pin and /invite, and answers anything else with a hint', () => {
    expect(parseSlash('/mute @bob 10m', 'A')).toEqual({ kind: 'mute', username: 'bob', seconds: 600 });
    expect(parseSlash('/mute @bob', 'A')).toEqual({ kind: 'mute', username: 'bob', seconds: 600 });
    expect(parseSlash('/mute @bob soon', 'A').kind).toBe('hint');
    expect(parseSlash('/pin', 'A')).toEqual({ kind: 'pin' });
    expect(parseSlash('/invite @carol', 'A')).toEqual({ kind: 'invite', username: 'carol' });
    const unknown = parseSlash('/dance', 'A');
    expect(unknown.kind === 'hint' && unknown.message).toContain('Unknown command /dance');
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('0m')).toBeNull();
  });
});
