/** One line of `pulse doctor`: what was checked, whether it passed, and what to fix. */
export interface CloudCheck {
  what: string;
  ok: boolean | 'warn';
  detail: string;
}

const FIX_ADC =
  'Fix: run `gcloud auth application-default login` on a workstation, or run on the VM whose service account `pulumi up` created';

/**
 * The credentials line of `pulse doctor` for a Google Cloud client: a warning when an emulator
 * variable (`STORAGE_EMULATOR_HOST`, `BIGQUERY_EMULATOR_HOST`) sends the requests to a stand-in
 * without credentials; otherwise whose application default credentials the client found
 * (`more` may add a remark), or that it found none, and how to get them.
 */
export async function gcpCredentialsCheck(
  what: string,
  emulator: { variable: string; value: string | undefined; service: string },
  credentials: () => Promise<{ client_email?: string }>,
  more: () => Promise<string> = async () => '',
): Promise<CloudCheck> {
  if (emulator.value) return { what, ok: 'warn', detail: `${emulator.variable}=${emulator.value}: ${emulator.service} requests go there, without credentials` };
  try {
    const creds = await credentials();
    return { what, ok: true, detail: `application default credentials: ${creds.client_email ?? 'your user credentials (gcloud auth application-default login)'}${await more()}` };
  } catch (e) {
    return { what, ok: false, detail: `no application default credentials (${(e as Error).message.split('\n')[0]}). ${FIX_ADC}` };
  }
}

/** A failed look at a cloud resource: the fix for a 404 (it does not exist) and a 403 (no access), or the error as it is. */
export function gcpResourceFailure(what: string, name: string, e: unknown, fixes: { notFound: string; forbidden: string }): CloudCheck {
  const code = (e as { code?: number }).code;
  const detail = code === 404 ? fixes.notFound : code === 403 ? fixes.forbidden : `${name}: ${(e as Error).message}`;
  return { what, ok: false, detail };
}
