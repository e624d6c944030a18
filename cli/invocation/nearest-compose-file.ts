// The compose file a command without -f works on: the current folder's, else
// the nearest folder's above it that has one, as docker compose finds its
// file — climbing only through folders of the user's own that nobody else
// may write to, and taking a file up there only if it is the user's: a
// compose file another user left in a shared folder (/tmp, say) is never
// picked up from below.

import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import { findComposeFile } from '../../core/compose/load.ts'

/** Whether `path` belongs to the user running mc (always, where there are no uids). */
export const isOwn = (path: string) => !process.getuid || statSync(path).uid === process.getuid()

/** A folder above the current one to look in: the user's own, and not one anybody may write to (/tmp is root's, and everyone's). */
const mayClimbTo = (dir: string) => isOwn(dir) && (statSync(dir).mode & 0o002) === 0

/** The compose file of `cwd` or of the nearest folder above it, of the user's own, that has one; else the error for `cwd`. */
export function nearestComposeFile(cwd: string): string {
  let notHere: unknown
  for (let dir = cwd; ; dir = dirname(dir)) {
    try {
      const file = findComposeFile(dir)
      if (dir === cwd || isOwn(file)) return file
    } catch (error) {
      notHere ??= error
    }
    const up = dirname(dir)
    if (up === dir || !mayClimbTo(up)) {
      throw new Error(`${(notHere as Error).message.replace(/; name one with -f$/, '')}, nor in a folder above it of your own; name one with -f`)
    }
  }
}
