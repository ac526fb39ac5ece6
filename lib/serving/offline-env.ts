/** Environment that keeps every serving process offline and silent: no hub downloads, no usage statistics. */
export const OFFLINE_ENV: ReadonlyArray<{ readonly name: string; readonly value: string }> = [
  { name: 'HF_HUB_OFFLINE', value: '1' },
  { name: 'TRANSFORMERS_OFFLINE', value: '1' },
  { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' },
  { name: 'VLLM_NO_USAGE_STATS', value: '1' },
  { name: 'DO_NOT_TRACK', value: '1' },
];
