/**
 * RetentionPolicy: each factory's fix speaks of what that factory takes (keepLast(0) cannot
 * "leave keepLast out": the count is its one rule).
 */
import { RetentionPolicy } from '../../../src';

describe('retention counts out of range', () => {
  test('RetentionPolicy.keepLast(0): the fix names the factory\'s argument', () => {
    expect(RetentionPolicy.keepLast(0).problems('retentionPolicy')).toEqual([
      'retentionPolicy.keepLast: 0 is not a whole number from 1 to 2147483647. Fix: pass RetentionPolicy.keepLast() a whole number from 1 to 2147483647, e.g. RetentionPolicy.keepLast(5).',
    ]);
  });

  test('RetentionPolicy.keepDaily(1.5): the same for keepDaily', () => {
    expect(RetentionPolicy.keepDaily(1.5).problems('retentionPolicy')).toEqual([
      'retentionPolicy.keepDaily: 1.5 is not a whole number from 1 to 2147483647. Fix: pass RetentionPolicy.keepDaily() a whole number from 1 to 2147483647, e.g. RetentionPolicy.keepDaily(5).',
    ]);
  });

  test('RetentionPolicy.of({...}): a rule among others may be left out', () => {
    expect(RetentionPolicy.of({ keepDaily: 7, keepWeekly: -1 }).problems('retentionPolicy')).toEqual([
      'retentionPolicy.keepWeekly: -1 is not a whole number from 1 to 2147483647. Fix: pass a positive whole number, or leave keepWeekly out.',
    ]);
  });
});
