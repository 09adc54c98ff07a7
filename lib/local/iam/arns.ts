/** ARNs of the running app's resources, as the permission check names them (see actions.ts). */
import type { TableModel } from '../../model';
import type { SecretStore } from '../auth/secret-store';
import type { FunctionHost } from '../host/function-host';
import type { QueueStore } from '../sqs/queue-store';
import type { ArnResolver } from './actions';

/** The stores that know the app's queues, functions, secrets and parameters. */
export interface ArnSources {
  readonly region: string;
  readonly accountId: string;
  readonly queues: QueueStore;
  readonly host: FunctionHost;
  readonly secrets: SecretStore;
  readonly tables: readonly TableModel[];
}

/** Resolves names, URLs and partial ARNs to the ARNs the app's policies name. */
export function localArns(s: ArnSources): ArnResolver {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${s.region}:${s.accountId}:${resource}`;
  return {
    region: s.region,
    accountId: s.accountId,
    queueArn(url) {
      try {
        // By URL, ARN or the URL's last segment, as the SQS API finds it.
        return s.queues.get(url).model.arn;
      } catch {
        // Not a queue of the app: SQS answers QueueDoesNotExist after the check.
      }
      // A queue the app does not have: its ARN from the URL's account and name, as SQS derives it.
      const m = /\/(\d{12})\/([^/?#]+)\/?$/.exec(url);
      return m ? `arn:aws:sqs:${s.region}:${m[1]}:${m[2]}` : arn('sqs', url.slice(url.lastIndexOf('/') + 1));
    },
    functionArn(nameOrArn) {
      const fn = s.host.find(nameOrArn);
      if (fn) return fn.arn;
      return nameOrArn.startsWith('arn:') ? nameOrArn : arn('lambda', `function:${nameOrArn}`);
    },
    secretArn(id) {
      const secret = s.secrets.secret(id);
      if (secret) return secret.arn;
      return id.startsWith('arn:') ? id : arn('secretsmanager', `secret:${id}`);
    },
    parameterArn: (name) => (name.startsWith('arn:') ? name : s.secrets.parameterArn(name)),
    partitionKey: (table) => s.tables.find((t) => t.name === table || t.arn === table)?.partitionKey,
  };
}
