// A tiny logger: lines to stderr, prefixed with who speaks. Secrets (API keys,
// bearer tokens, ...: see secrets.ts) are masked before they are written.

import { redact } from './secrets.ts'

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  debug(message: string): void
  child(prefix: string): Logger
}

let verbose = false

export function setVerbose(on: boolean): void {
  verbose = on
}

export function isVerbose(): boolean {
  return verbose
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
