// A text box with the `@` autocomplete, for the post and comment composers.
import { useRef, type TextareaHTMLAttributes } from 'react';

import { Textarea } from '../../components/ui';
import { useMentions } from './useMentions';

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  value: string;
  onValueChange(value: string): void;
};

export function MentionTextarea({ value, onValueChange, onKeyDown, ...rest }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const mentions = useMentions({ value, setValue: onValueChange, area });
  return (
    <div className="mention-anchor">
      {mentions.list}
      <Textarea
        ref={area}
        {...rest}
        {...mentions.inputProps}
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        onKeyDown={(e) => {
          if (!mentions.onKeyDown(e)) onKeyDown?.(e);
        }}
      />
    </div>
  );
}
