// How a child's end reads in a message. The supervisor exits with the child's
// code, or 128 + the signal's number when a signal ended it (a shell's way).

import { constants } from 'node:os'

export function exitDescription(code: number): string {
  if (code > 128) {
    const name = Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0]
    if (name) return `was killed by ${name}${name === 'SIGKILL' ? ' (out of memory, or killed)' : ''}`
  }
  return `exited with code ${code}`
}
