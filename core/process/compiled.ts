// Whether this is the single executable (`bun build --compile`) rather than
// Bun running the sources: its modules live in Bun's virtual file system.
// How mc runs itself again (a background mc, a supervisor) depends on it.

export function isCompiledBinary(): boolean {
  return import.meta.path.startsWith('/$bunfs/') || /^[A-Z]:[\\/]~BUN[\\/]/.test(import.meta.path)
}
