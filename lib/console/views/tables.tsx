/**
 * The local DynamoDB tables, read-only: each table's key and item count, and its items a page
 * at a time (the union of the page's attributes as columns, the key first).
 */
import { useState } from 'preact/hooks';
import { api, type Api } from '../api';
import { ErrorNotice, Show, useLoad } from '../ui';

function cell(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function Items({ table }: { table: Api.TableInfo }) {
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const cursor = pages[pages.length - 1];
  const page = useLoad(() => api.items(table.name, cursor), [table.name, cursor]);
  return (
    <Show loaded={page}>{(p) => {
      const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
      const columns = [...new Set([...keys, ...p.items.flatMap((i) => Object.keys(i))])];
      return (
        <>
          <table aria-label={`Items of ${table.name}`}>
            <thead><tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
            <tbody>{p.items.map((item, n) => <tr key={n}>{columns.map((c) => <td key={c} class={keys.includes(c) ? 'mono' : undefined}>{item[c] === undefined ? '' : cell(item[c])}</td>)}</tr>)}</tbody>
          </table>
          {!p.items.length && <p class="muted">No items.</p>}
          <p class="row">
            {pages.length > 1 && <button type="button" onClick={() => setPages(pages.slice(0, -1))}>Previous page</button>}
            {p.next && <button type="button" onClick={() => setPages([...pages, p.next])}>Next page</button>}
          </p>
        </>
      );
    }}</Show>
  );
}

/** `#/tables`. */
export function TablesView() {
  const tables = useLoad(() => api.tables(), []);
  const [open, setOpen] = useState<string>();
  return (
    <section aria-labelledby="tables-title">
      <h2 id="tables-title" tabIndex={-1}>Tables</h2>
      <p class="muted">The local DynamoDB tables, read-only.</p>
      <Show loaded={tables}>{(t) => (
        t.tables.length ? (
          <>
            <table>
              <thead><tr><th scope="col">Table</th><th scope="col">Key</th><th scope="col">Items</th></tr></thead>
              <tbody>{t.tables.map((x) => (
                <tr key={x.name}>
                  <td><button type="button" aria-pressed={open === x.name} onClick={() => setOpen(open === x.name ? undefined : x.name)}>{x.name}</button></td>
                  <td class="mono">{x.partitionKey}{x.sortKey && `, ${x.sortKey}`}</td><td>{x.itemCount ?? '—'}</td>
                </tr>
              ))}</tbody>
            </table>
            {t.tables.filter((x) => x.name === open).map((x) => <section key={x.name} aria-label={`Items of ${x.name}`}><h3>{x.name}</h3><Items table={x} /></section>)}
          </>
        ) : <p class="muted">The app has no tables.</p>
      )}</Show>
      <ErrorNotice error={tables.error} />
    </section>
  );
}
