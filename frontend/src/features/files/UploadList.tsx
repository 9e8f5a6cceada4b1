// The composer's side of uploads, shared by the chat composer and the post composer: the list of
// files being uploaded (a progress bar each, then the stored size, or why it failed) and the button
// that picks files.
import { useRef, type ClipboardEvent, type DragEvent } from 'react';

import { Icon } from '../../components/ui';
import { formatSize } from './api';
import type { Uploads } from './useUploads';

export function UploadList({ uploads }: { uploads: Uploads }) {
  if (uploads.items.length === 0) return null;
  return (
    <ul className="composer__uploads" aria-label="Attachments">
      {uploads.items.map((u) => (
        <li key={u.key} className="composer__upload" data-testid="composer-upload">
          <span className="composer__upload-name">{u.name}</span>
          {u.error ? (
            <span className="composer__upload-error" role="alert">
              {u.error}
            </span>
          ) : u.file ? (
            <span className="muted">{formatSize(u.file.size)}</span>
          ) : (
            <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
          )}
          <button type="button" className="icon-button" aria-label={`Remove ${u.name}`} onClick={() => uploads.remove(u.key)}>
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}

export function AttachButton({ uploads, className = 'icon-button composer__tool' }: { uploads: Uploads; className?: string }) {
  const picker = useRef<HTMLInputElement>(null);
  if (!uploads.enabled) return null;
  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="composer-file-input"
        onChange={(event) => {
          if (event.target.files) uploads.add(Array.from(event.target.files));
          event.target.value = '';
        }}
      />
      <button
        type="button"
        className={className}
        aria-label="Attach files"
        title="Attach files (or paste or drop them here)"
        onClick={() => picker.current?.click()}
      >
        <Icon name="paperclip" size={18} />
      </button>
    </>
  );
}

/** Handlers that take pasted and dropped files into `uploads` (spread them on a form). */
export function dropAndPaste(uploads: Uploads) {
  return {
    onDragOver(event: DragEvent) {
      if (event.dataTransfer.types.includes('Files')) event.preventDefault();
    },
    onDrop(event: DragEvent) {
      if (!uploads.enabled || event.dataTransfer.files.length === 0) return;
      event.preventDefault();
      uploads.add(Array.from(event.dataTransfer.files));
    },
    onPaste(event: ClipboardEvent) {
      const files = Array.from(event.clipboardData.files);
      if (!uploads.enabled || files.length === 0) return;
      event.preventDefault();
      uploads.add(files);
    },
  };
}
