/**
 * A first-in, first-out queue with O(1) removal from the front.
 *
 * Why not an array's `shift()`: V8 moves the start of a small array in place, but an array past
 * ~16,000 elements lives in the large-object space, where it cannot, and every `shift()` copies
 * the rest: the ledger's list of ended deliveries (100,000 ids) cost ~100 us per delivery once
 * full. Why not a Map's first key: deleting from the front leaves holes that every later
 * iteration from the front walks over until the table is rebuilt. Here the front is an index;
 * the consumed part is dropped once it is at least half of the array (amortized O(1)).
 */
export class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  /** Items in the queue. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the item at the front; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The item at the front, without removing it. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }
}
