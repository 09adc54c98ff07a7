import type { Duration } from 'aws-cdk-lib';

/** How the app's bus archives its events (`EventAppProps.archive`). */
export interface EventArchiveOptions {
  /**
   * How long archived events are kept.
   * @default - indefinitely
   */
  readonly retention?: Duration;
  /**
   * Name of the archive.
   * @default - generated
   */
  readonly archiveName?: string;
}
