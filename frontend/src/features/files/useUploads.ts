// What the composer is uploading: each file starts uploading as soon as it is picked, pasted or
// dropped, shows its progress, and once stored offers its id to the next message. With the `uploads`
// feature flag off, `enabled` is false: no button, paste and drop do nothing (the server refuses too).
import { useCallback, useRef, useState } from 'react';

import { useFlag } from '../flags/api';
import { uploadFile, type FileRead } from './api';

export interface Upload {
  key: number;
  name: string;
  progress: number;
  file: FileRead | null;
  error: string | null;
}

export interface Uploads {
  items: Upload[];
  add(files: Iterable<File>): void;
  remove(key: number): void;
  clear(): void;
  /** Uploaded files, in the order added. */
  ready: FileRead[];
  busy: boolean;
  enabled: boolean;
}

export const MAX_ATTACHMENTS = 10;

function nameOf(file: File, index: number): string {
  if (file.name && file.name !== 'image.png') return file.name;
  // A pasted screenshot has no name of its own (browsers call it image.png).
  const extension = file.type.split('/')[1] ?? 'png';
  return `pasted-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}${index ? `-${index}` : ''}.${extension}`;
}

export function useUploads(): Uploads {
  const enabled = useFlag('uploads');
  const [items, setItems] = useState<Upload[]>([]);
  const next = useRef(1);

  const update = useCallback((key: number, change: Partial<Upload>) => {
    setItems((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const add = useCallback(
    (files: Iterable<File>) => {
      if (!enabled) return;
      let index = 0;
      for (const file of files) {
        const key = next.current++;
        const name = nameOf(file, index++);
        setItems((list) =>
          list.length >= MAX_ATTACHMENTS ? list : [...list, { key, name, progress: 0, file: null, error: null }],
        );
        uploadFile(file, name, (progress) => update(key, { progress })).then(
          (stored) => update(key, { file: stored, progress: 1 }),
          (e: unknown) =>
            update(key, {
              error: e instanceof Error ? e.message : 'The upload failed.',
            }),
        );
      }
    },
    [update, enabled],
  );

  const remove = useCallback((key: number) => setItems((list) => list.filter((u) => u.key !== key)), []);
  const clear = useCallback(() => setItems([]), []);
  const ready = items.flatMap((u) => (u.file ? [u.file] : []));
  const busy = items.some((u) => !u.file && !u.error);
  return { items, add, remove, clear, ready, busy, enabled };
}
