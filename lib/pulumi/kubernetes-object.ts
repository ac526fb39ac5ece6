import * as pulumi from '@pulumi/pulumi';
import { apiGroupOf, KubernetesManifest } from './deployment-plan';

/** Version of the `@pulumi/kubernetes` SDK installed: selects the matching `kubernetes` resource plugin. */
const KUBERNETES_PLUGIN_VERSION: string = (require('@pulumi/kubernetes/package.json') as { version: string }).version
  .replace(/^v/, '');

/**
 * The Pulumi type token of a Kubernetes object, as `@pulumi/kubernetes` spells it:
 * `kubernetes:<group>/<version>:<Kind>`, with `core` for the core group (`kubernetes:core/v1:Namespace`,
 * `kubernetes:apps/v1:Deployment`, `kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue`).
 */
export function kubernetesTypeToken(apiVersion: string, kind: string): string {
  const group = apiGroupOf(apiVersion);
  const version = group ? apiVersion.slice(group.length + 1) : apiVersion;
  return `kubernetes:${group || 'core'}/${version}:${kind}`;
}

/**
 * One Kubernetes object managed by the `kubernetes` Pulumi provider, registered verbatim.
 *
 * This is the generic form of every `@pulumi/kubernetes` resource class: the same type token
 * (`kubernetes:<group>/<version>:<Kind>`), the same provider plugin version, the same inputs (the object itself).
 * It is used for built-in kinds and custom resources alike, because:
 * - the object is passed through unchanged (the typed classes copy only the fields they know, which would silently
 *   drop anything newer than the SDK);
 * - `apiextensions.CustomResource` derives its token from the apiVersion as is, which gives `kubernetes:v1:<Kind>`
 *   for the core group instead of `kubernetes:core/v1:<Kind>`;
 * - no table of kinds to keep in step with Kubernetes releases.
 * Like the typed `core/v1` Secret class, `data` and `stringData` of Secrets are marked secret outputs.
 */
export class KubernetesObject extends pulumi.CustomResource {
  /** `apiVersion` of the live object. */
  declare public readonly apiVersion: pulumi.Output<string>;
  /** `kind` of the live object. */
  declare public readonly kind: pulumi.Output<string>;
  /** `metadata` of the live object (with server-set fields such as `uid`). */
  declare public readonly metadata: pulumi.Output<Record<string, unknown>>;
  /** `status` of the live object, as reported by the provider (empty for kinds without status). */
  declare public readonly status: pulumi.Output<Record<string, unknown> | undefined>;

  /**
   * @param name the Pulumi resource name (unique in the stack)
   * @param manifest the Kubernetes object, exactly as it should be applied
   * @param opts Pulumi resource options (provider, dependsOn, parent, ...)
   */
  constructor(name: string, manifest: KubernetesManifest, opts: pulumi.CustomResourceOptions = {}) {
    const secretOutputs = manifest.apiVersion === 'v1' && manifest.kind === 'Secret' ? ['data', 'stringData'] : [];
    super(
      kubernetesTypeToken(manifest.apiVersion, manifest.kind),
      name,
      // `status: undefined` declares the output without sending an input (undefined inputs are not serialized).
      { ...manifest, status: manifest.status },
      pulumi.mergeOptions(opts, {
        version: opts.version ?? KUBERNETES_PLUGIN_VERSION,
        ...(secretOutputs.length > 0 ? { additionalSecretOutputs: secretOutputs } : {}),
      }),
    );
  }
}
