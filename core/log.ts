// A tiny logger: lines to stderr, prefixed with who speaks. Values that look
// like secrets (API keys, bearer tokens) are masked before they are written.

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  debug(message: string): void
  child(prefix: string): Logger
}

let verbose = false
const secrets = new Set<string>()

export function setVerbose(on: boolean): void {
  verbose = on
}

export function isVerbose(): boolean {
  return verbose
}

/** Values never to be written out as they are (the values of env vars named like secrets). */
export function registerSecrets(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 6 && /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|AUTH/i.test(name)) secrets.add(value)
  }
}

export function redact(text: string): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***')
  return out.replace(/(Bearer\s+)[A-Za-z0-9._\-]{8,}/g, '$1***').replace(/\b(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]{8,}/g, '$1***')
}

export function createLogger(prefix = 'mc', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (level: string, message: string) => {
    for (const line of message.split('\n')) write(`${prefix} | ${level}${redact(line)}\n`)
  }
  return {
    info: (m) => emit('', m),
    warn: (m) => emit('warning: ', m),
    error: (m) => emit('error: ', m),
    debug: (m) => {
      if (verbose) emit('debug: ', m)
    },
    child: (name) => createLogger(name, write),
  }
}
