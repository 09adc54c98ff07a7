/**
 * The event log's bounds: recent events by count and by size, unmatched ones by count (with a
 * total that counts the forgotten), and restore without re-announcing.
 */
import { EventLog, type LoggedEvent } from '../../lib/local';

const event = (id: string) => ({ id, source: 's', 'detail-type': 't', detail: {} });

describe('EventLog', () => {
  test('an event forwarded to another bus (same id) is announced, and the log keeps the bus it was put on', () => {
    const log = new EventLog();
    const recorded: string[] = [];
    log.on('recorded', (l) => recorded.push(l.bus));
    log.record('shop', event('f'), ['arn:forward']);
    log.record('billing', event('f'), []);
    expect(recorded).toEqual(['shop', 'billing']);
    expect(log.get('f')).toMatchObject({ bus: 'shop', matchedRules: ['arn:forward'] });
  });

  test('keeps the most recent events up to its count, oldest forgotten first', () => {
    const log = new EventLog({ maxRecent: 2 });
    for (const id of ['a', 'b', 'c']) log.record('bus', event(id), ['arn:rule']);
    expect(log.get('a')).toBeUndefined();
    expect(log.get('b')?.event.id).toBe('b');
    expect(log.get('c')).toMatchObject({ bus: 'bus', matchedRules: ['arn:rule'] });
  });

  test('forgets recent events oldest first through many evictions, and counts an event recorded again once', () => {
    const log = new EventLog({ maxRecent: 1000, maxRecentBytes: 1_000_000 });
    for (let i = 0; i < 5000; i++) log.record('bus', event(`e${i}`), ['r'], 100);
    expect(log.get('e3999')).toBeUndefined();
    expect(log.get('e4000')?.event.id).toBe('e4000');
    expect(log.get('e4999')?.event.id).toBe('e4999');
    // Recorded again, e4000 stays the oldest and its bytes are not counted twice: 1000 events
    // of 100 bytes fit in 100,000.
    const small = new EventLog({ maxRecent: 10, maxRecentBytes: 1000 });
    for (let i = 0; i < 10; i++) small.record('bus', event(`s${i}`), ['r'], 100);
    small.record('bus', event('s0'), ['r'], 100);
    expect(small.get('s0')?.event.id).toBe('s0');
    expect(small.get('s9')?.event.id).toBe('s9');
    small.record('bus', event('s10'), ['r'], 100);
    expect([small.get('s0'), small.get('s1')].map((e) => e?.event.id)).toEqual([undefined, 's1']);
  });

  test('keeps recent events up to its byte budget', () => {
    const log = new EventLog({ maxRecentBytes: 250 });
    log.record('bus', event('a'), ['r'], 100);
    log.record('bus', event('b'), ['r'], 100);
    log.record('bus', event('c'), ['r'], 100);
    expect([log.get('a'), log.get('b'), log.get('c')].map((e) => e?.event.id)).toEqual([undefined, 'b', 'c']);
  });

  test('keeps unmatched events beyond the recent ones, announces each, and counts the forgotten', () => {
    const log = new EventLog({ maxRecent: 1, maxUnmatched: 2 });
    const announced: string[] = [];
    const forgotten: string[] = [];
    log.on('unmatched', (e) => announced.push(e.event.id));
    log.on('forgetUnmatched', (id) => forgotten.push(id));
    for (const id of ['u1', 'u2', 'u3']) log.record('bus', event(id), []);
    log.record('bus', event('m'), ['r']);
    expect(announced).toEqual(['u1', 'u2', 'u3']);
    expect(forgotten).toEqual(['u1']);
    expect(log.unmatched().map((e) => e.event.id)).toEqual(['u2', 'u3']);
    // Unmatched ones stay findable by id after newer events pushed them out of the recent ones.
    expect(log.get('u2')?.matchedRules).toEqual([]);
    expect(log.unmatchedCount).toBe(3);
  });

  test('restore puts kept events back without announcing them, and keeps the larger total', () => {
    const log = new EventLog();
    const announced: string[] = [];
    log.on('unmatched', (e) => announced.push(e.event.id));
    const kept: LoggedEvent[] = [{ event: event('k'), bus: 'bus', matchedRules: [], at: 1 }];
    log.restore(kept, 7);
    expect(log.get('k')).toEqual(kept[0]);
    expect(announced).toEqual([]);
    expect(log.unmatchedCount).toBe(7);
  });
});
