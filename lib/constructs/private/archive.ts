import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { EventArchiveOptions } from '../archive';

/** An archive of every event this account puts on the bus, encrypted with the app's key when it has one. */
export function archiveBus(scope: Construct, bus: events.IEventBus, options: EventArchiveOptions, key: kms.IKey | undefined): events.Archive {
  // events.Archive directly: EventBus.archive() does not pass kmsKey on (aws-cdk-lib 2.276).
  return new events.Archive(scope, 'Archive', {
    sourceEventBus: bus,
    archiveName: options.archiveName,
    description: `Every event on the bus of ${scope.node.path}`,
    // Every event this account puts on the bus: the pattern CDK documents for "archive all".
    eventPattern: { account: [Stack.of(scope).account] },
    retention: options.retention,
    kmsKey: key,
  });
}
