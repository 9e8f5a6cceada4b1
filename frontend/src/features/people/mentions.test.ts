import { describe, expect, it } from 'vitest';

import { insertMention, mentionAt, mentionChoices } from './mentions';

const person = (id: string, username: string, display_name = '') => ({ id, username, display_name, avatar_url: null }) as never;

describe('the @ autocomplete', () => {
  it('finds the @name the caret is in, and nothing inside an address', () => {
    expect(mentionAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail a@b', 8)).toBeNull();
    expect(mentionAt('hi @bob there', 13)).toBeNull();
  });

  it('inserts @username and a space, replacing the rest of the word', () => {
    expect(insertMention('hi @bo', 3, 6, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
    expect(insertMention('hi @bo there', 3, 6, 'bob')).toEqual({ text: 'hi @bob there', caret: 7 });
    expect(insertMention('@boxx!', 0, 3, 'bob')).toEqual({ text: '@bob !', caret: 5 });
  });

  it('offers room members first, then others found, once each, never the writer', () => {
    const members = [person('1', 'me'), person('2', 'bob'), person('3', 'carol', 'Bobby C')];
    const found = [person('2', 'bob'), person('4', 'bobcat')];
    expect(mentionChoices('bo', members, found, '1').map((p: { username: string }) => p.username)).toEqual(['bob', 'carol', 'bobcat']);
    expect(mentionChoices('', members, found, '1').map((p: { username: string }) => p.username)).toEqual(['bob', 'carol']);
  });
});
