import { useState } from 'react';

import { Button, Icon } from '../../../components/ui';
import type { ReportCreate } from './api';
import { ReportDialog } from './ReportDialog';

/** "Report" and its dialog, for a post or a profile. */
export function ReportButton({ targetType, targetId, size = 'md' }: { targetType: ReportCreate['target_type']; targetId: string; size?: 'sm' | 'md' }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="ghost" size={size} icon={<Icon name="alert" size={16} />} onClick={() => setOpen(true)}>
        Report
      </Button>
      {open && <ReportDialog targetType={targetType} targetId={targetId} onClose={() => setOpen(false)} />}
    </>
  );
}
