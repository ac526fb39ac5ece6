import { IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { Labels } from './labels';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REFERENCE = /^([a-z0-9.-]+(?::[0-9]+)?)\/([a-z0-9._\/-]+)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** The policy rule an unpinned image is recorded against (see {@link imageSuppressionAnnotations}). */
const IMAGE_DIGEST_RULE = 'sovereignty/image-digest';

/** Options of {@link ContainerImage.unpinned}. */
export interface UnpinnedImageOptions {
  /** Why this image may run without a digest (shown in the policy report). */
  readonly reason: string;
}

/**
 * A container image. The library only runs images from the platform's own registry, pinned by digest
 * (`registry/path@sha256:<64 hex>`): a tag can be moved, a digest cannot. Opting out of the digest is explicit, per
 * image, with a written reason ({@link ContainerImage.unpinned}); every construct records that reason on the object
 * the image lands in (annotation `sovereign-ai.dev/suppressions: sovereignty/image-digest=<reason>`).
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export class ContainerImage {
  /**
   * An image in a private registry, pinned by digest: `<registry>/<repository>@<digest>`.
   * @param registry registry host (and optional path prefix), e.g. `registry.hospital.internal`
   * @param repository repository below the registry, e.g. `vllm/vllm-openai`
   * @param digest `sha256:<64 lowercase hex>`
   */
  public static fromRegistry(registry: string, repository: string, digest: string): ContainerImage {
    if (!DIGEST.test(digest)) {
      throw ValidationError.invalidProp('ContainerImage.fromRegistry', {
        prop: 'digest', value: digest, allowed: 'sha256:<64 lowercase hex digits>',
        fix: 'copy the digest from your registry (e.g. `crane digest <image>`).',
      });
    }
    return ContainerImage.fromReference(`${registry.replace(/\/+$/, '')}/${repository}@${digest}`);
  }

  /**
   * A full image reference with an explicit registry host (`host/path[:tag]@sha256:...`). Constructs refuse it
   * unless it carries a digest.
   */
  public static fromReference(reference: string): ContainerImage {
    const m = parseReference(reference);
    return new ContainerImage(reference, m[1], m[4], undefined);
  }

  /**
   * An image without a digest (a tag only). Refused by default; this is the explicit per-image opt-out, and the
   * reason is recorded on the object that runs the image (annotation) for review.
   */
  public static unpinned(reference: string, options: UnpinnedImageOptions): ContainerImage {
    if (!options.reason || options.reason.trim().length === 0) {
      throw ValidationError.invalidProp('ContainerImage.unpinned', {
        prop: 'reason', value: options.reason, allowed: 'a non-empty explanation',
        fix: 'say why this image cannot be pinned by digest.',
      });
    }
    const m = parseReference(reference);
    return new ContainerImage(reference, m[1], m[4], options.reason);
  }

  private constructor(
    /** The full reference as written into pod specs. */
    public readonly reference: string,
    /** The registry host (first path element). */
    public readonly registry: string,
    /** The digest, if pinned. */
    public readonly digest: string | undefined,
    /** The reason for running unpinned, if opted out. */
    public readonly unpinnedReason: string | undefined,
  ) {}

  /** True if the reference carries a sha256 digest. */
  public get pinned(): boolean {
    return this.digest !== undefined;
  }

  /**
   * Checks the image against the platform rules: from `registry` (host or host/prefix) and pinned by digest (unless
   * opted out with {@link ContainerImage.unpinned}). Throws a ValidationError at `scope` naming `prop`.
   */
  public validate(scope: IConstruct | string, prop: string, registry: string): void {
    const prefix = `${registry.replace(/\/+$/, '')}/`;
    if (!this.reference.startsWith(prefix)) {
      throw ValidationError.invalidProp(scope, {
        prop, value: this.reference, allowed: `an image from the private registry ${JSON.stringify(registry)}`,
        fix: `mirror the image into ${registry} and reference it there by digest.`,
      });
    }
    this.validatePinned(scope, prop);
  }

  /**
   * Checks that the image is pinned by digest, or explicitly opted out with {@link ContainerImage.unpinned}.
   * Throws a ValidationError at `scope` naming `prop`.
   */
  public validatePinned(scope: IConstruct | string, prop: string): void {
    if (!this.pinned && this.unpinnedReason === undefined) {
      throw ValidationError.invalidProp(scope, {
        prop, value: this.reference, allowed: 'an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`)',
        fix: 'use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.',
      });
    }
  }

  public toString(): string {
    return this.reference;
  }
}

/**
 * The annotations that record the explicit digest opt-outs of `images` (those made with
 * {@link ContainerImage.unpinned}) as reviewed policy suppressions of `sovereignty/image-digest`, for the object the
 * images land in: `{ 'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=<reason>[ / <reason>...]' }` (`;` and
 * `=` in reasons become `,`), or `{}` when every image is pinned (spread it into `metadata.annotations`).
 */
export function imageSuppressionAnnotations(...images: ReadonlyArray<ContainerImage | undefined>): Record<string, string> {
  const reasons = [...new Set(images.flatMap((i) => (i?.unpinnedReason !== undefined ? [i.unpinnedReason.replace(/[;=]/g, ',')] : [])))];
  if (reasons.length === 0) return {};
  // one entry per object: a report lists the suppression that accepted each finding, so it carries every reason
  return { [Labels.SUPPRESSIONS]: `${IMAGE_DIGEST_RULE}=${reasons.join(' / ')}` };
}

function parseReference(reference: string): RegExpExecArray {
  const m = REFERENCE.exec(reference);
  if (!m || !m[1].includes('.') && !m[1].includes(':') && m[1] !== 'localhost') {
    throw ValidationError.invalidProp('ContainerImage', {
      prop: 'image', value: reference,
      allowed: 'a reference with an explicit registry host, `<registry>/<path>@sha256:<64 hex>`',
      fix: 'name the private registry host in the reference.',
    });
  }
  return m;
}
