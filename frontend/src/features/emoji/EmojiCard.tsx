// A sanctum's custom emoji, managed on its page by whoever holds `emoji.manage`: each one's image and
// `:name:` with Delete, and a name and an image to add one (the server checks the name and the image).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { api, unwrap } from '../../api/client';
import { Alert, Button, Card, Input } from '../../components/ui';
import { uploadFile } from '../files/api';
import { EMOJI_NAME, emojiKeys, useCustomEmojiList, useEmojiImages } from './custom';

const IMAGES = 'image/jpeg,image/png,image/gif,image/webp';

export function EmojiCard({ sanctumId }: { sanctumId: string }) {
  const list = useCustomEmojiList(sanctumId);
  const emoji = useEmojiImages(list.data);
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [picked, setPicked] = useState(0);
  const refresh = () => queryClient.invalidateQueries({ queryKey: emojiKeys.of(sanctumId) });
  const valid = EMOJI_NAME.test(name);

  async function add() {
    if (!file || !valid) return;
    setError(null);
    setProgress(0);
    try {
      await uploadFile(file, name, setProgress, { method: 'POST', path: `/api/emoji/${sanctumId}`, created: 201 });
      setName('');
      setFile(null);
      setPicked((n) => n + 1);
      await refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The upload failed.');
    } finally {
      setProgress(null);
    }
  }

  async function remove(which: string) {
    setError(null);
    setDeleting(which);
    try {
      await unwrap(api.client.DELETE('/api/emoji/{sanctum_id}/{name}', { params: { path: { sanctum_id: sanctumId, name: which } } }));
      await refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not delete it.');
    } finally {
      setDeleting(null);
    }
  }

  return (
    <Card title="Custom emoji" aria-label="Custom emoji" description="Members write them as :name: in messages and reactions in this sanctum's rooms.">
      <div className="stack">
        {emoji.length === 0 ? (
          <p className="muted">No custom emoji yet.</p>
        ) : (
          <ul className="custom-emoji-list" aria-label="Custom emoji">
            {emoji.map((e) => (
              <li key={e.name} className="roles__row">
                {e.url && <img className="custom-emoji custom-emoji--large" src={e.url} alt={`:${e.name}:`} />}
                <code>:{e.name}:</code>{' '}
                <Button size="sm" aria-label={`Delete :${e.name}:`} loading={deleting === e.name} onClick={() => void remove(e.name)}>
                  Delete
                </Button>
              </li>
            ))}
          </ul>
        )}
        <form
          className="custom-emoji-form"
          onSubmit={(event) => {
            event.preventDefault();
            void add();
          }}
        >
          <Input
            aria-label="Emoji name"
            placeholder="name (a-z, 0-9, _)"
            value={name}
            maxLength={32}
            onChange={(e) => setName(e.target.value.toLowerCase())}
          />
          <input key={picked} type="file" accept={IMAGES} aria-label="Emoji image" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <Button type="submit" variant="primary" size="sm" disabled={!file || !valid} loading={progress !== null}>
            Add emoji
          </Button>
        </form>
        {name && !valid && <p className="muted">2 to 32 letters a-z, digits and _.</p>}
        {progress !== null && <progress max={1} value={progress} aria-label="Uploading the emoji" />}
        {error && <Alert tone="error">{error}</Alert>}
      </div>
    </Card>
  );
}
