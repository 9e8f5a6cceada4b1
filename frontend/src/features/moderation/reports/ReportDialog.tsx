import { useState } from 'react';

import { Button, Field, Textarea } from '../../../components/ui';
import { Dialog } from '../../chat/Dialog';
import { useCreateReport, type ReportCreate } from './api';

const REASONS: { value: ReportCreate['reason']; label: string }[] = [
  { value: 'spam', label: 'Spam' },
  { value: 'harassment', label: 'Harassment' },
  { value: 'hate', label: 'Hate' },
  { value: 'illegal', label: 'Illegal content' },
  { value: 'other', label: 'Something else' },
];

const WHAT: Record<ReportCreate['target_type'], string> = {
  message: 'message',
  post: 'post',
  comment: 'comment',
  user: 'person',
};

/** Report a message, post, comment or person to the moderators, with a reason and a few words. */
export function ReportDialog({
  targetType,
  targetId,
  onClose,
}: {
  targetType: ReportCreate['target_type'];
  targetId: string;
  onClose(): void;
}) {
  const [reason, setReason] = useState<ReportCreate['reason']>('spam');
  const [details, setDetails] = useState('');
  const create = useCreateReport();
  const what = WHAT[targetType];

  if (create.isSuccess) {
    return (
      <Dialog title="Thanks for the report" onClose={onClose} size="sm">
        <p className="dialog__body">The moderators will look at this {what}. The person you reported is not told who reported them.</p>
        <div className="dialog__footer">
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title={`Report this ${what}`} description="Only moderators see reports." onClose={onClose} size="sm">
      <form
        className="form dialog__body"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ target_type: targetType, target_id: targetId, reason, details: details.trim() });
        }}
      >
        <fieldset className="report-reasons">
          <legend className="field__label">Why?</legend>
          {REASONS.map((r) => (
            <label key={r.value} className="report-reason">
              <input type="radio" name="reason" value={r.value} checked={reason === r.value} onChange={() => setReason(r.value)} />
              {r.label}
            </label>
          ))}
        </fieldset>
        <Field label="What happened" optional>
          {(control) => (
            <Textarea {...control} maxLength={1000} rows={3} value={details} onChange={(event) => setDetails(event.target.value)} />
          )}
        </Field>
        {create.isError && (
          <p className="field__error" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="form__actions">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" loading={create.isPending}>
            Report
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
