// Uploads and checked downloads (docs/files.md). An upload goes up as the raw body of one request
// (XMLHttpRequest, for its progress events) with the access token in the Authorization header; a
// file is fetched the same way and shown from a blob: URL, so no token or long-lived link is ever
// in a URL an <img> or a download would leak.
import { api } from '../../api/client';
import { resolveApiBase } from '../../api/base';
import type { components } from '../../api/generated/schema';
import { tokens } from '../../api/tokens';

export type FileRead = components['schemas']['FileRead'];

export class UploadError extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  body: unknown;
}

/** Where an upload goes: an attachment (the default), or your avatar. */
export interface UploadTarget {
  method: 'POST' | 'PUT';
  path: string;
  created: number;
}

const ATTACHMENT: UploadTarget = { method: 'POST', path: '/api/files', created: 201 };
export const AVATAR: UploadTarget = { method: 'PUT', path: '/api/files/avatar', created: 200 };

function once(file: Blob, name: string, onProgress: (fraction: number) => void, target: UploadTarget): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, `${resolveApiBase()}${target.path}?name=${encodeURIComponent(name)}`);
    const token = tokens.accessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new UploadError('The upload failed: check your connection and try again.'));
    xhr.send(file);
  });
}

/** Upload one file; `onProgress` hears the fraction sent. A 401 refreshes the session once and retries. */
export async function uploadFile(
  file: Blob,
  name: string,
  onProgress: (fraction: number) => void,
  target: UploadTarget = ATTACHMENT,
): Promise<FileRead> {
  let answer = await once(file, name, onProgress, target);
  if (answer.status === 401 && (await api.refresh()) === 'refreshed') answer = await once(file, name, onProgress, target);
  if (answer.status === target.created) return answer.body as FileRead;
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  throw new UploadError(error?.message ?? `The upload failed (${answer.status}).`, error?.code ?? null);
}

/** A file's bytes (or its thumbnail's) as a Blob, through the authenticated client. */
export async function fetchFile(fileId: string, thumbnail = false): Promise<Blob> {
  const params = { path: { file_id: fileId } };
  const { data, error } = thumbnail
    ? await api.client.GET('/api/files/{file_id}/thumbnail', {
        params,
        parseAs: 'blob',
      })
    : await api.client.GET('/api/files/{file_id}', { params, parseAs: 'blob' });
  if (!data || error) throw new Error('This file is not available.');
  return data as unknown as Blob;
}

/** Save a file: fetched with the token, offered to the browser under its name, the blob URL dropped after. */
export async function downloadFile(file: FileRead): Promise<void> {
  const url = URL.createObjectURL(await fetchFile(file.id));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The public address of someone's uploaded avatar, new for each upload (`v`), for a profile's `avatar_url`. */
export function avatarAddress(userId: string, file: FileRead): string {
  const base = resolveApiBase();
  const origin = base.startsWith('http') ? base : `${window.location.origin}${base}`;
  return `${origin}/api/files/avatars/${userId}?v=${file.id}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
