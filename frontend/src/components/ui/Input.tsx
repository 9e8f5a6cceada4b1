import type { InputHTMLAttributes, Ref, TextareaHTMLAttributes } from 'react';

export function Input({ className, ref, ...rest }: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  return <input ref={ref} className={['input', className ?? ''].join(' ').trim()} {...rest} />;
}

export function Textarea({
  className,
  ref,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  return <textarea ref={ref} className={['input', 'input--area', className ?? ''].join(' ').trim()} {...rest} />;
}
