/*
 * Pulumi entry of the reference platform (`Pulumi.yaml` `main:` points at its compiled form,
 * build/examples/reference/pulumi.js, so run `npm run build` before `pulumi up`).
 *
 * The stack configuration (`Pulumi.<stack>.yaml`) is parsed into the same `ReferencePlatformConfig` the cdk8s entry
 * uses, the same `buildReferencePlatform` builds the construct tree, and `AppDeployment` deploys exactly the objects
 * `cdk8s synth` would write, to the cluster of the kubeconfig context `kubeContext` (default: the current context).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { AppDeployment } from '../../lib/pulumi';
import { buildReferencePlatform } from './platform';
import { parseReferencePulumiConfig } from './pulumi-config';

const stackConfig = new pulumi.Config();
const config = parseReferencePulumiConfig(
  { get: (key) => stackConfig.get(key) },
  { project: pulumi.getProject(), stack: pulumi.getStack() },
);

// Nothing is written to disk: the app is only serialized in memory by the deployment.
const app = new App({ outdir: 'dist/reference' });
buildReferencePlatform(app, config.platform);

// One provider per cluster; for the multi-cluster setup, a provider for the Karmada control plane instead.
const cluster = new k8s.Provider('cluster', config.kubeContext ? { context: config.kubeContext } : {});

const platform = new AppDeployment('reference', { app }, { provider: cluster });

/** Namespaces created (one per tenant, plus the platform's own). */
export const namespaces = platform.namespaces;
/** In-cluster DNS names of the platform's Services, by `<namespace>/<name>`. */
export const serviceHosts = platform.serviceHosts;
/** S3 endpoints of the MinIO tenants, by `<namespace>/<tenant>`. */
export const bucketEndpoints = platform.bucketEndpoints;
/** Addresses of the inference gateways, by `<namespace>/<name>`. */
export const gatewayAddresses = platform.gatewayAddresses;
/** Number of Kubernetes objects deployed. */
export const objectCount = platform.objects.length;
