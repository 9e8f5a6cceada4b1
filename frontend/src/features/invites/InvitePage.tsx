import { useEffect, useRef } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';

import { Alert, Avatar, Button, ButtonLink, Name, Spinner } from '../../components/ui';
import { useAuth } from '../auth/AuthContext';
import { AuthShell } from '../auth/AuthShell';
import type { LoginState } from '../auth/RequireAuth';
import { refusalOf, rememberAutojoin, takeAutojoin, tokenFromHash, useInvitePreview, useRedeemInvite, type InviteRedeemed } from './api';

/** Where a redeemed link takes its holder: the sanctum's page, or the room. */
function destination(joined: InviteRedeemed): string {
  if (joined.sanctum_slug) return `/sanctums/${joined.sanctum_slug}`;
  return joined.room_id ? `/chat/${joined.room_id}` : '/';
}

const members = (n: number) => `${n} ${new Intl.PluralRules('en').select(n) === 'one' ? 'member' : 'members'}`;

/** `/invite#<token>`: the card of what the link opens, for anyone; joining once signed in. */
export function InvitePage() {
  const location = useLocation();
  const navigate = useNavigate();
  const { state } = useAuth();
  const token = tokenFromHash(location.hash);
  const preview = useInvitePreview(token);
  const redeem = useRedeemInvite();
  const signedIn = state.status === 'signed-in';
  const autojoined = useRef(false);

  const join = () => {
    if (!token) return;
    redeem.mutate(token, { onSuccess: (joined) => navigate(destination(joined), { replace: true }) });
  };

  useEffect(() => {
    // Back from logging in or signing up through this link: join without a second click.
    if (signedIn && token && preview.isSuccess && !autojoined.current && takeAutojoin(token)) {
      autojoined.current = true;
      join();
    }
  });

  const back: LoginState = { from: { pathname: '/invite', search: '', hash: location.hash } };
  const footer = signedIn ? <Link to="/">Go to Sanctum</Link> : <>Links open a sanctum or a private room.</>;

  if (!token) {
    return (
      <AuthShell title="Invite link" subtitle="Something is missing." footer={footer}>
        <Alert tone="error">This invite link is incomplete. Check that you copied all of it.</Alert>
      </AuthShell>
    );
  }
  if (preview.isPending || state.status === 'restoring') {
    return (
      <AuthShell title="Invite link" subtitle="Looking it up…" footer={footer}>
        <Spinner label="Loading the invite" />
      </AuthShell>
    );
  }
  if (preview.isError) {
    return (
      <AuthShell title="Invite link" subtitle="This link cannot be used." footer={footer}>
        <Alert tone="error">{refusalOf(preview.error)}</Alert>
      </AuthShell>
    );
  }
  const card = preview.data;
  const what = card.target === 'sanctum' ? 'sanctum' : 'room';
  return (
    <AuthShell
      title="You are invited"
      subtitle={card.invited_by ? `${card.invited_by} invited you to join this ${what}.` : `You are invited to join this ${what}.`}
      footer={footer}
    >
      <div className="invite-card" data-testid="invite-card">
        <Avatar name={card.name} size="lg" />
        <div>
          <p className="invite-card__name">
            <Name>{card.name}</Name>
          </p>
          {card.description && (
            <p className="invite-card__description" dir="auto">
              {card.description}
            </p>
          )}
          <p className="invite-card__meta">{members(card.member_count)}</p>
        </div>
      </div>
      {redeem.error && <Alert tone="error">{refusalOf(redeem.error)}</Alert>}
      {signedIn ? (
        <Button variant="primary" block onClick={join} loading={redeem.isPending}>
          Join {card.name}
        </Button>
      ) : (
        <div className="stack">
          <ButtonLink variant="primary" block to="/register" state={back} onClick={() => rememberAutojoin(token)}>
            Create an account to join
          </ButtonLink>
          <ButtonLink block to="/login" state={back} onClick={() => rememberAutojoin(token)}>
            Log in to join
          </ButtonLink>
        </div>
      )}
    </AuthShell>
  );
}
