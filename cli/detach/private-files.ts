// `.mc/` holds what only its owner may read: the background mc's pid, its log
// (requests, errors) and the `-e` values `mc start` needs again. The folder is
// 0700 and every file mc writes there 0600, whatever the umask, and an older
// `.mc/` or file made readable by others is tightened (not refused: it is mc's
// own folder, nothing in it is meant for anyone else, and refusing would stop
// every existing checkout after an upgrade). It also holds its own
// `.gitignore` (`*`, as pytest does for its cache), so git never takes it in.

import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** Creates `dir` (0700) or makes an existing one 0700; refuses one owned by someone else. Returns whether its .gitignore was written now. */
export function ensurePrivateDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const { uid, mode } = statSync(dir)
  if (process.getuid && uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user (uid ${uid}): mc keeps its pid, log and -e values there; remove it or change its owner`)
  }
  if ((mode & 0o777) !== 0o700) chmodSync(dir, 0o700)
  return ignoreFolder(dir)
}

/** Writes `dir/.gitignore` ignoring everything in `dir`, unless there is one; whether it wrote it. */
export function ignoreFolder(dir: string): boolean {
  const path = join(dir, '.gitignore')
  if (!existsSync(dir) || existsSync(path)) return false
  try {
    writePrivateFile(path, '# mc keeps its task store, pid and log here: none of it belongs in git.\n*\n')
    return true
  } catch {
    return false // a folder mc cannot write to: the store or log fails there with its own message
  }
}

/** What mc says the first time it writes `.mc/.gitignore`. */
export const IGNORED_NOTE = 'mc keeps its state in .mc/ and wrote .mc/.gitignore (*) so git leaves it out'

/** Opens `path` (created if need be) with `flags`, its mode set to 0600 whatever it was. */
export function openPrivate(path: string, flags: 'a' | 'w'): number {
  const fd = openSync(path, flags, 0o600)
  fchmodSync(fd, 0o600)
  return fd
}

export function writePrivateFile(path: string, text: string): void {
  const fd = openPrivate(path, 'w')
  try {
    writeSync(fd, text)
  } finally {
    closeSync(fd)
  }
}
