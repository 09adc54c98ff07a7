/** EventBridge global endpoints (`AWS::Events::Endpoint`) in the app model. */

/**
 * A global endpoint: one id that PutEvents is sent through (`EndpointId`), routing to the bus of
 * its primary region, or of its secondary region once the Route 53 health check fails over.
 */
export interface GlobalEndpointModel {
  readonly stack: string;
  readonly logicalId: string;
  /** The endpoint's name (`Name`). */
  readonly name: string;
  /** What `Fn::GetAtt [Endpoint, EndpointId]` answers and PutEvents' `EndpointId` takes (`abcde12345.veo`). */
  readonly endpointId: string;
  readonly arn: string;
  /** `https://<endpointId>.endpoint.events.amazonaws.com`, as AWS answers `EndpointUrl`. */
  readonly url: string;
  /** The bus of the primary region (the endpoint's `EventBuses` entry not in the secondary region). */
  readonly primaryBusArn: string;
  /** The bus of the secondary region (`RoutingConfig.FailoverConfig.Secondary.Route`). */
  readonly secondaryBusArn: string;
  /** `ReplicationConfig.State` is `ENABLED` (AWS's default): events sent to the primary are copied to the secondary. */
  readonly replication: boolean;
  /** The Route 53 health check that decides failover in AWS (`Primary.HealthCheck`); locally, `switchyard failover` decides. */
  readonly healthCheck?: string;
}
