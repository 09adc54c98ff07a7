/**
 * Keeping what the Scheduler API created: each schedule under `s!<group>/<name>`, each group
 * under `g!<name>`, rewritten when it changes and deleted with it. Schedules of the template are
 * the template's: they come back from the app model, not from here.
 */
import type { ScheduleStore, StoredGroup, StoredSchedule } from '../schedule/store';
import { KEY_PREFIX, type StateStore } from './store';

const SCHEDULES = KEY_PREFIX.schedules;
const GROUPS = KEY_PREFIX.scheduleGroups;

/** Keeps a ScheduleStore's API-created schedules and groups in a StateStore. */
export class ScheduleKeeper {
  constructor(private readonly store: StateStore) {}

  /**
   * Puts back the kept groups, then the kept schedules (a schedule whose group the template now
   * declares anew is kept in it), and keeps every change from now on. Returns notes on what was
   * not restored.
   */
  async restore(schedules: ScheduleStore): Promise<string[]> {
    const notes: string[] = [];
    for (const [, kept] of await this.store.entries<StoredGroup>(GROUPS)) {
      if (!schedules.group(kept.group.name)) schedules.restoreGroup(kept);
    }
    let restored = 0;
    for (const [key, kept] of await this.store.entries<StoredSchedule>(SCHEDULES)) {
      const existing = schedules.get(kept.schedule.groupName, kept.schedule.name);
      if (existing?.origin === 'template') {
        // The template now declares a schedule of that name: the template's wins, as a deploy would.
        this.store.del(key);
        notes.push(`schedule ${kept.schedule.groupName}/${kept.schedule.name} created through the API is now declared by the template: the template's is used`);
        continue;
      }
      if (!schedules.group(kept.schedule.groupName)) schedules.restoreGroup({ group: { name: kept.schedule.groupName, arn: schedules.groupArn(kept.schedule.groupName) }, creationDate: kept.creationDate, lastModificationDate: kept.creationDate });
      schedules.restore(kept);
      restored++;
    }
    if (restored) notes.push(`${restored} schedule(s) created through the Scheduler API were restored`);
    schedules.on('put', (s) => {
      if (s.origin === 'api') this.store.put(scheduleKey(s), s);
    });
    schedules.on('delete', (s) => this.store.del(scheduleKey(s)));
    schedules.on('groupPut', (g) => this.store.put(`${GROUPS}${g.group.name}`, g));
    schedules.on('groupDelete', (g) => this.store.del(`${GROUPS}${g.group.name}`));
    return notes;
  }
}

function scheduleKey(s: StoredSchedule): string {
  return `${SCHEDULES}${s.schedule.groupName}/${s.schedule.name}`;
}
