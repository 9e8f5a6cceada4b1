import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { hasWord, messageLink, Snippet } from './SearchDialog';

describe('site search', () => {
  it('asks the server only once the text has a word outside filters', () => {
    expect(hasWord('')).toBe(false);
    expect(hasWord('from:@ann in:#garden')).toBe(false);
    expect(hasWord('?!')).toBe(false);
    expect(hasWord('tomato from:@ann')).toBe(true);
    expect(hasWord('été')).toBe(true);
  });

  it('opens a message at itself, and a reply at its thread with the thread open', () => {
    expect(messageLink({ room_id: 'r1', id: 7, parent_id: null })).toBe('/chat/r1?message=7');
    expect(messageLink({ room_id: 'r1', id: 9, parent_id: 7 })).toBe('/chat/r1?message=7&thread=7');
  });

  it('renders a snippet as text with the matches marked, never as HTML', () => {
    const { container } = render(
      <Snippet segments={[{ text: '<img src=x onerror=alert(1)> say ', match: false }, { text: 'zanzibar', match: true }]} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('zanzibar').tagName).toBe('MARK');
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> say zanzibar');
  });
});
