import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { formErrors, type FormErrors } from '../../api/errors';
import { Alert, Avatar, Button, Card, Field, Input, PageHeader, Spinner, Textarea } from '../../components/ui';
import type { Me } from '../auth/api';
import { useAuth } from '../auth/AuthContext';
import { useMe } from '../auth/useMe';
import { avatarAddress, AVATAR } from '../files/api';
import { ImagePicker } from '../files/ImagePicker';
import { useDeleteAccount, useUpdateProfile, type ProfileUpdate } from './api';

const INPUTS = ['display_name', 'bio', 'avatar_url'] as const;
type Input = (typeof INPUTS)[number];
const BIO_MAX = 500;

export function EditProfilePage() {
  const me = useMe();
  if (!me.data) {
    return (
      <div className="center-pad">
        <Spinner label="Loading your profile" />
      </div>
    );
  }
  return (
    <div className="stack">
      <PageHeader title="Edit profile" description="How other people see you across Sanctum." />
      {/* Keyed by the saved profile, so the form starts again from what the server holds. */}
      <ProfileForm key={me.data.id} me={me.data} />
      <DeleteAccount />
    </div>
  );
}

/** Upload an image as your avatar: stored re-encoded and small, and named by the Avatar URL (save to keep it). */
function AvatarUpload({ userId, onUploaded }: { userId: string; onUploaded(url: string): void }) {
  return (
    <div className="avatar-upload">
      <ImagePicker
        label="Upload an image"
        progressLabel="Uploading your avatar"
        target={AVATAR}
        onStored={(stored) => onUploaded(avatarAddress(userId, stored))}
      />
    </div>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const update = useUpdateProfile();
  const [values, setValues] = useState({
    display_name: me.display_name,
    bio: me.bio,
    avatar_url: me.avatar_url ?? '',
  });
  const [errors, setErrors] = useState<FormErrors<Input>>({ fields: {}, message: null });
  const [saved, setSaved] = useState(false);

  function set(name: Input, value: string) {
    setSaved(false);
    setValues((v) => ({ ...v, [name]: value }));
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const fields: FormErrors<Input>['fields'] = {};
    const displayName = values.display_name.trim();
    const avatar = values.avatar_url.trim();
    if (!displayName) fields.display_name = 'Enter a display name.';
    if (values.bio.length > BIO_MAX) fields.bio = `Keep it under ${BIO_MAX} characters.`;
    if (avatar && !/^https?:\/\/\S+$/.test(avatar)) fields.avatar_url = 'Use an http(s) link to an image.';
    if (Object.keys(fields).length) {
      setErrors({ fields, message: null });
      return;
    }
    const body: ProfileUpdate = {};
    if (displayName !== me.display_name) body.display_name = displayName;
    if (values.bio !== me.bio) body.bio = values.bio;
    if (avatar !== (me.avatar_url ?? '')) body.avatar_url = avatar || null;
    setErrors({ fields: {}, message: null });
    try {
      const updated = Object.keys(body).length ? await update.mutateAsync(body) : me;
      setValues({ display_name: updated.display_name, bio: updated.bio, avatar_url: updated.avatar_url ?? '' });
      setSaved(true);
    } catch (error) {
      setErrors(formErrors(error, INPUTS));
    }
  }

  const avatarPreview = /^https?:\/\/\S+$/.test(values.avatar_url.trim()) ? values.avatar_url.trim() : null;

  return (
    <Card
      title="Profile"
      description={
        <>
          Shown on <Link to={`/u/${me.username}`}>your public profile</Link>.
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {errors.message && <Alert tone="error">{errors.message}</Alert>}
        {saved && <Alert tone="success">Profile saved.</Alert>}
        <div className="avatar-row">
          <Avatar name={values.display_name || me.username} src={avatarPreview} size="lg" />
          <div className="avatar-row__field">
            <AvatarUpload userId={me.id} onUploaded={(url) => set('avatar_url', url)} />
            <Field label="Avatar URL" optional hint="A link to a square image, e.g. https://…/me.png" error={errors.fields.avatar_url}>
              {(control) => (
                <Input
                  {...control}
                  name="avatar_url"
                  type="url"
                  inputMode="url"
                  placeholder="https://"
                  maxLength={500}
                  value={values.avatar_url}
                  onChange={(e) => set('avatar_url', e.target.value)}
                />
              )}
            </Field>
          </div>
        </div>
        <Field label="Display name" error={errors.fields.display_name}>
          {(control) => (
            <Input
              {...control}
              name="display_name"
              maxLength={64}
              value={values.display_name}
              onChange={(e) => set('display_name', e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Bio"
          optional
          error={errors.fields.bio}
          aside={
            <span className={values.bio.length > BIO_MAX ? 'text-danger' : undefined}>
              {values.bio.length}/{BIO_MAX}
            </span>
          }
        >
          {(control) => (
            <Textarea
              {...control}
              name="bio"
              rows={4}
              placeholder="A few words about yourself"
              value={values.bio}
              onChange={(e) => set('bio', e.target.value)}
            />
          )}
        </Field>
        <div className="form__actions">
          <Button type="submit" variant="primary" loading={update.isPending}>
            Save changes
          </Button>
        </div>
      </form>
    </Card>
  );
}

function DeleteAccount() {
  const { forget } = useAuth();
  const remove = useDeleteAccount();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors<'password'>>({ fields: {}, message: null });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setErrors({ fields: { password: 'Enter your password to confirm.' }, message: null });
      return;
    }
    try {
      await remove.mutateAsync(password);
      // <RequireAuth> takes it from here to the login page.
      forget('deleted');
    } catch (error) {
      setErrors(formErrors(error, ['password'] as const));
    }
  }

  return (
    <Card
      tone="danger"
      title="Delete account"
      description="Removes your account and signs you out everywhere. This cannot be undone."
      actions={
        !open && (
          <Button variant="danger" onClick={() => setOpen(true)}>
            Delete account…
          </Button>
        )
      }
    >
      {open && (
        <form className="form" onSubmit={onSubmit} noValidate>
          {errors.message && <Alert tone="error">{errors.message}</Alert>}
          <Field label="Confirm with your password" error={errors.fields.password}>
            {(control) => (
              <Input
                {...control}
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <div className="form__actions">
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" variant="danger" loading={remove.isPending}>
              Delete my account
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
