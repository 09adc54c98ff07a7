/**
 * `switchyard cost` and `switchyard diagram`, given an assembly folder: the CLI (lib/cli)
 * parses arguments and synthesizes; the work is here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAppModel } from '../model';
import { mermaidDiagram } from './diagram';
import { readOpsApp } from './facts';
import { formatCostReport } from './format';
import { loadPriceTable, pricesFor } from './prices';
import { estimateRegions, regionLayout } from './regions';
import { readMeasuredDurations, readUsage, type Usage } from './usage';

/** Options of {@link runCost}. */
export interface CostCommandOptions {
  /** The cloud assembly folder. */
  readonly assembly: string;
  /** The project folder, where `.switchyard/durations.json` is looked for. */
  readonly projectDir: string;
  /** A usage file. @default - no traffic: only fixed costs (alarms, dashboards, provisioned concurrency) and schedules */
  readonly usageFile?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Print JSON instead of tables. @default false */
  readonly json?: boolean;
  readonly out: NodeJS.WritableStream;
}

/** Prints the monthly cost estimate; resolves with the exit code. */
export function runCost(options: CostCommandOptions): number {
  const region = options.region ?? 'us-east-1';
  const table = loadPriceTable();
  const prices = pricesFor(table, region);
  const { model } = readAppModel(options.assembly, { region, projectDir: options.projectDir });
  const usage: Usage = options.usageFile ? readUsage(path.resolve(options.projectDir, options.usageFile)) : {};
  // An app in two regions: the primary's stacks, then the same app with the secondary's share.
  const layout = regionLayout(model, region);
  const secondaryPrices = layout.secondary ? table.regions[layout.secondary] : undefined;
  const app = readOpsApp(model, layout.secondary ? layout.primaryStacks : undefined);
  const report = estimateRegions(app, usage, prices, layout, secondaryPrices, readMeasuredDurations(options.projectDir));
  options.out.write(options.json ? `${JSON.stringify({ priceDate: table.date, ...report }, null, 2)}\n` : formatCostReport(report, table.date, table.currency));
  return 0;
}

/** Options of {@link runDiagram}. */
export interface DiagramCommandOptions {
  readonly assembly: string;
  readonly projectDir: string;
  /** A file to write (`.md` gets a fenced block); prints to `out` when absent. */
  readonly outFile?: string;
  readonly out: NodeJS.WritableStream;
}

/** Writes the Mermaid diagram; resolves with the exit code. */
export function runDiagram(options: DiagramCommandOptions): number {
  const { model } = readAppModel(options.assembly, { projectDir: options.projectDir });
  const diagram = mermaidDiagram(readOpsApp(model));
  if (!options.outFile) {
    options.out.write(diagram);
    return 0;
  }
  const file = path.resolve(options.projectDir, options.outFile);
  fs.writeFileSync(file, file.endsWith('.md') ? `\`\`\`mermaid\n${diagram}\`\`\`\n` : diagram);
  options.out.write(`wrote ${path.relative(options.projectDir, file)}\n`);
  return 0;
}
