// Values that must never be written out: not in a log line, not in an HTTP
// answer (an error's `detail`, an SSE `error` event, a task's `error`). The
// registry holds the values of environment variables named like secrets and
// every credential a component sends (registered as requests are prepared);
// `redact` also masks the shapes of credentials it has never been told about.

const secrets = new Set<string>()

const CREDENTIAL_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION|SIGNATURE|^SIG$/i

/** Whether a variable, header or query parameter of that name holds a credential. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name)
}

/** Short values would mask ordinary words. */
const MIN_LENGTH = 6

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= MIN_LENGTH) secrets.add(value)
}

/** Registers the values of the environment variables named like secrets. */
export function registerSecretsOf(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) if (isCredentialName(name)) registerSecret(value)
}

const MASK = '***'

/** A server's URL as logs and errors name it: the user kept (it helps with access lists), the password masked. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = MASK
    return parsed.toString()
  } catch {
    return 'an invalid url'
  }
}

export function redact(text: string): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK)
  return out
    .replace(/(Bearer\s+|Basic\s+)[A-Za-z0-9._~+/=\-]{8,}/g, `$1${MASK}`)
    .replace(/\b(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]{8,}/g, `$1${MASK}`)
    .replace(/\b([a-z][a-z0-9+.\-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${MASK}@`)
    .replace(/([?&][\w.\-]*(?:key|token|secret|password|auth|signature|sig)[\w.\-]*=)[^&\s#"']+/gi, `$1${MASK}`)
}
