// A sanctum's icon, fetched with the token (a private sanctum's icon is its members' only) and shown
// from a blob: URL; those who manage the sanctum can upload a new one.
import { useEffect, useState } from 'react';

import { api } from '../../api/client';
import { ImagePicker } from './ImagePicker';

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
  const url = useIcon(sanctumId, version);
  if (!url && !manage) return null;
  return (
    <div className="sanctum-icon">
      {url && <img src={url} alt={`Icon of ${name}`} width={64} height={64} data-testid="sanctum-icon" />}
      {manage && (
        <ImagePicker
          label={url ? 'Change icon' : 'Upload an icon'}
          progressLabel="Uploading the icon"
          target={{ method: 'PUT', path: `/api/files/sanctum-icons/${sanctumId}`, created: 200 }}
          onStored={() => setVersion((v) => v + 1)}
        />
      )}
    </div>
  );
}
