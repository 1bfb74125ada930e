import { describe, expect, it } from 'vitest';
import { receiptCounts } from './receipt-counts.js';

describe('receipt counts on a message row', () => {
  it('says how many members it reached and read, of how many it went to', () => {
    expect(receiptCounts({ status: 'sent', receipts: { delivered: 212, read: 87, of: 529 } })).toBe('Delivered to 212 · Read by 87 of 529');
    expect(receiptCounts({ status: 'sent', receipts: { delivered: 1_204, read: 0, of: null } })).toBe('Delivered to 1,204 · Read by 0');
  });

  it('says nothing while a message has no receipts and is not sent yet', () => {
    expect(receiptCounts({ status: 'sending', receipts: { delivered: 0, read: 0, of: 529 } })).toBeNull();
    expect(receiptCounts({ status: 'sent', receipts: null })).toBeNull();
  });
});
