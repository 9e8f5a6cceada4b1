// One image picked and uploaded to `target` (an avatar, a sanctum icon), with its progress and its error;
// `onStored` hears the stored file.
import { useState } from 'react';

import { uploadFile, type FileRead, type UploadTarget } from './api';

const IMAGES = 'image/jpeg,image/png,image/gif,image/webp';

export function ImagePicker({
  label,
  progressLabel,
  target,
  onStored,
}: {
  label: string;
  progressLabel: string;
  target: UploadTarget;
  onStored(stored: FileRead): void;
}) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <label className="btn btn--secondary btn--sm">
        {label}
        <input
          type="file"
          accept={IMAGES}
          hidden
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (!file) return;
            setError(null);
            setProgress(0);
            uploadFile(file, file.name, setProgress, target).then(
              (stored) => {
                setProgress(null);
                onStored(stored);
              },
              (e: unknown) => {
                setProgress(null);
                setError(e instanceof Error ? e.message : 'The upload failed.');
              },
            );
          }}
        />
      </label>
      {progress !== null && <progress max={1} value={progress} aria-label={progressLabel} />}
      {error && (
        <span className="text-danger" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
