import * as gcp from '@pulumi/gcp';
import type * as pulumi from '@pulumi/pulumi';
import { pulseComponent } from './component.ts';
import type { InProject } from './component.ts';

/** The range IAP's TCP forwarding connects from (https://cloud.google.com/iap/docs/using-tcp-forwarding). */
export const IAP_SOURCE_RANGE = '35.235.240.0/20';

export interface PrivateNetworkArgs extends InProject {
  /** Region of the subnetwork, the router and Cloud NAT. */
  region: pulumi.Input<string>;
  /** IP range of the subnetwork. */
  cidr: pulumi.Input<string>;
  /** Network tag of the VMs that SSH over IAP may reach. */
  sshTag: pulumi.Input<string>;
}

/**
 * A network of the stack's own, so no rule of the project's default network applies: one
 * subnetwork with Private Google Access (Cloud Storage, BigQuery, Secret Manager without a
 * public IP), Cloud NAT for outbound traffic (packages, the social networks' APIs), and one
 * ingress rule: SSH from IAP's range only. Everything else inbound is denied by default.
 */
export const PrivateNetwork = pulseComponent('PrivateNetwork', (args: PrivateNetworkArgs, child) => {
  const network = child(gcp.compute.Network, 'vpc', { project: args.project, autoCreateSubnetworks: false, description: 'social-pulse: the pipeline VM only' });
  const subnetwork = child(gcp.compute.Subnetwork, 'subnet', { project: args.project, region: args.region, network: network.id, ipCidrRange: args.cidr, privateIpGoogleAccess: true });
  const router = child(gcp.compute.Router, 'router', { project: args.project, region: args.region, network: network.id });
  child(gcp.compute.RouterNat, 'nat', {
    project: args.project,
    region: args.region,
    router: router.name,
    natIpAllocateOption: 'AUTO_ONLY',
    sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
    subnetworks: [{ name: subnetwork.id, sourceIpRangesToNats: ['ALL_IP_RANGES'] }],
    logConfig: { enable: true, filter: 'ERRORS_ONLY' },
  });
  child(gcp.compute.Firewall, 'ssh-from-iap', {
    project: args.project,
    network: network.id,
    description: "SSH from Identity-Aware Proxy's TCP forwarding range only",
    direction: 'INGRESS',
    sourceRanges: [IAP_SOURCE_RANGE],
    allows: [{ protocol: 'tcp', ports: ['22'] }],
    targetTags: [args.sshTag],
  });
  return { networkId: network.id, subnetworkId: subnetwork.id };
});
