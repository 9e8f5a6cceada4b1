import { Button } from '../../components/ui';
import { useMe } from '../auth/useMe';
import { useResendVerification } from './api';

/** Until the address is verified: a reminder above every page, with a way to send the link again. */
export function VerifyBanner() {
  const me = useMe();
  const resend = useResendVerification();
  if (!me.data || me.data.email_verified_at) return null;
  return (
    <div className="verify-banner" role="status" aria-label="Email not verified">
      <span>
        Confirm your email address: we sent a link to <strong>{me.data.email}</strong>.
      </span>
      {resend.isSuccess ? (
        <span>Sent again.</span>
      ) : (
        <Button size="sm" variant="ghost" loading={resend.isPending} onClick={() => resend.mutate(undefined)}>
          Email it again
        </Button>
      )}
    </div>
  );
}
