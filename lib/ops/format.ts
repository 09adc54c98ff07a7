/**
 * Plain-text rendering of a {@link CostReport} for the terminal.
 */
import type { CostReport } from './cost';

/** Renders the estimate: per function, per service line, totals, then the notes. */
export function formatCostReport(report: CostReport, priceDate: string, currency = 'USD'): string {
  const money = (n: number) => `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(2)}`;
  const num = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const regions = report.secondaryRegion ? `${report.region} and ${report.secondaryRegion}` : report.region;
  const out: string[] = [`Monthly cost estimate, ${regions}, ${currency} list prices of ${priceDate}`, ''];
  out.push(table(
    ['Function', 'Arch', 'MB', 'Invocations', 'Avg ms', 'GB-s', 'Requests', 'Duration', 'Provisioned', 'Logs', 'Total'],
    report.functions.map((f) => [
      f.name, f.architecture, String(f.memoryMb), num(f.invocations), `${num(f.avgDurationMs)}${f.durationFrom === 'default' ? '*' : f.durationFrom === 'measured' ? ' (dev)' : ''}`,
      num(f.gbSeconds), money(f.requestsCost), money(f.durationCost), money(f.provisionedCost), money(f.logsCost), money(f.total),
    ]),
  ));
  out.push('  * default duration: measure with `switchyard dev` or set functions.<name>.avgDurationMs in the usage file', '');
  out.push(table(['Service', 'Item', 'Quantity', 'Cost'], report.lines.map((l) => [l.service, l.item, `${num(l.quantity)} ${l.unit}`, money(l.cost)])), '');
  out.push(table(['Service', 'Cost'], [...Object.entries(report.byService).map(([s, c]) => [s, money(c)]), ['Total', money(report.total)]]));
  if (report.notes.length) out.push('', ...report.notes.map((n) => `Note: ${n}`));
  return `${out.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text left, figures right.
  const cell = (value: string, i: number) => (/^[-$\d]/.test(value) && i > 0 ? value.padStart(widths[i]) : value.padEnd(widths[i]));
  const render = (row: string[]) => row.map(cell).join('  ').trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)].join('\n');
}
