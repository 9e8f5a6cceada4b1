// A sanctum's icon, fetched with the token (a private sanctum's icon is its members' only) and shown
// from a blob: URL; those who manage the sanctum can upload a new one.
import { useEffect, useState } from 'react';

import { api } from '../../api/client';
import { uploadFile } from './api';

function useIcon(sanctumId: string, version: number): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let made: string | null = null;
    void api.client
      .GET('/api/files/sanctum-icons/{sanctum_id}', { params: { path: { sanctum_id: sanctumId } }, parseAs: 'blob' })
      .then(
        ({ data }) => {
          if (!alive || !data) return;
          made = URL.createObjectURL(data as unknown as Blob);
          setUrl(made);
        },
        () => undefined,
      );
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [sanctumId, version]);
  return url;
}

export function SanctumIcon({ sanctumId, name, manage }: { sanctumId: string; name: string; manage: boolean }) {
  const [version, setVersion] = useState(0);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const url = useIcon(sanctumId, version);
  if (!url && !manage) return null;
  return (
    <div className="sanctum-icon">
      {url && <img src={url} alt={`Icon of ${name}`} width={64} height={64} data-testid="sanctum-icon" />}
      {manage && (
        <label className="btn btn--secondary btn--sm">
          {url ? 'Change icon' : 'Upload an icon'}
          <input
            type="file"
            accept="image/jpeg,image/png,image/gif,image/webp"
            hidden
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (!file) return;
              setError(null);
              setProgress(0);
              const target = { method: 'PUT' as const, path: `/api/files/sanctum-icons/${sanctumId}`, created: 200 };
              uploadFile(file, file.name, setProgress, target).then(
                () => {
                  setProgress(null);
                  setVersion((v) => v + 1);
                },
                (e: unknown) => {
                  setProgress(null);
                  setError(e instanceof Error ? e.message : 'The upload failed.');
                },
              );
            }}
          />
        </label>
      )}
      {progress !== null && <progress max={1} value={progress} aria-label="Uploading the icon" />}
      {error && (
        <span className="text-danger" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
