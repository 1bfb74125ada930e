import { describe, expect, it } from 'vitest';
import { MAX_LINE_QUANTITY, parseCommand, parseQuantity } from '../../functions/_shared/commands';

describe('parseCommand', () => {
  it.each([
    ['ADD TSHIRT-M 2', { kind: 'add', sku: 'TSHIRT-M', quantity: 2 }],
    ['  add   tshirt-m    2  ', { kind: 'add', sku: 'TSHIRT-M', quantity: 2 }],
    ['Add Mug', { kind: 'add', sku: 'MUG', quantity: 1 }],
    ['remove mug', { kind: 'remove', sku: 'MUG' }],
    ['cart', { kind: 'cart' }],
    ['Checkout', { kind: 'checkout' }],
    ['STATUS', { kind: 'status' }],
    ['track #1042', { kind: 'track', orderRef: '1042' }],
    ['stop', { kind: 'stop' }],
    ['Start', { kind: 'start' }],
    ['help', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['/cart', { kind: 'cart' }],
  ])('reads %j', (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it.each(['ADD', 'ADD MUG 0', 'ADD MUG -1', 'ADD MUG two', 'ADD MUG 1.5', `ADD MUG ${MAX_LINE_QUANTITY + 1}`, 'ADD MUG 2 3'])(
    'explains how to use ADD for %j',
    (input) => {
      const command = parseCommand(input);
      expect(command).toMatchObject({ kind: 'usage', command: 'ADD' });
      expect(command.kind === 'usage' && command.problem).toContain('ADD <SKU> <QTY>');
    },
  );

  it.each(['REMOVE', 'REMOVE A B'])('explains how to use REMOVE for %j', (input) => {
    expect(parseCommand(input)).toMatchObject({ kind: 'usage', command: 'REMOVE' });
  });

  it('explains how to use TRACK without an order id', () => {
    expect(parseCommand('track')).toMatchObject({ kind: 'usage', command: 'TRACK' });
  });

  it('keeps unknown text for the reply', () => {
    expect(parseCommand(' hello there ')).toEqual({ kind: 'unknown', text: 'hello there' });
  });
});

describe('parseQuantity', () => {
  it('accepts whole numbers in range', () => {
    expect(parseQuantity('3')).toEqual({ ok: true, quantity: 3 });
    expect(parseQuantity(MAX_LINE_QUANTITY)).toEqual({ ok: true, quantity: MAX_LINE_QUANTITY });
  });

  it('says what is wrong with the others', () => {
    expect(parseQuantity('0')).toEqual({ ok: false, problem: 'The quantity must be at least 1.' });
    expect(parseQuantity('1e3')).toMatchObject({ ok: false, problem: '"1e3" is not a whole number.' });
  });
});
