// An edit to a dependency's source, made at build time. The text replaced is
// matched exactly, once: when a new version of the dependency changed it, the
// build stops and says which file and which text, rather than making an
// executable that fails at run time.

class PatchMismatch extends Error {}

export function patchExactly(file: string, source: string, expected: string, replacement: string): string {
  const at = source.indexOf(expected)
  if (at < 0 || source.indexOf(expected, at + 1) >= 0) {
    const how = at < 0 ? 'no longer contains' : 'contains more than once'
    throw new PatchMismatch(`${file} ${how} the text the build replaces: ${JSON.stringify(expected)} (a dependency changed: update cli/build/native-runtime-plugin.ts)`)
  }
  return source.slice(0, at) + replacement + source.slice(at + expected.length)
}
