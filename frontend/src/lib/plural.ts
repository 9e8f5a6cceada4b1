// Plural forms through Intl.PluralRules: "1 member", "2 members", never "1 members".
const rules = new Map<string, Intl.PluralRules>();

function rulesFor(locale: string): Intl.PluralRules {
  let found = rules.get(locale);
  if (!found) rules.set(locale, (found = new Intl.PluralRules(locale)));
  return found;
}

export interface Forms {
  one: string;
  other: string;
  /** Languages with more categories (few, many, two, zero) may add them; `other` is the fallback. */
  [category: string]: string;
}

/** The word for `count` things: `plural(1, { one: 'member', other: 'members' })` is "member". */
export function plural(count: number, forms: Forms, locale = 'en'): string {
  return forms[rulesFor(locale).select(count)] ?? forms.other;
}

/** The count and its word: "3 members". */
export function counted(count: number, forms: Forms, locale = 'en'): string {
  return `${count} ${plural(count, forms, locale)}`;
}

export const MEMBERS: Forms = { one: 'member', other: 'members' };
export const PEOPLE: Forms = { one: 'person', other: 'people' };
export const COMMENTS: Forms = { one: 'comment', other: 'comments' };
export const REPLIES: Forms = { one: 'reply', other: 'replies' };
