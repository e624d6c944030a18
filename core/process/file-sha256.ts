// The sha256 of a file, read a piece at a time: the native libraries are tens
// of MB, and reading one whole would hold all of it in memory at once.

import { closeSync, openSync, readSync } from 'node:fs'

const PIECE = 1 << 20

export function fileSha256(path: string): string {
  const hasher = new Bun.CryptoHasher('sha256')
  const buffer = Buffer.allocUnsafe(PIECE)
  const fd = openSync(path, 'r')
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hasher.update(buffer.subarray(0, read))
  } finally {
    closeSync(fd)
  }
  return hasher.digest('hex')
}
