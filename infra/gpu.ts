/** The `gpu` settings, by the accelerator type names Compute Engine uses. */
export const GPUS = ['none', 'nvidia-l4', 'nvidia-tesla-t4'] as const;
export type GpuSetting = (typeof GPUS)[number];
export type GpuType = Exclude<GpuSetting, 'none'>;

/** The machine type used when config `machineType` is empty. */
export const DEFAULT_MACHINE_TYPE: Record<GpuSetting, string> = {
  none: 'e2-standard-4',
  'nvidia-l4': 'g2-standard-4',
  'nvidia-tesla-t4': 'n1-standard-4',
};

// G2 machine types come with a fixed number of L4s; the accelerator count must match it.
const L4_PER_G2: Record<string, number> = {
  'g2-standard-4': 1,
  'g2-standard-8': 1,
  'g2-standard-12': 1,
  'g2-standard-16': 1,
  'g2-standard-32': 1,
  'g2-standard-24': 2,
  'g2-standard-48': 4,
  'g2-standard-96': 8,
};

// T4s attach only to N1 machine types, in these counts.
const T4_COUNTS = [1, 2, 4];

/**
 * Why `machineType` cannot carry `count` GPUs of `gpu`, or undefined when it can.
 * The message names the values and the fix.
 */
export function gpuMismatch(gpu: GpuSetting, machineType: string, count: number): string | undefined {
  if (gpu === 'none') {
    return /^(g2|a2|a3|a4)-/.test(machineType)
      ? `machineType "${machineType}" is a GPU machine type but gpu is "none": set gpu (nvidia-l4 for g2-*) or choose e.g. e2-standard-4`
      : undefined;
  }
  if (gpu === 'nvidia-l4') {
    const carried = L4_PER_G2[machineType];
    if (carried === undefined) {
      return `machineType "${machineType}" cannot carry an nvidia-l4 GPU: L4s come only with G2 machine types (${Object.keys(L4_PER_G2).join(', ')}); leave machineType empty for g2-standard-4`;
    }
    return count === carried ? undefined : `gpuCount ${count} does not match machineType "${machineType}", which comes with ${carried} nvidia-l4 GPU(s)`;
  }
  if (!machineType.startsWith('n1-')) {
    return `machineType "${machineType}" cannot carry an nvidia-tesla-t4 GPU: T4s attach only to N1 machine types (e.g. n1-standard-4); leave machineType empty for n1-standard-4`;
  }
  return T4_COUNTS.includes(count) ? undefined : `gpuCount ${count} is not a valid number of nvidia-tesla-t4 GPUs: use ${T4_COUNTS.join(', ')}`;
}
