// "Sent", "Delivered", "Read" under my newest message in a DM.
import type { ReceiptState } from './types';

export type ReceiptStatus = 'sent' | 'delivered' | 'read';

/** The other people's receipts after a `receipt.updated` event (mine are not shown). */
export function applyReceipt(receipts: readonly ReceiptState[], update: ReceiptState, me: string): ReceiptState[] {
  if (update.user_id === me) return receipts as ReceiptState[];
  const current = receipts.find((r) => r.user_id === update.user_id);
  const merged: ReceiptState = current
    ? {
        user_id: update.user_id,
        // Watermarks only move forward; a late event never takes one back.
        last_delivered_message_id: Math.max(current.last_delivered_message_id, update.last_delivered_message_id),
        last_read_message_id: Math.max(current.last_read_message_id, update.last_read_message_id),
      }
    : update;
  return [...receipts.filter((r) => r.user_id !== update.user_id), merged];
}

/** Where message `id` got to with everyone else: read by all, delivered to all, or just sent. */
export function receiptStatus(id: number, receipts: readonly ReceiptState[], me: string): ReceiptStatus {
  const others = receipts.filter((r) => r.user_id !== me);
  if (others.length === 0) return 'sent';
  if (others.every((r) => r.last_read_message_id >= id)) return 'read';
  if (others.every((r) => Math.max(r.last_delivered_message_id, r.last_read_message_id) >= id)) return 'delivered';
  return 'sent';
}
