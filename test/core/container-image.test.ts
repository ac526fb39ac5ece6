import { Testing } from 'cdk8s';
import { ContainerImage, imageSuppressionAnnotations } from '../../lib/core';

const D = 'sha256:' + 'a'.repeat(64);
const PIN_ERROR = 'Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.';

describe('ContainerImage', () => {
  test('fromRegistry pins by digest', () => {
    const i = ContainerImage.fromRegistry('registry.x.internal/', 'vllm/vllm-openai', D);
    expect(i.reference).toBe(`registry.x.internal/vllm/vllm-openai@${D}`);
    expect(i.registry).toBe('registry.x.internal');
    expect(i.digest).toBe(D);
    expect(i.pinned).toBe(true);
    expect(i.unpinnedReason).toBeUndefined();
    expect(String(i)).toBe(i.reference);
    expect(() => i.validate('s', 'image', 'registry.x.internal')).not.toThrow();
    expect(() => i.validatePinned('s', 'image')).not.toThrow();
  });
  test('fromReference keeps tag and digest', () => {
    const i = ContainerImage.fromReference(`registry.x.internal:5000/pg/postgresql:17-standard@${D}`);
    expect([i.registry, i.digest, i.pinned]).toEqual(['registry.x.internal:5000', D, true]);
  });
  test('error: bad digest', () => {
    expect(() => ContainerImage.fromRegistry('registry.x.internal', 'vllm', 'latest')).toThrow(
      'ContainerImage.fromRegistry: invalid digest: "latest". Allowed: sha256:<64 lowercase hex digits>. Fix: copy the digest from your registry (e.g. `crane digest <image>`).');
  });
  test('error: reference without a registry host', () => {
    expect(() => ContainerImage.fromReference('vllm/vllm-openai:v1')).toThrow(
      'ContainerImage: invalid image: "vllm/vllm-openai:v1". Allowed: a reference with an explicit registry host, `<registry>/<path>@sha256:<64 hex>`. Fix: name the private registry host in the reference.');
    // the opt-out does not lift the registry rule
    expect(() => ContainerImage.unpinned('nginx:latest', { reason: 'demo' })).toThrow(
      'ContainerImage: invalid image: "nginx:latest". Allowed: a reference with an explicit registry host, `<registry>/<path>@sha256:<64 hex>`. Fix: name the private registry host in the reference.');
  });
  test('error: tag without digest (validate and validatePinned, with a construct path)', () => {
    const tagged = ContainerImage.fromReference('registry.x.internal/vllm:v1');
    expect(tagged.pinned).toBe(false);
    expect(() => tagged.validate('s', 'image', 'registry.x.internal')).toThrow(`s: invalid image: "registry.x.internal/vllm:v1". ${PIN_ERROR}`);
    const chart = Testing.chart();
    expect(() => tagged.validatePinned(chart, 'engine.image')).toThrow(`test: invalid engine.image: "registry.x.internal/vllm:v1". ${PIN_ERROR}`);
  });
  test('error: image from another registry', () => {
    expect(() => ContainerImage.fromRegistry('docker.io', 'vllm/vllm-openai', D).validate('s', 'image', 'registry.x.internal')).toThrow(
      `s: invalid image: "docker.io/vllm/vllm-openai@${D}". Allowed: an image from the private registry "registry.x.internal". Fix: mirror the image into registry.x.internal and reference it there by digest.`);
  });
  test('error: unpinned needs a reason', () => {
    expect(() => ContainerImage.unpinned('registry.x.internal/vllm:v1', { reason: ' ' })).toThrow(
      'ContainerImage.unpinned: invalid reason: " ". Allowed: a non-empty explanation. Fix: say why this image cannot be pinned by digest.');
  });
  test('unpinned is the explicit per-image opt-out', () => {
    const i = ContainerImage.unpinned('registry.x.internal/vllm:v1', { reason: 'vendor' });
    expect([i.registry, i.pinned, i.unpinnedReason]).toEqual(['registry.x.internal', false, 'vendor']);
    expect(() => i.validate('s', 'image', 'registry.x.internal')).not.toThrow();
    expect(() => i.validatePinned('s', 'image')).not.toThrow();
  });
});

describe('imageSuppressionAnnotations', () => {
  const pinned = ContainerImage.fromRegistry('registry.x.internal', 'a', D);
  test('nothing for pinned or absent images', () => {
    expect(imageSuppressionAnnotations()).toEqual({});
    expect(imageSuppressionAnnotations(pinned, undefined)).toEqual({});
  });
  test('one suppression of sovereignty/image-digest carrying every distinct reason; separators escaped', () => {
    const a = ContainerImage.unpinned('registry.x.internal/a:v1', { reason: 'vendor build' });
    const b = ContainerImage.unpinned('registry.x.internal/b:v1', { reason: 'kms=vault; later' });
    expect(imageSuppressionAnnotations(a)).toEqual({ 'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=vendor build' });
    expect(imageSuppressionAnnotations(pinned, a, b, a)).toEqual({
      'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=vendor build / kms,vault, later',
    });
  });
});
