import { PageHeader } from '../../components/ui';
import { ReportsTab } from './reports/ReportsTab';

/** The moderation dashboard's reports screen (the dashboard shell shows it as its "Reports" tab). */
export function ReportsPage() {
  return (
    <div className="stack">
      <PageHeader title="Moderation" description="Reports about the communities you moderate." />
      <ReportsTab />
    </div>
  );
}
