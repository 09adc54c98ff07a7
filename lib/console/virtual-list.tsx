/**
 * A keyboard-navigable listbox that renders only the rows in view (plus a few either side), so
 * 10,000 entries cost the DOM a few dozen rows. Hand-written rather than a virtualization
 * library: every row has the same height, which reduces windowing to index arithmetic on the
 * scroll offset (the libraries' value is measuring rows of varying height, which we do not need).
 *
 * Rows are placed with `style` objects, which Preact applies through the CSSOM (not a `style`
 * attribute), so a CSP without 'unsafe-inline' styles does not block them.
 *
 * Keyboard (the WAI-ARIA listbox pattern): the list is one tab stop; Up/Down, PageUp/PageDown,
 * Home/End move the active row (aria-activedescendant, scrolled into view); Enter or Space opens it.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Row height in px; must match `.list [role="option"]` in console.css. */
export const ROW_HEIGHT = 32;
const OVERSCAN = 8;

/** Props of {@link VirtualList}. */
export interface VirtualListProps<T> {
  readonly items: readonly T[];
  /** A stable key per item (used for the row's DOM id). */
  readonly keyOf: (item: T) => string | number;
  readonly renderRow: (item: T) => ComponentChildren;
  /** Called when a row is clicked or chosen with Enter/Space. */
  readonly onOpen: (item: T) => void;
  /** The accessible name of the list. */
  readonly label: string;
  readonly id: string;
}

/** The virtualized listbox; see the module comment. */
export function VirtualList<T>({ items, keyOf, renderRow, onOpen, label, id }: VirtualListProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(0);

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const rowId = (item: T) => `${id}-${keyOf(item)}`;

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(items.length - 1, index));
    setActive(next);
    const el = box.current;
    if (!el) return;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: activeIndex + 1, ArrowUp: activeIndex - 1, PageDown: activeIndex + page, PageUp: activeIndex - page, Home: 0, End: items.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]);
    } else if ((e.key === 'Enter' || e.key === ' ') && items[activeIndex]) {
      e.preventDefault();
      onOpen(items[activeIndex]);
    }
  };

  const rows = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    rows.push(
      <div
        key={keyOf(item)}
        id={rowId(item)}
        role="option"
        aria-selected={i === activeIndex}
        aria-posinset={i + 1}
        aria-setsize={items.length}
        class={i === activeIndex ? 'active' : undefined}
        style={{ top: `${i * ROW_HEIGHT}px` }}
        onClick={() => { setActive(i); onOpen(item); }}
      >
        {renderRow(item)}
      </div>,
    );
  }
  return (
    <div
      ref={box}
      class="list"
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={items[activeIndex] ? rowId(items[activeIndex]) : undefined}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div class="list-inner" style={{ height: `${items.length * ROW_HEIGHT}px` }}>{rows}</div>
    </div>
  );
}
