import { describe, expect, it } from 'vitest';

import { COMMENTS, counted, MEMBERS, plural, REPLIES } from './plural';

describe('plural', () => {
  it('picks the form the language rules say, never "1 members"', () => {
    expect(counted(1, MEMBERS)).toBe('1 member');
    expect(counted(0, MEMBERS)).toBe('0 members');
    expect(counted(2, COMMENTS)).toBe('2 comments');
    expect(counted(1, REPLIES)).toBe('1 reply');
  });

  it('uses the categories of other languages, falling back to `other`', () => {
    const forms = { one: 'plik', few: 'pliki', many: 'plików', other: 'pliku' };
    expect(plural(1, forms, 'pl')).toBe('plik');
    expect(plural(3, forms, 'pl')).toBe('pliki');
    expect(plural(5, forms, 'pl')).toBe('plików');
    expect(plural(2, { one: 'x', other: 'xs' }, 'pl')).toBe('xs');
  });
});
