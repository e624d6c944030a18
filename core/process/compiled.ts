// How this mc was built, and so how it runs itself again (a background mc, a
// supervisor): the single executable (`bun build --compile`, its modules in
// Bun's virtual file system), the npm package's bytecode bundle
// (dist/npm/main.js, cli/build/bundle.ts), or Bun running the sources.

/** Defined (true) by cli/build/bundle.ts; a free name when the sources run. */
declare const MC_BUNDLED: true | undefined

export function isCompiledBinary(): boolean {
  return import.meta.path.startsWith('/$bunfs/') || /^[A-Z]:[\\/]~BUN[\\/]/.test(import.meta.path)
}

export function isBundle(): boolean {
  return typeof MC_BUNDLED !== 'undefined'
}

/**
 * The command line that runs this mc again, arguments to follow. A bundle
 * knows its own path only at run time (the bundler writes the build machine's
 * paths in place of import.meta.dir), hence Bun.main.
 */
export function selfCommand(): string[] {
  if (isCompiledBinary()) return [process.execPath]
  // --no-env-file: mc reads .env itself (cli/invocation/env.ts), not Bun from the current folder.
  return [process.execPath, '--no-env-file', isBundle() ? Bun.main : process.argv[1]!]
}
