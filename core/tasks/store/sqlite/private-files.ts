// The sqlite store's files hold every run's outputs and streams: only their
// owner may read them. The database is created 0600 before SQLite opens it
// (SQLite gives the -wal and -shm files it creates the database's mode), and
// files of this user's from before (0644) are made 0600. A file of another
// user's is left as it is (it is not ours to change).

import { chmodSync, closeSync, openSync, statSync } from 'node:fs'

export function makePrivate(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const uid = process.getuid?.()
  if (uid === undefined) return
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    let stat
    try {
      stat = statSync(file)
    } catch {
      continue
    }
    if (stat.isFile() && stat.uid === uid && (stat.mode & 0o077) !== 0) chmodSync(file, stat.mode & 0o700)
  }
}
