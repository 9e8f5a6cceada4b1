// A message's or post's attachments: images as thumbnails (fetched with the token, shown from a blob:
// URL), other files as a name and size with a download button. Clicking an image saves the full one.
import { useEffect, useState } from 'react';

import { Icon } from '../../components/ui';
import { downloadFile, fetchFile, formatSize, type FileRead } from './api';

const MAX_W = 320;
const MAX_H = 240;

function useThumbnail(file: FileRead): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let made: string | null = null;
    fetchFile(file.id, true).then(
      (blob) => {
        if (!alive) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => undefined,
    );
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.id]);
  return url;
}

function ImageAttachment({ file }: { file: FileRead }) {
  const url = useThumbnail(file);
  const scale = Math.min(1, MAX_W / (file.width ?? MAX_W), MAX_H / (file.height ?? MAX_H));
  const width = Math.round((file.width ?? MAX_W) * scale);
  const height = Math.round((file.height ?? MAX_H) * scale);
  return (
    <button
      type="button"
      className="attachment attachment--image"
      title={`${file.name} (${formatSize(file.size)}): click to save`}
      onClick={() => void downloadFile(file)}
      style={{ width, height }}
    >
      {url ? (
        <img src={url} alt={file.name} width={width} height={height} data-testid="attachment-thumbnail" />
      ) : (
        <span className="attachment__loading" aria-label={`Loading ${file.name}`} />
      )}
    </button>
  );
}

function FileAttachment({ file }: { file: FileRead }) {
  return (
    <div className="attachment attachment--file">
      <Icon name="paperclip" size={16} />
      <span className="attachment__name">{file.name}</span>
      <span className="muted">{formatSize(file.size)}</span>
      <button type="button" className="link-button" onClick={() => void downloadFile(file)} aria-label={`Download ${file.name}`}>
        Download
      </button>
    </div>
  );
}

export function Attachments({ files }: { files: readonly FileRead[] | undefined }) {
  if (!files || files.length === 0) return null;
  return (
    <div className="attachments">
      {files.map((file) =>
        file.is_image && file.has_thumbnail ? (
          <ImageAttachment key={file.id} file={file} />
        ) : (
          <FileAttachment key={file.id} file={file} />
        ),
      )}
    </div>
  );
}
