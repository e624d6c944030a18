// The background mc's log file: each line starts with the time it was written
// (ISO 8601, UTC), and the file stays within `maxBytes`: a write that would
// pass it first copies the file to `.1` (the older copies move to `.2`, `.3`;
// the oldest is dropped) and empties it in place. So the log takes at most
// (ROTATED_KEPT + 1) × maxBytes however chatty the server is.
//
// Copy-and-empty rather than rename: the process's own stdout and stderr are
// this same file (for what Bun writes without going through JavaScript, such
// as a crash report), and a rename would leave them writing to a file that is
// later deleted. The size is the file's own, so those writes count too.

import { chmodSync, copyFileSync, existsSync, fstatSync, ftruncateSync, renameSync, writeSync } from 'node:fs'
import { openPrivate } from './private-files.ts'

/** How many older copies are kept: `.1` (the newest) to `.3`. */
export const ROTATED_KEPT = 3

export class RotatingLog {
  private readonly fd: number
  private atLineStart = true

  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    this.fd = openPrivate(path, 'a')
  }

  write(text: string): void {
    if (!text) return
    let stamped = ''
    for (const piece of text.split(/(?<=\n)/)) {
      if (this.atLineStart) stamped += `${new Date().toISOString()} `
      stamped += piece
      this.atLineStart = piece.endsWith('\n')
    }
    let bytes: Buffer = Buffer.from(stamped)
    if (bytes.length > this.maxBytes) bytes = this.cut(bytes)
    try {
      if (fstatSync(this.fd).size + bytes.length > this.maxBytes) this.rotate()
      writeSync(this.fd, bytes)
    } catch {
      // A log that cannot be written (a full disk, a removed folder) never stops the server: the line is lost.
    }
  }

  /** A single write larger than the whole file keeps its start, and says how much went. */
  private cut(bytes: Buffer): Buffer {
    const note = Buffer.from(` [... ${bytes.length} bytes in all, cut to fit MC_LOG_MAX_BYTES]\n`)
    this.atLineStart = true
    return Buffer.concat([bytes.subarray(0, Math.max(0, this.maxBytes - note.length)), note]).subarray(0, this.maxBytes)
  }

  /** Emptied even when the copy fails (the folder was removed, say): the bound holds first. */
  private rotate(): void {
    try {
      for (let n = ROTATED_KEPT - 1; n >= 1; n--) {
        if (existsSync(`${this.path}.${n}`)) renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`)
      }
      copyFileSync(this.path, `${this.path}.1`)
      chmodSync(`${this.path}.1`, 0o600)
    } finally {
      ftruncateSync(this.fd)
    }
  }
}
