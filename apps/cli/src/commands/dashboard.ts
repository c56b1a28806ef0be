import { PulseError } from '@social-pulse/runtime';

/** `pulse dashboard`: serves the dashboard app (see apps/dashboard). */
export async function dashboardCommand(_g: { config: string }, _o: Record<string, unknown>): Promise<void> {
  throw new PulseError('the dashboard is not part of this build yet', 2);
}
