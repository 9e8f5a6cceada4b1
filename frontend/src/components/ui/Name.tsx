import { Fragment } from 'react';

/**
 * A name someone chose (a person's, a room's, a sanctum's), isolated from the text around it with
 * `<bdi>`: a right-to-left name, or one stored with a bidi override before the server refused them
 * (docs/text.md), keeps its own direction and cannot reorder the words beside it.
 */
export function Name({ children }: { children: string }) {
  return <bdi>{children}</bdi>;
}

/** A line of our words with someone's text in it: each `{ user }` part is isolated like a `Name`. */
export type LinePart = string | { user: string };

export function Line({ parts }: { parts: readonly LinePart[] }) {
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>{typeof part === 'string' ? part : <Name>{part.user}</Name>}</Fragment>
      ))}
    </>
  );
}

/** The same line as plain text, for labels and tests. */
export function lineText(parts: readonly LinePart[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : part.user)).join('');
}
