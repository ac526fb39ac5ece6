import { IConstruct } from 'constructs';
import { ValidationError } from '../core';

const DIGEST_PINNED = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const ANY_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** True if `image` is an OCI image reference pinned by a sha256 digest (`<registry>/<repo>[:tag]@sha256:<64 hex>`). */
export function isDigestPinned(image: string): boolean {
  return DIGEST_PINNED.test(image);
}

/**
 * Checks an image prop: it must be pinned by digest (images come from the user's registry, pinned), unless the
 * user explicitly allows a tag. Throws a `ValidationError` naming the prop.
 */
export function validateImage(scope: IConstruct, prop: string, image: string, allowUnpinned: boolean, allowProp: string): string {
  if (isDigestPinned(image)) return image;
  if (allowUnpinned && ANY_REFERENCE.test(image)) return image;
  throw ValidationError.invalidProp(scope, {
    prop,
    value: image,
    allowed: 'an image reference from your registry pinned by digest (`<registry>/<repository>@sha256:<64 hex digits>`)',
    fix: allowUnpinned
      ? 'use a valid lowercase image reference.'
      : `append the digest of the image in your registry (e.g. \`crane digest <image>\`), or set ${allowProp}: true to accept a tag.`,
  });
}
