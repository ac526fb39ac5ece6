import { ContainerImage } from '../../lib/serving';

const D = 'sha256:' + 'a'.repeat(64);
describe('ContainerImage', () => {
  test('fromRegistry pins by digest', () => {
    const i = ContainerImage.fromRegistry('registry.x.internal', 'vllm/vllm-openai', D);
    expect(i.reference).toBe(`registry.x.internal/vllm/vllm-openai@${D}`);
    expect(i.pinned).toBe(true);
    expect(() => i.validate('s', 'image', 'registry.x.internal')).not.toThrow();
  });
  test('bad digest', () => {
    expect(() => ContainerImage.fromRegistry('registry.x.internal', 'vllm', 'latest')).toThrow(
      'ContainerImage.fromRegistry: invalid digest: "latest". Allowed: sha256:<64 lowercase hex digits>. Fix: copy the digest from your registry (e.g. `crane digest <image>`).');
  });
  test('tag without digest is refused at validation', () => {
    expect(() => ContainerImage.fromReference('registry.x.internal/vllm:v1').validate('s', 'image', 'registry.x.internal')).toThrow(
      's: invalid image: "registry.x.internal/vllm:v1". Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.');
  });
  test('unpinned needs a reason', () => {
    expect(() => ContainerImage.unpinned('registry.x.internal/vllm:v1', { reason: ' ' })).toThrow(
      'ContainerImage.unpinned: invalid reason: " ". Allowed: a non-empty explanation. Fix: say why this image cannot be pinned by digest.');
    expect(() => ContainerImage.unpinned('registry.x.internal/vllm:v1', { reason: 'vendor' }).validate('s', 'image', 'registry.x.internal')).not.toThrow();
  });
});
