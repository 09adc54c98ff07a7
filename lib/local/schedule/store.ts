/**
 * EventBridge Scheduler's schedules and schedule groups, locally: those of the template and those
 * created through the Scheduler API, in one store that the API changes and the runner fires.
 * Schedules and groups created through the API are kept across restarts of `switchyard dev` when
 * the app keeps its state (lib/local/state/schedules.ts listens to this store's events).
 */
import { EventEmitter } from 'node:events';
import type { ScheduleGroupModel, ScheduleModel } from '../../model';

/** A schedule as the store keeps it: the model plus Scheduler's bookkeeping. */
export interface StoredSchedule {
  readonly schedule: ScheduleModel;
  /** Epoch milliseconds. */
  readonly creationDate: number;
  readonly lastModificationDate: number;
  /** `template` for schedules of the synthesized app, `api` for those created by calls. */
  readonly origin: 'template' | 'api';
}

/** A schedule group as the store keeps it. */
export interface StoredGroup {
  readonly group: ScheduleGroupModel;
  readonly creationDate: number;
  readonly lastModificationDate: number;
}

/** Typed events of the store. */
export interface ScheduleStoreEvents {
  /** A schedule was created or replaced (`previous` is the replaced one). */
  put: [stored: StoredSchedule, previous: StoredSchedule | undefined];
  /** A schedule was deleted. */
  delete: [stored: StoredSchedule];
  /** A group was created through the API. */
  groupPut: [stored: StoredGroup];
  /** A group was deleted. */
  groupDelete: [stored: StoredGroup];
}

/** Schedules by group and name, and the groups. */
export class ScheduleStore extends EventEmitter<ScheduleStoreEvents> {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly schedules = new Map<string, StoredSchedule>();

  constructor(
    private readonly arnPrefix: string,
    templateSchedules: readonly ScheduleModel[] = [],
    templateGroups: readonly ScheduleGroupModel[] = [],
  ) {
    super();
    const now = Date.now();
    this.groups.set('default', { group: { name: 'default', arn: `${arnPrefix}:schedule-group/default` }, creationDate: now, lastModificationDate: now });
    for (const group of templateGroups) this.groups.set(group.name, { group, creationDate: now, lastModificationDate: now });
    for (const schedule of templateSchedules) {
      // A template schedule in a group the template does not declare: the group exists in that account.
      if (!this.groups.has(schedule.groupName)) this.addGroup(schedule.groupName);
      this.schedules.set(key(schedule.groupName, schedule.name), { schedule, creationDate: now, lastModificationDate: now, origin: 'template' });
    }
  }

  /** The ARN a schedule of this name and group has. */
  scheduleArn(groupName: string, name: string): string {
    return `${this.arnPrefix}:schedule/${groupName}/${name}`;
  }

  /** The ARN a group of this name has. */
  groupArn(name: string): string {
    return `${this.arnPrefix}:schedule-group/${name}`;
  }

  /** A schedule, or undefined. */
  get(groupName: string, name: string): StoredSchedule | undefined {
    return this.schedules.get(key(groupName, name));
  }

  /** Every schedule, in creation order, optionally of one group. */
  list(groupName?: string): StoredSchedule[] {
    return [...this.schedules.values()].filter((s) => groupName === undefined || s.schedule.groupName === groupName);
  }

  /** Creates or replaces a schedule (its group must exist); returns what is stored. */
  put(schedule: ScheduleModel, origin: StoredSchedule['origin'] = 'api'): StoredSchedule {
    const previous = this.get(schedule.groupName, schedule.name);
    const now = Date.now();
    const stored: StoredSchedule = { schedule, creationDate: previous?.creationDate ?? now, lastModificationDate: now, origin: previous?.origin ?? origin };
    this.schedules.set(key(schedule.groupName, schedule.name), stored);
    this.emit('put', stored, previous);
    return stored;
  }

  /** Deletes a schedule; false when there was none. */
  delete(groupName: string, name: string): boolean {
    const stored = this.get(groupName, name);
    if (!stored) return false;
    this.schedules.delete(key(groupName, name));
    this.emit('delete', stored);
    return true;
  }

  /** A group, or undefined. */
  group(name: string): StoredGroup | undefined {
    return this.groups.get(name);
  }

  /** Every group, in creation order. */
  listGroups(): StoredGroup[] {
    return [...this.groups.values()];
  }

  /** Creates a group. */
  addGroup(name: string): StoredGroup {
    const now = Date.now();
    const stored = { group: { name, arn: this.groupArn(name) }, creationDate: now, lastModificationDate: now };
    this.groups.set(name, stored);
    this.emit('groupPut', stored);
    return stored;
  }

  /** Deletes a group and every schedule in it, as Scheduler does. */
  deleteGroup(name: string): void {
    for (const s of this.list(name)) this.delete(name, s.schedule.name);
    const stored = this.groups.get(name);
    this.groups.delete(name);
    if (stored) this.emit('groupDelete', stored);
  }

  /** Puts back a schedule kept from an earlier run, as it was (its dates unchanged), for the runner to fire. */
  restore(stored: StoredSchedule): void {
    this.schedules.set(key(stored.schedule.groupName, stored.schedule.name), stored);
    this.emit('put', stored, undefined);
  }

  /** Puts back a group kept from an earlier run. */
  restoreGroup(stored: StoredGroup): void {
    this.groups.set(stored.group.name, stored);
  }
}

function key(groupName: string, name: string): string {
  return `${groupName}/${name}`;
}
